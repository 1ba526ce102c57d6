// The set of FreeSWITCH nodes this backend drives: starts them, picks one per
// new call, finds the one a call lives on, and reports their health.
import type { Config } from '../config/settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ChannelEvent } from './events.js';
import { SwitchNode, SwitchUnavailableError, type Backoff, type NodeState, type NodeStatus } from './node.js';

export type { NodeStatus };

export type SwitchEventListener = (node: SwitchNode, event: ChannelEvent) => void;
export type SwitchConnectedListener = (node: SwitchNode) => Promise<void>;

export interface SwitchPoolOptions {
  nodes: Config['switch']['nodes'];
  log: Logger;
  metrics: Metrics;
  backoff?: Backoff;
  commandTimeoutMs?: number;
}

export class NoSwitchAvailableError extends Error {
  constructor() {
    super('no switch node is ready');
    this.name = 'NoSwitchAvailableError';
  }
}

export class SwitchPool {
  private readonly nodes: SwitchNode[];
  private readonly eventListeners = new Set<SwitchEventListener>();
  private readonly connectedListeners = new Set<SwitchConnectedListener>();
  private next = 0;

  constructor(options: SwitchPoolOptions) {
    this.nodes = options.nodes.map(
      (config) =>
        new SwitchNode({
          config,
          log: options.log,
          metrics: options.metrics,
          ...(options.backoff ? { backoff: options.backoff } : {}),
          ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
          onEvent: (node, event) => this.eventListeners.forEach((l) => l(node, event)),
          onConnected: async (node) => {
            for (const l of this.connectedListeners) await l(node);
          },
        }),
    );
  }

  get size(): number {
    return this.nodes.length;
  }

  onEvent(listener: SwitchEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Runs on every (re)connect of a node, before it counts as ready (reconciliation). */
  onConnected(listener: SwitchConnectedListener): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  start(): void {
    this.nodes.forEach((n) => n.start());
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  /** The node a call lives on. */
  get(name: string): SwitchNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new SwitchUnavailableError(name, 'stopped');
    return node;
  }

  /** A ready node for a new call, round-robin. */
  pick(): SwitchNode {
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[(this.next + i) % this.nodes.length]!;
      if (node.state === 'ready') {
        this.next = (this.next + i + 1) % this.nodes.length;
        return node;
      }
    }
    throw new NoSwitchAvailableError();
  }

  states(): Record<string, NodeState> {
    return Object.fromEntries(this.nodes.map((n) => [n.name, n.state]));
  }

  /** Every node's life: state, since when, the last error and the next attempt while it is down. */
  statuses(): NodeStatus[] {
    return this.nodes.map((n) => n.status());
  }

  /** Ready for traffic while at least one node is; the details name every node's state. */
  async readiness(): Promise<Record<string, NodeState>> {
    const states = this.states();
    if (this.nodes.length > 0 && !Object.values(states).includes('ready')) {
      throw new Error(`no switch node ready: ${Object.entries(states).map(([n, s]) => `${n} ${s}`).join(', ')}`);
    }
    return states;
  }
}
