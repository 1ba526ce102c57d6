// The project's FreeSWITCH test peer: a TCP server that speaks the inbound
// Event Socket exactly as the captures in test/fixtures/esl show (framing,
// header order, reply texts, URL-encoded plain events, json with `_body`),
// keeps channels through their life cycle with the real event sequences, and
// answers the api/bgapi commands the backend uses. Tests and benchmarks drive
// the backend through it; the product never depends on it.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { onCommands } from './commands.js';

export const PEER_PASSWORD = 'peer-esl-password-1';
const CORE_UUID = '9018f19b-ee2b-4f35-b99c-aaf6d92ef9b8';
const VERSION = 'FreeSWITCH Version 1.10.12-release+git~20240802T210227Z~a88d069d6f~64bit (git a88d069 2024-08-02 21:02:27Z 64bit)';
const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

type Format = 'plain' | 'json' | 'xml';
type Headers = Array<[string, string]>;

export interface PeerChannel {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  state: 'ringing' | 'early' | 'answered' | 'hangup';
  held: boolean;
  callerNumber: string;
  callerName: string;
  destination: string;
  context: string;
  createdUs: number;
  answeredUs: number;
  /** Bridged partner. */
  other: string | null;
  /** The leg that originated this one (B legs). */
  originator: string | null;
  variables: Record<string, string>;
  accountcode: string;
}

interface Connection {
  socket: Socket;
  authed: boolean;
  format: Format | null;
  events: Set<string>;
  closed: boolean;
}

export interface PeerOptions {
  password?: string;
  /** How long an outbound leg rings before it answers; null: it never answers by itself. */
  answerAfterMs?: number | null;
  /** Where mod_xml_curl asks for dialplan answers, as the real switch does (basic auth). */
  xmlCurl?: { url: string; username: string; password: string };
  /** The core limits `status` reports (switch.conf.xml), and the globals `global_getvar` answers (vars.xml). */
  limits?: { maxSessions?: number; sessionsPerSecond?: number; globals?: Record<string, string> };
}

export interface DialResult {
  uuid: string;
  /** bridged: the dialplan bridged out; refused: it answered with `respond`; fallback: no answer, the static config refused. */
  outcome: 'bridged' | 'refused' | 'fallback';
  respond?: string;
  bridge?: string;
  variables: Record<string, string>;
}

/** The hangup cause FreeSWITCH gives a `respond <status>`. */
const RESPOND_CAUSES: Record<string, string> = { '403': 'CALL_REJECTED', '404': 'UNALLOCATED_NUMBER', '480': 'NO_USER_RESPONSE', '486': 'USER_BUSY', '503': 'NORMAL_TEMPORARY_FAILURE' };

export class FreeSwitchPeer {
  /** Every command received, as sent (without the blank line), across connections. */
  readonly commands: string[] = [];
  readonly channels = new Map<string, PeerChannel>();
  /** SIP users with a registered device; `user/<name>` rings only these. */
  readonly registered = new Set<string>();
  /** Devices per registered SIP user beyond the first (a second browser tab, a desk phone). */
  readonly extraDevices = new Map<string, number>();
  /** The realm registrations are listed under. */
  realm = '127.0.0.1';
  private readonly connections = new Set<Connection>();
  private sequence = 1000;
  private refusing = false;
  private readonly password: string;
  private readonly answerAfterMs: number | null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private xmlCurl: PeerOptions['xmlCurl'];
  private readonly limits: { maxSessions: number; sessionsPerSecond: number; globals: Record<string, string> };

  private constructor(
    private readonly server: Server,
    options: PeerOptions,
  ) {
    this.password = options.password ?? PEER_PASSWORD;
    this.answerAfterMs = options.answerAfterMs === undefined ? 20 : options.answerAfterMs;
    this.xmlCurl = options.xmlCurl;
    this.limits = { maxSessions: options.limits?.maxSessions ?? 1000, sessionsPerSecond: options.limits?.sessionsPerSecond ?? 30, globals: options.limits?.globals ?? {} };
  }

