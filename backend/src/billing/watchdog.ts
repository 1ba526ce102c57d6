// The credit watchdog: no call outlives what its caller's account paid for.
// The switch cuts a credit-limited call itself (the hangup it schedules on
// answer); this is the belt to those braces. Each sweep looks at the calls
// whose money is held: one answered before this process could see it (a
// restart, a reconnect) gets the switch's hangup scheduled again from the
// reservation, and one still up past its allowance is hung up.
import type { LiveCallStore } from '../calls/live-call-store.js';
import type { Logger } from '../logger.js';
import { hangup, scheduleHangup, type CommandTarget } from '../switch/commands.js';
import type { Reservation } from './ledger-repository.js';

export interface WatchdogDeps {
  reservations: { openReservations(): Promise<Reservation[]> };
  calls: Pick<LiveCallStore, 'get'>;
  /** The switch node a call is on. */
  node(name: string): CommandTarget;
  log: Logger;
  clock?: () => number;
  /** Seconds a call may run past its allowance before the watchdog ends it (the switch's own cut comes first). */
  graceS?: number;
}

export class CreditWatchdog {
  /** Calls whose hangup this process has scheduled on the switch. */
  private readonly armed = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: WatchdogDeps) {}

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** After a reconnect the switch may have lost nothing, or everything: arm every call again. */
  forgetArmed(): void {
    this.armed.clear();
  }

  /** One pass; a pass under way is joined, not doubled. */
  sweep(): Promise<void> {
    this.sweeping ??= this.pass().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async pass(): Promise<void> {
    const now = this.deps.clock?.() ?? Date.now();
    const grace = this.deps.graceS ?? 5;
    let open: Reservation[];
    try {
      open = await this.deps.reservations.openReservations();
    } catch (err) {
      this.deps.log.warn({ err }, 'credit watchdog: reading the reservations failed');
      return;
    }
    const live = new Set<string>();
    for (const r of open) {
      const call = await this.deps.calls.get(r.callUuid).catch(() => null);
      if (!call?.answeredAt) continue;
      live.add(r.callUuid);
      const deadline = Date.parse(call.answeredAt) + r.seconds * 1000;
      try {
        if (now > deadline + grace * 1000) {
          const result = await hangup(this.deps.node(call.node), call.id, 'ALLOTTED_TIMEOUT');
          this.deps.log.warn({ call: call.id, over: Math.round((now - deadline) / 1000), result: result.ok ? 'ended' : result.cause }, 'credit watchdog: a call outlived its allowance');
        } else if (!this.armed.has(call.id)) {
          // One second early, as the dialplan's own cut: the switch bills whole seconds.
          const result = await scheduleHangup(this.deps.node(call.node), call.id, Math.max(1, Math.floor((deadline - now) / 1000) - 1));
          if (result.ok) this.armed.add(call.id);
        }
      } catch (err) {
        this.deps.log.warn({ err, call: call.id }, 'credit watchdog: the switch could not be asked');
      }
    }
    for (const id of this.armed) if (!live.has(id)) this.armed.delete(id);
  }
}
