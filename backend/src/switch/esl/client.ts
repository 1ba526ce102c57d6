// A small inbound Event Socket client on node:net. Replies are matched to
// commands by order (FreeSWITCH answers strictly in sequence), background
// jobs by the Job-UUID we choose, and events go to typed listeners, decoded
// only when someone listens. Any protocol violation closes the connection
// with a reason; nothing the switch sends can crash the process or grow a
// buffer without bound.
import { randomUUID } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { TYPED_EVENT_NAMES } from '../event-names.js';
import { decodeEvent, eventFormatOf, sniffEventName, type EslEvent, type EslEventName, type EventFormat, type EventOf } from './events.js';
import { DEFAULT_FRAME_LIMITS, EslProtocolError, FrameParser, type EslFrame, type FrameLimits } from './frames.js';

export class EslError extends Error {
  override name = 'EslError';
}
export class EslAuthError extends EslError {
  override name = 'EslAuthError';
}
export class EslTimeoutError extends EslError {
  override name = 'EslTimeoutError';
}
export class EslClosedError extends EslError {
  override name = 'EslClosedError';
}
/** The switch refused a command (a command/reply starting with -ERR). */
export class EslCommandError extends EslError {
  override name = 'EslCommandError';
}

export interface EslObserver {
  event?(name: string): void;
  protocolError?(reason: string): void;
  command?(verb: string, seconds: number, ok: boolean): void;
}

export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  limits?: FrameLimits;
  observer?: EslObserver;
  /** Most commands awaiting a reply at once; more is back-pressure, not a queue without end. */
  maxOutstanding?: number;
}

export interface SendmsgOptions {
  callCommand: 'execute' | 'hangup' | 'unicast' | 'nomedia';
  appName?: string;
  appArg?: string;
  hangupCause?: string;
  eventLock?: boolean;
  /** Correlates CHANNEL_EXECUTE(_COMPLETE) through their Application-UUID. */
  eventUuid?: string;
}

interface Pending {
  expects: 'api/response' | 'command/reply';
  verb: string;
  started: number;
  settled: boolean;
  timer: NodeJS.Timeout | null;
  resolve(frame: EslFrame): void;
  reject(err: Error): void;
}

interface Job {
  resolve(body: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

type Listener = (event: EslEvent) => void;

const NEWLINE = /[\r\n]/;
const TYPED_NAMES = new Set<string>(TYPED_EVENT_NAMES);

export class EslClient {
  private readonly parser: FrameParser;
  private readonly queue: Pending[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;
  private format: EventFormat | null = null;
  private subscribed = new Set<string>();
  private readonly commandTimeoutMs: number;
  private readonly maxOutstanding: number;

  private constructor(
    private readonly socket: Socket,
    private readonly options: EslClientOptions,
  ) {
    this.parser = new FrameParser(options.limits ?? DEFAULT_FRAME_LIMITS);
    this.commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
    this.maxOutstanding = options.maxOutstanding ?? 1_000;
  }

  /** Connects, waits for the switch's auth request, and authenticates. */
  static async connect(options: EslClientOptions): Promise<EslClient> {
    const socket = await openSocket(options.host, options.port, options.connectTimeoutMs ?? 5_000);
    const client = new EslClient(socket, options);
    try {
      await client.handshake(options.connectTimeoutMs ?? 5_000);
      return client;
    } catch (err) {
      client.destroy(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /** Runs an API command; resolves with the response body (which may itself say -ERR). */
  async api(command: string, options: { timeoutMs?: number } = {}): Promise<string> {
    const reply = await this.send(`api ${checked(command)}`, 'api/response', verbOf(command), options.timeoutMs);
    return reply.body?.toString('utf8') ?? '';
  }

  /**
   * Runs a command in the background and resolves with its output from the
   * matching BACKGROUND_JOB event. The Job-UUID is ours, so the match is exact.
   */
  async bgapi(command: string, options: { timeoutMs?: number } = {}): Promise<string> {
    if (!this.subscribed.has('BACKGROUND_JOB') && !this.subscribed.has('ALL')) await this.subscribe(['BACKGROUND_JOB'], this.format ?? 'json');
    const jobUuid = randomUUID();
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const result = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.jobs.delete(jobUuid);
        reject(new EslTimeoutError(`bgapi ${verbOf(command)}: no BACKGROUND_JOB within ${timeoutMs} ms`));
      }, timeoutMs);
      this.jobs.set(jobUuid, { resolve, reject, timer });
    });
    try {
      await this.command(`bgapi ${checked(command)}\nJob-UUID: ${jobUuid}`, timeoutMs);
    } catch (err) {
      const job = this.jobs.get(jobUuid);
      if (job) {
        clearTimeout(job.timer);
        this.jobs.delete(jobUuid);
      }
      result.catch(() => undefined);
      throw err;
    }
    return result;
  }

  /** Adds events to the subscription (FreeSWITCH's `event` is additive). */
  async subscribe(events: readonly string[], format: EventFormat = 'json'): Promise<void> {
    for (const e of events) if (!/^[A-Za-z0-9_:]+$/.test(e)) throw new EslError(`invalid event name "${e}"`);
    await this.command(`event ${format} ${events.join(' ')}`);
    this.format = format;
    for (const e of events) this.subscribed.add(e);
  }

  async filter(header: string, value: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]+$/.test(header)) throw new EslError(`invalid filter header "${header}"`);
    await this.command(`filter ${header} ${checked(value)}`);
  }