  static async start(options: PeerOptions = {}): Promise<FreeSwitchPeer> {
    const server = createServer();
    const peer = new FreeSwitchPeer(server, options);
    server.on('connection', (socket) => peer.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** The FREESWITCH_NODES entry for this peer. */
  get url(): string {
    return `esl://:${this.password}@127.0.0.1:${this.port}`;
  }

  get connectionCount(): number {
    return [...this.connections].filter((c) => !c.closed).length;
  }

  /** Drops every connection, as a network failure or a switch restart would. */
  dropConnections(): void {
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
  }

  /** While refusing, new connections are closed at once. */
  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Waits until a command matching the pattern has been received. */
  async waitForCommand(pattern: RegExp, timeoutMs = 2_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.commands.find((c) => pattern.test(c));
      if (found) return found;
      if (Date.now() > until) throw new Error(`peer never received ${pattern}; got:\n${this.commands.join('\n---\n')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  // --- calls, driven by tests --------------------------------------------------

  /**
   * A registered user's browser calls `destination`: the inbound leg is
   * created, routed, and bridged to the trunk, which answers. Returns the A leg.
   */
  placeCall(input: { sipUser: string; destination: string; userId?: string; answer?: boolean }): string {
    const a = this.userCalls(input.sipUser, input.destination, input.userId);
    this.bridgeOut(a, input.destination, input.answer ?? true);
    return a.uuid;
  }

  /** Points mod_xml_curl at the backend (once it listens). */
  useXmlCurl(xmlCurl: NonNullable<PeerOptions['xmlCurl']>): void {
    this.xmlCurl = xmlCurl;
  }

  /**
   * A registered user's browser calls `destination` and the switch asks the
   * backend what to do, with the form mod_xml_curl posts (the channel's
   * headers and variables), then does what the answer says: bridge to the
   * trunk or to a user, or respond with a SIP status and hang up. With no
   * usable answer it falls back to the static dialplan, which refuses (503).
   */
  async dial(input: { sipUser: string; userId: string; destination: string; context?: string }): Promise<DialResult> {
    if (!this.xmlCurl) throw new Error('dial() needs the xmlCurl option');
    const a = this.userCalls(input.sipUser, input.destination, input.userId);
    if (input.context) a.context = input.context;
    const form = new URLSearchParams([
      ['hostname', 'vm'],
      ['section', 'dialplan'],
      ['tag_name', ''],
      ['key_name', ''],
      ['key_value', ''],
      ...eventBase('REQUEST_PARAMS', this.sequence++),
      ...channelHeaders(a),
      ['Hunt-Context', a.context],
      ['Hunt-Destination-Number', a.destination],
    ]);
    const res = await fetch(this.xmlCurl.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${this.xmlCurl.username}:${this.xmlCurl.password}`).toString('base64')}`,
        'user-agent': 'freeswitch-xml/1.0',
      },
      // The switch encodes spaces as %20, never +.
      body: form.toString().replace(/\+/g, '%20'),
    });
    const text = await res.text();
    const actions = [...text.matchAll(/<action application="([^"]+)"(?: data="([^"]*)")?\/>/g)].map((m) => ({ app: m[1]!, data: unescapeXml(m[2] ?? '') }));
    if (res.status !== 200 || actions.length === 0 || !new RegExp(`<context name="${a.context}">`).test(text)) {
      this.hangup(a.uuid, 'NORMAL_TEMPORARY_FAILURE');
      return { uuid: a.uuid, outcome: 'fallback', variables: {} };
    }
    const variables: Record<string, string> = {};
    for (const { app, data } of actions) {
      if (app === 'set' || app === 'export') {
        const eq = data.indexOf('=');
        variables[data.slice(0, eq)] = data.slice(eq + 1);
        a.variables[data.slice(0, eq)] = data.slice(eq + 1);
      } else if (app === 'respond') {
        this.hangup(a.uuid, RESPOND_CAUSES[data.split(' ')[0]!] ?? 'CALL_REJECTED');
        return { uuid: a.uuid, outcome: 'refused', respond: data, variables };
      } else if (app === 'bridge') {
        const trunk = /^sofia\/gateway\/[^/]+\/(.+)$/.exec(data);
        if (trunk) this.bridgeOut(a, trunk[1]!, true);
        else {
          const user = /^user\/([^@]+)@/.exec(data)?.[1];
          if (!user || !this.registered.has(user)) {
            this.hangup(a.uuid, 'USER_NOT_REGISTERED');
            return { uuid: a.uuid, outcome: 'refused', variables };
          }
          this.bridgeOut(a, user, true);
        }
        return { uuid: a.uuid, outcome: 'bridged', bridge: data, variables };
      }
    }
    this.hangup(a.uuid, 'NORMAL_CLEARING');
    return { uuid: a.uuid, outcome: 'fallback', variables };
  }

  /** The inbound leg of a call a registered user's device makes (the directory put their id on it). */
  private userCalls(sipUser: string, destination: string, userId: string | undefined): PeerChannel {
    return this.createChannel({
      name: `sofia/internal/${sipUser}@127.0.0.1`,
      direction: 'inbound',
      callerNumber: sipUser,
      callerName: sipUser,
      destination,
      variables: { user_name: sipUser, ...(userId ? { sipcall_user_id: userId } : {}) },
      accountcode: userId ?? '',
    });
  }

  answer(uuid: string): void {
    const ch = this.channels.get(uuid);
    if (!ch || ch.state === 'answered' || ch.state === 'hangup') return;
    ch.state = 'answered';
    ch.answeredUs = nowUs();
    this.emit('CHANNEL_ANSWER', ch);
    // A B leg answering answers its A leg (if still ringing) and bridges the two.
    const a = ch.originator ? this.channels.get(ch.originator) : undefined;
    if (a && a.state !== 'hangup' && a.other !== ch.uuid) {
      if (a.state !== 'answered') {
        a.state = 'answered';
        a.answeredUs = nowUs();
        this.emit('CHANNEL_ANSWER', a);
      }
      a.other = ch.uuid;
      ch.other = a.uuid;
      this.emit('CHANNEL_BRIDGE', a, [['Bridge-A-Unique-ID', a.uuid], ['Bridge-B-Unique-ID', ch.uuid]]);
    }
  }

  /** Hangs up a channel and its bridged partner, with the real event order. */
  hangup(uuid: string, cause = 'NORMAL_CLEARING'): boolean {
    const ch = this.channels.get(uuid);
    if (!ch || ch.state === 'hangup') return false;
    const partner = ch.other ? this.channels.get(ch.other) : ch.originator ? this.channels.get(ch.originator) : undefined;
    this.endChannel(ch, cause, 'CHANNEL_HANGUP');
    if (partner && partner.state !== 'hangup') this.endChannel(partner, 'NORMAL_CLEARING', 'CHANNEL_HANGUP');
    if (ch.other && ch.direction === 'inbound') this.emit('CHANNEL_UNBRIDGE', ch);
    this.complete(ch, cause);
    if (partner) this.complete(partner, partner.variables['hangup_cause'] ?? 'NORMAL_CLEARING');
    return true;
  }

  /** Ends a call without telling anyone: what happens while the backend's link is down. */
  hangupSilently(uuid: string): void {
    const ch = this.channels.get(uuid);
    if (!ch) return;
    for (const id of [uuid, ch.other, ch.originator]) if (id) this.channels.delete(id);
  }

  // --- protocol ------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.refusing) {
      socket.destroy();
      return;
    }
    const conn: Connection = { socket, authed: false, format: null, events: new Set(), closed: false };
    this.connections.add(conn);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      conn.closed = true;
      this.connections.delete(conn);
    });
    // Commands end with a blank line; sendmsg and bgapi may carry headers before it.
    onCommands(socket, (command) => {
      this.commands.push(command);
      this.handle(conn, command);
    });
    this.write(conn, [['Content-Type', 'auth/request']]);
  }

  private handle(conn: Connection, command: string): void {
    const [first, ...headerLines] = command.split('\n');
    const line = first!;
    const extra = new Map(headerLines.map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as [string, string]));
    const [verb, ...rest] = line.split(' ');
    const args = rest.join(' ');

    if (verb === 'auth') {
      if (args === this.password) {
        conn.authed = true;
        this.reply(conn, '+OK accepted');
      } else {
        this.reply(conn, '-ERR invalid');
        this.goodbye(conn);
      }
      return;
    }
    if (!conn.authed) {
      this.reply(conn, '-ERR command not found');
      return;
    }
    switch (verb) {
      case 'event': {
        const [format, ...names] = args.split(' ');
        if (format !== 'plain' && format !== 'json' && format !== 'xml') return this.reply(conn, '-ERR invalid format');
        conn.format = format;
        for (const n of names) conn.events.add(n);
        return this.reply(conn, `+OK event listener enabled ${format}`);
      }
      case 'nixevent':
        for (const n of args.split(' ')) conn.events.delete(n);
        return this.reply(conn, '+OK events nixed');
      case 'noevents':
        conn.events.clear();
        return this.reply(conn, '+OK no longer listening for events');
      case 'filter': {
        const [header, value] = [args.slice(0, args.indexOf(' ')), args.slice(args.indexOf(' ') + 1)];
        return this.reply(conn, `+OK filter added. [${header}]=[${value}]`);
      }
      case 'api':
        return this.writeBody(conn, [['Content-Type', 'api/response']], this.api(args));
      case 'bgapi': {
        const jobUuid = extra.get('Job-UUID') ?? randomUUID();
        this.reply(conn, `+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]);
        const [cmd, ...cmdArgs] = args.split(' ');
        const output = this.api(args);
        this.emitTo(
          'BACKGROUND_JOB',
          [
            ['Job-UUID', jobUuid],
            ['Job-Command', cmd!],
            ...(cmdArgs.length > 0 ? ([['Job-Command-Arg', cmdArgs.join(' ')]] as Headers) : []),
          ],
          output,
        );
        return;
      }
      case 'sendmsg': {
        const ch = this.channels.get(args);
        if (!ch) return this.reply(conn, `-ERR invalid session id [${args}]`);
        if (extra.get('call-command') === 'hangup') this.hangup(ch.uuid, extra.get('hangup-cause') ?? 'NORMAL_CLEARING');
        return this.reply(conn, '+OK');
      }
      case 'exit':
        this.reply(conn, '+OK bye');
        return this.goodbye(conn);
      default:
        return this.reply(conn, '-ERR command not found');
    }
  }

  /** The API commands the backend uses, answered with the texts the real switch gives. */
  private api(line: string): string {
    const [cmd, ...rest] = line.split(' ');
    const args = rest.join(' ');
    switch (cmd) {
      case 'status':
        return statusText(this.channels.size, this.limits.maxSessions, this.limits.sessionsPerSecond);
      case 'global_getvar':
        // An unknown variable is an empty answer, as on the real switch.
        return this.limits.globals[args] ?? '';
      case 'version':
        return `${VERSION}\n`;
      case 'hostname':
        return 'vm';
      case 'show':
        if (args === 'channels as json') return this.rows([...this.channels.values()].map(channelRow));
        if (args === 'calls as json') return this.rows(this.callRows());
        if (args === 'calls count') return `\n${this.callRows().length} total.\n`;
        if (args === 'registrations as json') return this.rows(this.registrationRows());
        return '-ERR Cannot find command\n';
      case 'originate':
        return this.originate(args);
      case 'uuid_kill': {
        const [uuid, cause] = args.split(' ');
        return this.hangup(uuid!, cause ?? 'NORMAL_CLEARING') ? '+OK\n' : '-ERR No such channel!\n';
      }
      case 'uuid_hold': {
        const parts = args.split(' ');
        const off = parts[0] === 'off';
        const ch = this.channels.get(parts[parts.length - 1]!);
        if (!ch || ch.state !== 'answered') return '-ERR Operation failed\n';
        ch.held = !off;
        this.emit(off ? 'CHANNEL_UNHOLD' : 'CHANNEL_HOLD', ch);
        return '+OK Success\n';
      }
      case 'uuid_transfer':
        return this.transfer(args);
      case 'uuid_send_dtmf': {
        const [uuid, digits] = args.split(' ');
        return this.channels.has(uuid!) && digits ? '+OK Success\n' : '-ERR No such channel!\n';
      }
      case 'uuid_setvar': {
        const [uuid, name, ...value] = args.split(' ');
        const ch = this.channels.get(uuid!);
        if (!ch) return '-ERR No such channel!\n';
        ch.variables[name!] = value.join(' ');
        return '+OK\n';
      }
      case 'sched_hangup': {
        const [when, uuid, cause] = args.split(' ');
        const ch = this.channels.get(uuid!);
        if (!ch) return '-ERR No such channel!\n';
        const t = setTimeout(() => this.hangup(ch.uuid, cause ?? 'ALLOTTED_TIMEOUT'), Number(when!.replace('+', '')) * 1000);
        this.timers.add(t);
        return '+OK\n';
      }
      case 'sofia':
        return SOFIA_STATUS;
      default:
        return '-ERR no_such_command Command not found!\n';
    }
  }

  /** `originate {vars}endpoint (&app | destination [XML context])` */
  private originate(args: string): string {
    const m = /^(?:\{([^}]*)\})?(\S+)\s+(\S+)(?:\s+(\S+))?(?:\s+(\S+))?$/.exec(args);
    if (!m) return '-ERR INVALID_ARGS\n';
    const vars = Object.fromEntries((m[1] ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const endpoint = m[2]!;
    const target = m[3]!;
    if (endpoint.startsWith('error/')) return `-ERR ${endpoint.slice(6)}\n`;
    let name = endpoint;
    if (endpoint.startsWith('user/')) {
      const user = endpoint.slice(5).split('@')[0]!;
      if (!this.registered.has(user)) return '-ERR USER_NOT_REGISTERED\n';
      name = `sofia/internal/${user}@127.0.0.1`;
    } else if (endpoint.startsWith('sofia/gateway/') && !endpoint.startsWith('sofia/gateway/carrier/')) {
      return '-ERR INVALID_GATEWAY\n';
    }
    const a = this.createChannel({
      uuid: vars['origination_uuid'],
      name,
      direction: 'outbound',
      callerNumber: vars['origination_caller_id_number'] ?? '0000000000',
      callerName: vars['origination_caller_id_name'] ?? 'Outbound Call',
      destination: endpoint.split('/').pop()!.split('@')[0]!,
      variables: vars,
      accountcode: vars['accountcode'] ?? '',
    });
    this.schedule(() => {
      this.answer(a.uuid);
      // After the first leg answers, a dialplan destination is routed and bridged out.
      if (!target.startsWith('&')) this.bridgeOut(a, target, true);
    });
    return `+OK ${a.uuid}\n`;
  }

  private transfer(args: string): string {
    const parts = args.split(' ');
    const uuid = parts[0]!;
    const bleg = parts[1] === '-bleg';
    const destination = bleg ? parts[2] : parts[1];
    const ch = this.channels.get(uuid);
    if (!ch || !destination) return '-ERR No such channel!\n';
    const moving = bleg ? (ch.other ? this.channels.get(ch.other) : undefined) : ch;
    if (!moving) return '-ERR No such channel!\n';
    const left = bleg ? ch : moving.other ? this.channels.get(moving.other) : undefined;
    // The leg left behind loses its partner and hangs up (hangup_after_bridge).
    moving.other = null;
    moving.originator = null;
    if (left) {
      left.other = null;
      this.endChannel(left, 'NORMAL_CLEARING', 'CHANNEL_HANGUP');
      this.complete(left, 'NORMAL_CLEARING');
    }
    moving.destination = destination;
    this.bridgeOut(moving, destination, true);
    return '+OK\n';
  }

  private bridgeOut(a: PeerChannel, destination: string, answer: boolean): void {
    const b = this.createChannel({
      name: `sofia/external/${destination}`,
      direction: 'outbound',
      callerNumber: a.callerNumber,
      callerName: a.callerName,
      destination,
      originator: a.uuid,
      variables: { originating_leg_uuid: a.uuid, sip_gateway_name: 'carrier' },
      accountcode: a.accountcode,
    });
    this.emit('CHANNEL_PROGRESS', b);
    if (answer) this.schedule(() => this.answer(b.uuid));
  }

  private createChannel(input: {
    uuid?: string | undefined;
    name: string;
    direction: PeerChannel['direction'];
    callerNumber: string;
    callerName: string;
    destination: string;
    originator?: string;
    variables: Record<string, string>;
    accountcode: string;
  }): PeerChannel {
    const ch: PeerChannel = {
      uuid: input.uuid ?? randomUUID(),
      name: input.name,
      direction: input.direction,
      state: 'ringing',
      held: false,
      callerNumber: input.callerNumber,
      callerName: input.callerName,
      destination: input.destination,
      context: 'default',
      createdUs: nowUs(),
      answeredUs: 0,
      other: null,
      originator: input.originator ?? null,
      variables: { ...input.variables },
      accountcode: input.accountcode,
    };
    this.channels.set(ch.uuid, ch);
    this.emit('CHANNEL_CREATE', ch);
    return ch;
  }

  private endChannel(ch: PeerChannel, cause: string, event: 'CHANNEL_HANGUP'): void {
    ch.state = 'hangup';
    ch.variables['hangup_cause'] = cause;
    this.emit(event, ch, [['Hangup-Cause', cause]]);
  }

  private complete(ch: PeerChannel, cause: string): void {
    this.emit('CHANNEL_HANGUP_COMPLETE', ch, [['Hangup-Cause', cause]]);
    this.emit('CHANNEL_DESTROY', ch);
    this.channels.delete(ch.uuid);
  }

  private schedule(fn: () => void): void {
    if (this.answerAfterMs === null) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.answerAfterMs);
    this.timers.add(t);
  }

  private callRows(): Array<Record<string, string>> {
    const rows: Array<Record<string, string>> = [];
    for (const ch of this.channels.values()) {
      if (ch.originator && this.channels.has(ch.originator)) continue; // listed with its A leg
      const b = ch.other ? this.channels.get(ch.other) : undefined;
      rows.push({ ...callRowPart(ch, ''), call_uuid: ch.uuid, ...(b ? callRowPart(b, 'b_') : emptyB()), call_created_epoch: b ? String(Math.floor(ch.createdUs / 1e6)) : '' });
    }
    return rows;
  }

  /** One row per device, with the fields the switch's core registry has. */
  private registrationRows(): Array<Record<string, string>> {
    const expires = String(Math.floor(Date.now() / 1000) + 600);
    return [...this.registered].flatMap((user) =>
      Array.from({ length: 1 + (this.extraDevices.get(user) ?? 0) }, (_, i) => ({
        reg_user: user,
        realm: this.realm,
        token: `token-${user}-${i}`,
        url: `sofia/internal/sip:${user}@127.0.0.1:${50000 + i};transport=ws`,
        expires,
        network_ip: '127.0.0.1',
        network_port: String(50000 + i),
        network_proto: 'ws',
        hostname: 'vm',
        metadata: '',
      })),
    );
  }

  private rows(rows: Array<Record<string, string>>): string {
    // The real switch writes the empty answer with a space, the others without.
    return rows.length === 0 ? '{"row_count": 0}\n' : `${JSON.stringify({ row_count: rows.length, rows })}\n`;
  }

  /** An event of any name to every authenticated connection, subscribed or not: what a broken or hostile switch sends. */
  sendOddEvent(name: string): void {
    const all: Headers = eventBase(name, this.sequence++);
    for (const conn of this.connections) {
      if (conn.closed || !conn.authed || !conn.format) continue;
      const content = serialize(conn.format, all);
      this.writeBody(conn, [['Content-Length', String(Buffer.byteLength(content))], ['Content-Type', `text/event-${conn.format}`]], content, true);
    }
  }

  // --- writing frames ------------------------------------------------------------

  private emit(name: string, ch: PeerChannel, extra: Headers = []): void {
    this.emitTo(name, [...channelHeaders(ch), ...extra]);
  }

  private emitTo(name: string, headers: Headers, body?: string): void {
    const all: Headers = [...eventBase(name, this.sequence++), ...headers];
    for (const conn of this.connections) {
      if (conn.closed || !conn.authed || !conn.format) continue;
      if (!conn.events.has('ALL') && !conn.events.has(name)) continue;
      const content = serialize(conn.format, all, body);
      this.writeBody(conn, [['Content-Length', String(Buffer.byteLength(content))], ['Content-Type', `text/event-${conn.format}`]], content, true);
    }
  }

  private reply(conn: Connection, text: string, extra: Headers = []): void {
    this.write(conn, [['Content-Type', 'command/reply'], ['Reply-Text', text], ...extra]);
  }

  private goodbye(conn: Connection): void {
    this.writeBody(conn, [['Content-Type', 'text/disconnect-notice']], GOODBYE);
    conn.socket.end();
  }

  private write(conn: Connection, headers: Headers): void {
    if (!conn.closed) conn.socket.write(`${headers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`);
  }

  private writeBody(conn: Connection, headers: Headers, body: string, lengthGiven = false): void {
    const all: Headers = lengthGiven ? headers : [...headers, ['Content-Length', String(Buffer.byteLength(body))]];
    if (!conn.closed) conn.socket.write(`${all.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`);
  }
}

