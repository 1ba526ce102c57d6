// One FreeSWITCH node as an object with a life: connecting → ready → lost →
// reconnecting (jittered exponential backoff) → ready … Each change is a log
// line and a gauge. Calls never depend on this link: they are controlled by
// UUID over inbound ESL, so a lost link loses events, never calls; on every
// (re)connect the node re-subscribes and asks its owner to reconcile.
import type { SwitchNodeConfig } from '../config/settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { EslClient, EslError } from './esl/client.js';
import { SUBSCRIBED_EVENTS } from './event-names.js';
import { channelEventOf, type ChannelEvent } from './events.js';

export const NODE_STATES = ['connecting', 'ready', 'lost', 'reconnecting', 'stopped'] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** The metric label of an event: one of the names we subscribe to, or `other` (the switch's own names are not trusted to be few). */
export function eventLabel(name: string): string {
  return LABELLED.has(name) ? name : 'other';
}

const LABELLED = new Set<string>(SUBSCRIBED_EVENTS.filter((e) => !e.includes('::')));

export class SwitchUnavailableError extends Error {
  constructor(node: string, state: NodeState) {
    super(`switch node ${node} is ${state}`);
    this.name = 'SwitchUnavailableError';
  }
}

/** A node's life as the API reports it: its state since when, and while it is down, why and when it tries again. */
export interface NodeStatus {
  name: string;
  state: NodeState;
  since: Date;
  /** Why the last attempt failed or the link dropped; null once it is ready. */
  lastError: string | null;
  /** When the next connection attempt is due, while it waits for one. */
  nextRetryAt: Date | null;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface SwitchNodeOptions {
  config: SwitchNodeConfig;
  log: Logger;
  metrics: Metrics;
  /** Runs after every successful (re)connect and subscribe, before the node counts as ready. */
  onConnected(node: SwitchNode): Promise<void>;
  /** Every channel event the switch sends, typed. */
  onEvent(node: SwitchNode, event: ChannelEvent): void;
  backoff?: Backoff;
  commandTimeoutMs?: number;
  random?: () => number;
}

export class SwitchNode {
  readonly name: string;
  private current: NodeState = 'stopped';
  private since = new Date();
  private lastError: string | null = null;
  private retryAt: Date | null = null;
  private client: EslClient | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private everReady = false;
  /** True while the owner reconciles after a connect: commands work, the node is not ready yet. */
  private reconciling = false;

  constructor(private readonly options: SwitchNodeOptions) {
    this.name = options.config.name;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.log = options.log.child({ node: this.name });
  }

  get state(): NodeState {
    return this.current;
  }

  status(): NodeStatus {
    return { name: this.name, state: this.current, since: this.since, lastError: this.lastError, nextRetryAt: this.retryAt };
  }

  start(): void {
    if (this.current !== 'stopped') return;
    this.setState('connecting');
    void this.connect();
  }

  async stop(): Promise<void> {
    this.setState('stopped');
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.close();
  }

  /** Runs an API command on this node; fails fast when the link is down. */
  api(command: string, options: { timeoutMs?: number } = {}): Promise<string> {
    return this.ready().api(command, options);
  }

  bgapi(command: string, options: { timeoutMs?: number } = {}): Promise<string> {
    return this.ready().bgapi(command, options);
  }

  private ready(): EslClient {
    if ((this.current !== 'ready' && !this.reconciling) || !this.client) throw new SwitchUnavailableError(this.name, this.current);
    return this.client;
  }

  private async connect(): Promise<void> {
    const { config, metrics } = this.options;
    let client: EslClient | null = null;
    try {
      client = await EslClient.connect({
        host: config.host,
        port: config.port,
        password: config.password,
        commandTimeoutMs: this.options.commandTimeoutMs ?? 10_000,
        observer: {
          event: (name) => metrics.eslEvents.inc({ node: this.name, event: eventLabel(name) }),
          protocolError: (reason) => {
            metrics.eslProtocolErrors.inc({ node: this.name });
            this.log.error({ reason }, 'ESL protocol error; dropping the connection');
          },
          command: (verb, seconds, ok) => metrics.eslCommandSeconds.observe({ node: this.name, command: verb, outcome: ok ? 'ok' : 'error' }, seconds),
        },
      });
      if (this.current === 'stopped') {
        await client.close();
        return;
      }
      client.onAny((event) => {
        const channel = channelEventOf(event);
        if (channel) this.options.onEvent(this, channel);
      });
      client.onClose((reason) => this.onLost(client!, reason));
      this.client = client;
      // Subclasses follow CUSTOM in the same command.
      await client.subscribe(SUBSCRIBED_EVENTS, 'json');
      // Reconcile before declaring ready, so nothing acts on a stale view.
      const wasReady = this.everReady;
      this.reconciling = true;
      try {
        await this.options.onConnected(this);
      } finally {
        this.reconciling = false;
      }
      this.attempt = 0;
      this.everReady = true;
      this.setState('ready', { reconnected: wasReady });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (client && !client.closed) client.destroy(reason);
      if (this.client === client) this.client = null;
      if (this.current !== 'stopped') this.scheduleReconnect(reason, err instanceof EslError && err.name === 'EslAuthError');
    }
  }

  private onLost(client: EslClient, reason: string): void {
    if (this.client !== client || this.current === 'stopped') return;
    this.client = null;
    this.lastError = reason;
    this.setState('lost', { reason });
    this.scheduleReconnect(reason, false);
  }

  private scheduleReconnect(reason: string, authFailed: boolean): void {
    if (this.timer) return;
    // Full jitter: spread replicas out so a switch restart is not met by a thundering herd.
    const ceiling = authFailed ? this.backoff.maxMs : Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** this.attempt);
    const delay = Math.round((this.options.random ?? Math.random)() * ceiling);
    this.attempt++;
    this.options.metrics.eslReconnects.inc({ node: this.name });
    this.lastError = reason;
    this.retryAt = new Date(Date.now() + delay);
    this.setState('reconnecting', { reason, delayMs: delay, attempt: this.attempt, authFailed });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.retryAt = null;
      if (this.current === 'stopped') return;
      this.setState('connecting');
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  private setState(state: NodeState, details: Record<string, unknown> = {}): void {
    if (state !== this.current) this.since = new Date();
    this.current = state;
    if (state === 'ready') this.lastError = null;
    if (state !== 'reconnecting') this.retryAt = null;
    const { metrics } = this.options;
    metrics.switchNodeUp.set({ node: this.name }, state === 'ready' ? 1 : 0);
    for (const s of NODE_STATES) metrics.switchNodeState.set({ node: this.name, state: s }, s === state ? 1 : 0);
    const level = state === 'lost' || (state === 'reconnecting' && details['authFailed']) ? 'warn' : 'info';
    this.log[level]({ state, ...details }, `switch node ${this.name} ${state}`);
  }
}
