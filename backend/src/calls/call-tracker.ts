// Keeps the live-call registry true to the switches: every channel event
// moves a call along (ringing → early → answered ⇄ held → gone), and every
// (re)connect reconciles the registry with `show channels as json`, so calls
// that started, changed or ended while the link was down are right after it.
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { showChannels, type ChannelSummary } from '../switch/commands.js';
import { CALL_EVENT_NAMES } from '../switch/event-names.js';
import type { ChannelEvent } from '../switch/events.js';
import type { SwitchNode } from '../switch/node.js';
import type { SwitchPool } from '../switch/switches.js';
import type { CallDirection, CallState, LiveCall } from './live-call.js';
import type { LiveCallStore } from './live-call-store.js';
import { UUID_ANY_CASE as UUID } from '../core/ids.js';

/** Hangup cause recorded for a call that ended while no event could tell us how. */
export const ENDED_UNOBSERVED = 'ENDED_WHILE_DISCONNECTED';

export interface CallListener {
  changed?(call: LiveCall): void;
  /** `billsec`: whole seconds answered, when the hangup said (a call found ended on a reconnect does not). */
  ended?(call: LiveCall, cause: string, billsec: number | null): void;
}

const TRACKED = new Set<string>(CALL_EVENT_NAMES);

export class CallTracker {
  private readonly listeners = new Set<CallListener>();
  /** One queue per node: a node's events and its reconciliation apply strictly in order. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: { store: LiveCallStore; metrics: Metrics; log: Logger },
  ) {}

  attach(pool: SwitchPool): void {
    pool.onEvent((node, event) => {
      if (TRACKED.has(event.name)) this.enqueue(node.name, () => this.apply(node.name, event)).catch(() => undefined); // logged by the queue
    });
    // A failed reconciliation fails the connect, so the node retries rather than serve a stale view.
    pool.onConnected((node) => this.enqueue(node.name, () => this.reconcile(node)));
  }

  subscribe(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once everything queued for the node so far has been applied. */
  settled(node: string): Promise<void> {
    return this.queues.get(node) ?? Promise.resolve();
  }