// --- the switch's formats -------------------------------------------------------

function nowUs(): number {
  return Date.now() * 1000;
}

function eventBase(name: string, sequence: number): Headers {
  const now = new Date();
  const local = now.toISOString().replace('T', ' ').slice(0, 19);
  return [
    ['Event-Name', name],
    ['Core-UUID', CORE_UUID],
    ['FreeSWITCH-Hostname', 'vm'],
    ['FreeSWITCH-Switchname', 'vm'],
    ['FreeSWITCH-IPv4', '192.0.2.2'],
    ['FreeSWITCH-IPv6', 'fd00::2'],
    ['Event-Date-Local', local],
    ['Event-Date-GMT', now.toUTCString()],
    ['Event-Date-Timestamp', String(nowUs())],
    ['Event-Calling-File', 'switch_channel.c'],
    ['Event-Calling-Function', 'switch_channel_perform_set_running_state'],
    ['Event-Calling-Line-Number', '1234'],
    ['Event-Sequence', String(sequence)],
  ];
}

function channelHeaders(ch: PeerChannel): Headers {
  const callState = ch.state === 'hangup' ? 'HANGUP' : ch.held ? 'HELD' : ch.state === 'answered' ? 'ACTIVE' : ch.state === 'early' ? 'EARLY' : 'RINGING';
  const h: Headers = [
    ['Channel-State', ch.state === 'hangup' ? 'CS_HANGUP' : 'CS_EXECUTE'],
    ['Channel-Call-State', callState],
    ['Channel-Name', ch.name],
    ['Unique-ID', ch.uuid],
    ['Call-Direction', ch.direction],
    ['Presence-Call-Direction', ch.direction],
    ['Channel-HIT-Dialplan', ch.direction === 'inbound' ? 'true' : 'false'],
    ['Channel-Call-UUID', ch.originator ?? ch.uuid],
    ['Answer-State', ch.state],
    ['Caller-Direction', ch.direction],
    ['Caller-Caller-ID-Name', ch.callerName],
    ['Caller-Caller-ID-Number', ch.callerNumber],
    ['Caller-Destination-Number', ch.destination],
    ['Caller-Unique-ID', ch.uuid],
    ['Caller-Context', ch.context],
    ['Caller-Channel-Name', ch.name],
    ['Caller-Channel-Created-Time', String(ch.createdUs)],
    ['Caller-Channel-Answered-Time', String(ch.answeredUs)],
  ];
  const other = ch.other ?? ch.originator;
  if (other) h.push(['Other-Leg-Unique-ID', other]);
  if (ch.accountcode) h.push(['variable_accountcode', ch.accountcode]);
  for (const [k, v] of Object.entries(ch.variables)) if (k !== 'accountcode') h.push([`variable_${k}`, v]);
  return h;
}