  /** Sends a message to one channel (execute an application, hang up, …). */
  async sendmsg(uuid: string, message: SendmsgOptions): Promise<void> {
    const lines = [`sendmsg ${checked(uuid)}`, `call-command: ${message.callCommand}`];
    if (message.appName !== undefined) lines.push(`execute-app-name: ${checked(message.appName)}`);
    if (message.appArg !== undefined) lines.push(`execute-app-arg: ${checked(message.appArg)}`);
    if (message.hangupCause !== undefined) lines.push(`hangup-cause: ${checked(message.hangupCause)}`);
    if (message.eventLock) lines.push('event-lock: true');
    if (message.eventUuid !== undefined) lines.push(`Event-UUID: ${checked(message.eventUuid)}`);
    await this.command(lines.join('\n'));
  }

  /** Listens to one kind of event; returns the function that stops listening. */
  on<N extends EslEventName>(name: N, listener: (event: EventOf<N>) => void): () => void {
    return this.addListener(name, listener as Listener);
  }

  onAny(listener: (event: EslEvent) => void): () => void {
    return this.addListener('*', listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    if (this.closedReason !== null) {
      queueMicrotask(() => listener(this.closedReason!));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Says goodbye (`exit`) and waits briefly for the switch to close; then closes anyway. */
  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.onClose(() => resolve()));
    this.command('exit', 1_000).catch(() => undefined);
    const timer = setTimeout(() => this.destroy('closed by us'), 1_000);
    await done;
    clearTimeout(timer);
  }

  /** Drops the connection at once. */
  destroy(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.socket.destroy();
    const err = new EslClosedError(`connection closed: ${reason}`);
    for (const p of this.queue.splice(0)) this.settle(p, null, err);
    for (const [id, job] of this.jobs) {
      clearTimeout(job.timer);
      job.reject(err);
      this.jobs.delete(id);
    }
    for (const l of this.closeListeners) l(reason);
    this.closeListeners.clear();
  }

  // --- internals -------------------------------------------------------------

  private async handshake(timeoutMs: number): Promise<void> {
    const authRequest = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EslTimeoutError(`no auth/request within ${timeoutMs} ms`)), timeoutMs);
      this.authRequested = () => {
        clearTimeout(timer);
        resolve();
      };
      this.onClose((reason) => {
        clearTimeout(timer);
        reject(new EslClosedError(`closed before auth: ${reason}`));
      });
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.destroy(`socket error: ${err.message}`));
    this.socket.on('close', () => this.destroy('closed by the switch'));
    await authRequest;
    try {
      await this.command(`auth ${checked(this.options.password)}`, timeoutMs);
    } catch (err) {
      if (err instanceof EslCommandError) throw new EslAuthError('the switch refused the ESL password');
      throw err;
    }
  }

  private authRequested: (() => void) | null = null;

  private async command(line: string, timeoutMs?: number): Promise<string> {
    const reply = await this.send(line, 'command/reply', verbOf(line), timeoutMs);
    const text = reply.headers.get('Reply-Text') ?? '';
    if (text.startsWith('-ERR')) throw new EslCommandError(`${verbOf(line)}: ${text}`);
    return text;
  }

  private send(line: string, expects: Pending['expects'], verb: string, timeoutMs = this.commandTimeoutMs): Promise<EslFrame> {
    if (this.closedReason !== null) return Promise.reject(new EslClosedError(`connection closed: ${this.closedReason}`));
    if (this.queue.length >= this.maxOutstanding) return Promise.reject(new EslError(`more than ${this.maxOutstanding} commands awaiting replies`));
    return new Promise<EslFrame>((resolve, reject) => {
      const pending: Pending = { expects, verb, started: performance.now(), settled: false, timer: null, resolve, reject };
      pending.timer = setTimeout(() => {
        // The reply may still come; its slot stays in the queue so later replies stay matched.
        this.settle(pending, null, new EslTimeoutError(`${verb}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.queue.push(pending);
      this.socket.write(`${line}\n\n`);
    });
  }

  private settle(p: Pending, frame: EslFrame | null, err: Error | null): void {
    if (p.settled) return;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    this.options.observer?.command?.(p.verb, (performance.now() - p.started) / 1000, err === null);
    if (err) p.reject(err);
    else p.resolve(frame!);
  }

  private onData(chunk: Buffer): void {
    if (this.closedReason !== null) return;
    let frames: readonly EslFrame[];
    let broken: string | null = null;
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      // The frames before the bad one are good: replies and events the switch did send.
      frames = err instanceof EslProtocolError ? err.completed : [];
      broken = err instanceof EslProtocolError ? err.reason : String(err);
    }
    for (const frame of frames) {
      try {
        this.onFrame(frame);
      } catch (err) {
        this.protocolError(err instanceof EslProtocolError ? err.reason : `handling a frame failed: ${String(err)}`);
        return;
      }
      if (this.closedReason !== null) return;
    }
    if (broken !== null) this.protocolError(broken);
  }

  private protocolError(reason: string): void {
    this.options.observer?.protocolError?.(reason);
    this.destroy(`protocol error: ${reason}`);
  }

  private onFrame(frame: EslFrame): void {
    const type = frame.contentType;
    if (type === 'command/reply' || type === 'api/response') {
      const head = this.queue.shift();
      if (!head) throw new EslProtocolError(`unexpected ${type} with no command outstanding`);
      if (head.expects !== type) throw new EslProtocolError(`expected ${head.expects} for "${head.verb}", got ${type}`);
      this.settle(head, frame, null);
      return;
    }
    const format = eventFormatOf(frame);
    if (format) {
      if (frame.body) this.onEvent(format, frame.body);
      return;
    }
    if (type === 'auth/request') {
      this.authRequested?.();
      this.authRequested = null;
      return;
    }
    if (type === 'text/disconnect-notice' || type === 'text/rude-rejection') {
      // The switch is about to close; whatever still waits will fail on close.
      return;
    }
    // log/data and future types: not ours to interpret.
  }

  private onEvent(format: EventFormat, body: Buffer): void {
    const sniffed = sniffEventName(format, body);
    const typedName = sniffed === null ? null : TYPED_NAMES.has(sniffed) ? sniffed : sniffed === 'CUSTOM' ? null : 'OTHER';
    const wanted =
      this.listeners.has('*') ||
      typedName === null ||
      this.listeners.has(typedName) ||
      (typedName === 'BACKGROUND_JOB' && this.jobs.size > 0);
    if (sniffed !== null) this.options.observer?.event?.(sniffed);
    if (!wanted) return;
    const event = decodeEvent(format, body);
    if (sniffed === null) this.options.observer?.event?.(event.name === 'OTHER' ? event.eventName : event.name);
    if (event.name === 'BACKGROUND_JOB') {
      const job = this.jobs.get(event.jobUuid);
      if (job) {
        clearTimeout(job.timer);
        this.jobs.delete(event.jobUuid);
        job.resolve(event.body);
      }
    }
    this.listeners.get(event.name)?.forEach((l) => l(event));
    this.listeners.get('*')?.forEach((l) => l(event));
  }

  private addListener(name: string, listener: Listener): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(name);
    };
  }
}

/** A command or argument with a line break would smuggle a second command onto the socket. */
function checked(text: string): string {
  if (NEWLINE.test(text)) throw new EslError('ESL commands and arguments cannot contain line breaks');
  return text;
}

function verbOf(command: string): string {
  return command.trimStart().split(/\s/, 1)[0] ?? '';
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new EslTimeoutError(`connecting to ${host}:${port} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setKeepAlive(true, 10_000);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new EslError(`cannot connect to ${host}:${port}: ${err.message}`));
    });
  });
}