  /** Runs work after everything queued for the node; the returned promise fails if the work does. */
  private enqueue(node: string, work: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(node) ?? Promise.resolve()).then(work);
    this.queues.set(
      node,
      run.catch((err: unknown) => {
        this.deps.log.error({ err, node }, 'updating the live-call registry failed');
      }),
    );
    return run;
  }

  /** Applies one channel event. Public for the benchmark, which drives it directly. */
  async apply(node: string, event: ChannelEvent): Promise<void> {
    if (!event.uuid) return;
    const { store } = this.deps;
    const at = event.timestampUs ?? Date.now() * 1000;

    if (event.name === 'CHANNEL_CREATE') {
      if (await store.callIdOfLeg(event.uuid)) return; // already known (reconciled, or a replayed event)
      const parent = event.originatorUuid;
      const parentCall = parent ? await this.callOf(parent) : null;
      if (parentCall) {
        await this.save({ ...parentCall, legs: [...parentCall.legs, event.uuid], lastEventUs: at });
        return;
      }
      const call: LiveCall = {
        id: event.uuid,
        node,
        legs: [event.uuid],
        direction: directionOf(event.sipcall.direction, event.fromTrunk),
        userId: userIdOf(event.sipcall.userId ?? event.accountcode),
        destination: event.sipcall.destination ?? event.destinationNumber ?? '',
        callerNumber: event.callerNumber ?? '',
        state: 'ringing',
        startedAt: usToIso(event.createdUs ?? at),
        answeredAt: null,
        lastEventUs: at,
      };
      if (await this.save(call)) {
        this.deps.metrics.liveCalls.inc({ node, direction: call.direction });
        this.deps.metrics.callsStarted.inc({ direction: call.direction });
      }
      return;
    }

    const found = await this.callOf(event.uuid);
    if (!found) return; // a channel we do not track (its call ended, or it predates us: reconcile covers that)
    const isFirstLeg = event.uuid === found.id;
    // The routing decision sets the normalised number after the channel was created; take it when it shows.
    const decided = isFirstLeg ? event.sipcall.destination : null;
    const call = decided && decided !== found.destination ? { ...found, destination: decided } : found;

    switch (event.name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        if (call.state === 'ringing') await this.save({ ...call, state: 'early', lastEventUs: at });
        return;
      case 'CHANNEL_ANSWER':
        // The far end answering connects the call; the first leg alone does only when nothing was dialled out.
        if ((!isFirstLeg || call.legs.length === 1) && (call.state === 'ringing' || call.state === 'early')) {
          await this.save({ ...call, state: 'answered', answeredAt: call.answeredAt ?? usToIso(at), lastEventUs: at });
        }
        return;
      case 'CHANNEL_BRIDGE': {
        const other = event.otherUuid;
        const legs = other && !call.legs.includes(other) ? [...call.legs, other] : call.legs;
        const connecting = call.state === 'ringing' || call.state === 'early';
        if (legs === call.legs && !connecting && call === found) return; // already known: nothing to tell anyone
        await this.save({ ...call, legs, state: connecting ? 'answered' : call.state, answeredAt: call.answeredAt ?? usToIso(at), lastEventUs: at });
        return;
      }
      case 'CHANNEL_HOLD':
        if (call.state === 'answered') await this.save({ ...call, state: 'held', lastEventUs: at });
        return;
      case 'CHANNEL_UNHOLD':
        if (call.state === 'held') await this.save({ ...call, state: 'answered', lastEventUs: at });
        return;
      case 'CHANNEL_HANGUP_COMPLETE':
        // The call lives as long as its first leg; a far leg ending leaves room for a transfer or a retry.
        if (isFirstLeg) await this.end(call.id, event.cause, event.billsec);
        return;
      default:
        return;
    }
  }

  /** Rebuilds this node's part of the registry from the switch's own list of channels. */
  async reconcile(node: SwitchNode): Promise<void> {
    const started = performance.now();
    const listed = await showChannels(node, { timeoutMs: 30_000 });
    if (!listed.ok) throw new Error(`unexpected answer to show channels: ${listed.reason}`);
    const result = await this.reconcileChannels(node.name, listed.channels);
    this.deps.log.info({ node: node.name, ...result, ms: Math.round(performance.now() - started) }, 'live calls reconciled');
  }

  /** The pure part of reconciliation, given the switch's channels. */
  async reconcileChannels(node: string, channels: readonly ChannelSummary[]): Promise<{ kept: number; added: number; ended: number }> {
    const { store } = this.deps;
    const byUuid = new Map(channels.map((c) => [c.uuid, c]));
    const now = Date.now() * 1000;
    let kept = 0;
    let ended = 0;
    const claimed = new Set<string>();

    await Promise.all(
      (await store.list({ node })).map(async (call) => {
        const legs = call.legs.filter((l) => byUuid.has(l));
        legs.forEach((l) => claimed.add(l));
        const first = byUuid.get(call.id);
        if (!first) {
          // Its first leg is gone: the call ended while we were not listening.
          ended++;
          await this.end(call.id, ENDED_UNOBSERVED);
          return;
        }
        kept++;
        const state = first.callState ?? call.state;
        if (state !== call.state || legs.length !== call.legs.length) await this.save({ ...call, legs, state, lastEventUs: Math.max(now, call.lastEventUs) });
      }),
    );

    // Channels we have never seen: first legs become calls, their far legs join them.
    const fresh = channels.filter((c) => !claimed.has(c.uuid));
    const isFarLeg = (r: ChannelSummary) => r.callUuid !== null && r.callUuid !== r.uuid && byUuid.has(r.callUuid);
    const created = new Map<string, LiveCall>();
    for (const r of fresh.filter((x) => !isFarLeg(x))) {
      created.set(r.uuid, {
        id: r.uuid,
        node,
        legs: [r.uuid],
        direction: directionOf(null, r.fromTrunk),
        userId: userIdOf(r.accountcode),
        destination: r.destination,
        callerNumber: r.callerNumber,
        state: r.callState ?? 'ringing',
        startedAt: usToIso(r.createdUs ?? now),
        answeredAt: null,
        lastEventUs: now,
      });
    }
    for (const r of fresh.filter(isFarLeg)) {
      const parent = created.get(r.callUuid!) ?? (await this.callOf(r.callUuid!));
      if (!parent) continue;
      const updated = { ...parent, legs: [...parent.legs, r.uuid] };
      if (created.has(parent.id)) created.set(parent.id, updated);
      else await this.save({ ...updated, lastEventUs: Math.max(now, parent.lastEventUs) });
    }
    await Promise.all(
      [...created.values()].map(async (call) => {
        if (await this.save(call)) this.deps.metrics.liveCalls.inc({ node, direction: call.direction });
      }),
    );
    return { kept, added: created.size, ended };
  }

  private async callOf(leg: string): Promise<LiveCall | null> {
    const id = await this.deps.store.callIdOfLeg(leg);
    return id ? this.deps.store.get(id) : null;
  }

  private async save(call: LiveCall): Promise<boolean> {
    const written = await this.deps.store.put(call);
    if (written) for (const l of this.listeners) l.changed?.(call);
    return written;
  }

  private async end(id: string, cause: string, billsec: number | null = null): Promise<void> {
    const removed = await this.deps.store.remove(id);
    if (!removed) return; // another replica, or an earlier event, already closed it
    this.deps.metrics.liveCalls.dec({ node: removed.node, direction: removed.direction });
    const answered = removed.answeredAt !== null;
    this.deps.metrics.callsEnded.inc({ direction: removed.direction, cause: boundedCause(cause), answered: String(answered) });
    if (answered) this.deps.metrics.callSetupSeconds.observe({ direction: removed.direction }, Math.max(0, (Date.parse(removed.answeredAt!) - Date.parse(removed.startedAt)) / 1000));
    const ended = { ...removed, state: 'hangup' as CallState };
    for (const l of this.listeners) l.ended?.(ended, cause, billsec);
  }
}

function usToIso(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

function userIdOf(value: string | null | undefined): string | null {
  return value && UUID.test(value) ? value.toLowerCase() : null;
}

/** What SIPCall set on the channel, if anything; otherwise a call the trunk brought in is inbound, and everything else a user started. */
function directionOf(declared: CallDirection | null, fromTrunk: boolean): CallDirection {
  return declared ?? (fromTrunk ? 'inbound' : 'outbound');
}

/** Hangup causes are FreeSWITCH's fixed vocabulary; anything else is folded so labels stay bounded. */
function boundedCause(cause: string): string {
  return /^[A-Z_]{2,40}$/.test(cause) ? cause : 'OTHER';
}