/** Plain events URL-encode values like the switch does: `,` and `/` stay as they are. */
function fsEncode(value: string): string {
  return encodeURIComponent(value).replace(/%2C/g, ',').replace(/%2F/g, '/');
}

function serialize(format: Format, headers: Headers, body?: string): string {
  if (format === 'json') {
    const obj: Record<string, string> = Object.fromEntries(headers);
    if (body !== undefined) {
      obj['Content-Length'] = String(Buffer.byteLength(body));
      obj['_body'] = body;
    }
    return JSON.stringify(obj);
  }
  if (format === 'xml') {
    const lines = headers.map(([k, v]) => `    <${k}>${fsEncode(v)}</${k}>`).join('\n');
    const tail = body === undefined ? '' : `  <Content-Length>${Buffer.byteLength(body)}</Content-Length>\n  <body>${body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</body>\n`;
    return `<event>\n  <headers>\n${lines}\n  </headers>\n${tail}</event>`;
  }
  const block = headers.map(([k, v]) => `${k}: ${fsEncode(v)}`).join('\n');
  return body === undefined ? `${block}\n\n` : `${block}\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

function channelRow(ch: PeerChannel): Record<string, string> {
  const created = new Date(ch.createdUs / 1000);
  return {
    uuid: ch.uuid,
    direction: ch.direction,
    created: created.toISOString().replace('T', ' ').slice(0, 19),
    created_epoch: String(Math.floor(ch.createdUs / 1e6)),
    name: ch.name,
    state: ch.state === 'hangup' ? 'CS_HANGUP' : 'CS_EXECUTE',
    cid_name: ch.callerName,
    cid_num: ch.callerNumber,
    ip_addr: '',
    dest: ch.destination,
    application: ch.other ? 'bridge' : 'park',
    application_data: '',
    dialplan: 'XML',
    context: ch.context,
    read_codec: 'PCMU',
    read_rate: '8000',
    read_bit_rate: '64000',
    write_codec: 'PCMU',
    write_rate: '8000',
    write_bit_rate: '64000',
    secure: '',
    hostname: 'vm',
    presence_id: '',
    presence_data: '',
    accountcode: ch.accountcode,
    callstate: ch.state === 'hangup' ? 'HANGUP' : ch.held ? 'HELD' : ch.state === 'answered' ? 'ACTIVE' : 'RINGING',
    callee_name: '',
    callee_num: '',
    callee_direction: '',
    call_uuid: ch.originator ?? ch.uuid,
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: ch.callerName,
    initial_cid_num: ch.callerNumber,
    initial_ip_addr: '',
    initial_dest: ch.destination,
    initial_dialplan: 'XML',
    initial_context: ch.context,
  };
}

function callRowPart(ch: PeerChannel, prefix: '' | 'b_'): Record<string, string> {
  const row = channelRow(ch);
  const keys = ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest', 'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'sent_callee_name', 'sent_callee_num'];
  const out: Record<string, string> = {};
  for (const k of keys) out[prefix + k] = row[k] ?? '';
  if (prefix === '') out['hostname'] = 'vm';
  return out;
}

function emptyB(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest', 'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'sent_callee_name', 'sent_callee_num']) out[`b_${k}`] = '';
  return out;
}

function statusText(sessions: number, maxSessions: number, sessionsPerSecond: number): string {
  return [
    'UP 0 years, 0 days, 0 hours, 2 minutes, 22 seconds, 615 milliseconds, 126 microseconds',
    'FreeSWITCH (Version 1.10.12-release git a88d069 2024-08-02 21:02:27Z 64bit) is ready',
    `${sessions} session(s) since startup`,
    `${sessions} session(s) - peak ${sessions}, last 5min ${sessions} `,
    `0 session(s) per Sec out of max ${sessionsPerSecond}, peak 0, last 5min 0 `,
    `${maxSessions} session(s) max`,
    'min idle cpu 0.00/99.73',
    'Current Stack Size/Max 240K/8192K',
    '',
  ].join('\n');
}

const SOFIA_STATUS = [
  '                     Name\t   Type\t                                      Data\tState',
  '=================================================================================================',
  '                127.0.0.1\t  alias\t                                  internal\tALIASED',
  '                 external\tprofile\t              sip:mod_sofia@127.0.0.1:5080\tRUNNING (0)',
  '        external::carrier\tgateway\t             sip:FreeSWITCH@127.0.0.1:5090\tNOREG',
  '                 internal\tprofile\t              sip:mod_sofia@127.0.0.1:5060\tRUNNING (0)',
  '=================================================================================================',
  '2 profiles 1 alias',
  '',
].join('\n');

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);
}
