// Call control for users (their own calls) and admins (any call): list,
// click-to-call, hang up, hold, blind transfer, DTMF. Every action is one
// switch command by call UUID (switch/commands.ts); an admin acting on
// someone else's call is audit-logged; a call that is unknown or not yours
// is a 404, never a 500.
import { randomUUID } from 'node:crypto';
import type { AuditService } from '../audit/audit.service.js';
import {
  CallRejectedError,
  NoAnswerError,
  NotFoundError,
  NotRegisteredError,
  OriginateFailedError,
  PhoneBusyError,
  ServiceUnavailableError,
  SwitchRefusedError,
  WrongStateError,
  type AppError,
} from '../core/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { hangup, hold, originate, sendDtmf, transferBridgedLeg, type CommandTarget, type ControlResult } from '../switch/commands.js';
import type { HangupCause } from '../switch/hangup-causes.js';
import { SwitchUnavailableError } from '../switch/node.js';
import { NoSwitchAvailableError } from '../switch/switches.js';
import type { PublicUser } from '../core/identity.js';
import { remoteLeg, toPublicCall, type LiveCall, type PublicCall } from './live-call.js';
import type { LiveCallStore } from './live-call-store.js';

export type CallAction = 'hangup' | 'hold' | 'unhold' | 'transfer' | 'dtmf';

export interface Actor {
  user: PublicUser;
  ip: string | null;
}

interface CallServiceDeps {
  /** The switches as call control needs them (a SwitchPool): a node for a new call, and the node a call lives on. */
  switches: { pick(): CommandTarget; get(node: string): CommandTarget };
  store: LiveCallStore;
  audit: Pick<AuditService, 'record'>;
  metrics: Metrics;
  /** Dialplan context that routes a user's dialled numbers (click-to-call, transfers). */
  context: string;
  /** How long click-to-call waits for the originate result before answering 202. */
  originateWaitMs?: number;
}

/** The SIP user name a SIPCall user registers with: their id, which carries no personal data. */
export const sipUserOf = (userId: string) => userId;

/** Why the user's own phone did not take a click-to-call, by the switch's hangup cause. */
const ORIGINATE_ERRORS: Partial<Record<HangupCause, () => AppError>> = {
  USER_NOT_REGISTERED: () => new NotRegisteredError(),
  USER_BUSY: () => new PhoneBusyError(),
  NO_ANSWER: () => new NoAnswerError(),
  NO_USER_RESPONSE: () => new NoAnswerError(),
  CALL_REJECTED: () => new CallRejectedError(),
};

export class CallService {
  constructor(private readonly deps: CallServiceDeps) {}

  async list(actor: Actor): Promise<PublicCall[]> {
    const calls = actor.user.role === 'admin' ? await this.deps.store.list() : await this.deps.store.list({ userId: actor.user.id });
    return calls.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map(toPublicCall);
  }

  async get(actor: Actor, id: string): Promise<PublicCall> {
    return toPublicCall(await this.visible(actor, id));
  }

  /**
   * Rings the user's registered devices first; once they answer, the switch
   * routes the destination through the dialplan: the same decision as a
   * number the user dialled.
   */
  async clickToCall(actor: Actor, destination: string): Promise<{ call: PublicCall | null; id: string; pending: boolean }> {
    const node = this.pickNode();
    const id = randomUUID();
    const userId = actor.user.id;
    const job = originate(node, {
      uuid: id,
      sipUser: sipUserOf(userId),
      ringSeconds: 30,
      destination,
      context: this.deps.context,
      callerId: { number: destination, name: destination },
      sipcall: { userId, direction: 'outbound', destination },
    });
    const outcome = await Promise.race([
      job,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), this.deps.originateWaitMs ?? 1_500).unref()),
    ]).catch((err: unknown) => {
      throw this.switchError(err);
    });
    if (outcome === null) {
      // Still ringing the user's devices: the live socket tells the rest.
      job.catch(() => undefined);
      this.deps.metrics.callControl.inc({ action: 'originate', outcome: 'pending' });
      return { call: null, id, pending: true };
    }
    if (!outcome.ok) {
      this.deps.metrics.callControl.inc({ action: 'originate', outcome: 'refused' });
      const named = outcome.cause === 'refused' ? undefined : ORIGINATE_ERRORS[outcome.cause];
      throw named?.() ?? new OriginateFailedError(outcome.reason);
    }
    this.deps.metrics.callControl.inc({ action: 'originate', outcome: 'ok' });
    const call = await this.deps.store.get(id);
    return { call: call ? toPublicCall(call) : null, id, pending: false };
  }

  async hangup(actor: Actor, id: string): Promise<void> {
    const call = await this.visible(actor, id);
    await this.control(actor, call, 'hangup', (node) => hangup(node, call.id));
  }

  async hold(actor: Actor, id: string, on: boolean): Promise<void> {
    const call = await this.visible(actor, id);
    if (call.state !== (on ? 'answered' : 'held')) throw new WrongStateError(on ? 'Only a connected call can be put on hold' : 'The call is not on hold');
    const leg = remoteLeg(call);
    await this.control(actor, call, on ? 'hold' : 'unhold', (node) => hold(node, leg, on));
  }

  /** Blind transfer: the far end goes to the new destination and this user's leg drops. */
  async transfer(actor: Actor, id: string, destination: string): Promise<void> {
    const call = await this.visible(actor, id);
    if (call.legs.length < 2 || (call.state !== 'answered' && call.state !== 'held')) {
      throw new WrongStateError('Only a connected call can be transferred');
    }
    await this.control(actor, call, 'transfer', (node) => transferBridgedLeg(node, call.id, { destination, context: this.deps.context }), { destination });
  }

  async dtmf(actor: Actor, id: string, digits: string): Promise<void> {
    const call = await this.visible(actor, id);
    if (call.state !== 'answered') throw new WrongStateError('Tones can be sent on a connected call only');
    await this.control(actor, call, 'dtmf', (node) => sendDtmf(node, remoteLeg(call), digits));
  }

  private async control(actor: Actor, call: LiveCall, action: CallAction, send: (node: CommandTarget) => Promise<ControlResult>, details: Record<string, unknown> = {}): Promise<void> {
    let result: ControlResult;
    try {
      result = await send(this.deps.switches.get(call.node));
    } catch (err) {
      this.deps.metrics.callControl.inc({ action, outcome: 'unavailable' });
      throw this.switchError(err);
    }
    if (!result.ok && result.cause === 'no_such_channel') {
      this.deps.metrics.callControl.inc({ action, outcome: 'gone' });
      throw new NotFoundError('Call');
    }
    if (!result.ok) {
      this.deps.metrics.callControl.inc({ action, outcome: 'refused' });
      throw new SwitchRefusedError(result.reason);
    }
    this.deps.metrics.callControl.inc({ action, outcome: 'ok' });
    if (call.userId !== actor.user.id) {
      await this.deps.audit.record({
        action: `call.${action}`,
        outcome: 'ok',
        actor: { id: actor.user.id, email: actor.user.email },
        ip: actor.ip,
        target: { type: 'call', id: call.id },
        details: { owner: call.userId, node: call.node, ...details },
      });
    }
  }

  /** The call, if it exists and the actor may see it: the owner, or an admin. */
  private async visible(actor: Actor, id: string): Promise<LiveCall> {
    const call = await this.deps.store.get(id);
    if (!call || (actor.user.role !== 'admin' && call.userId !== actor.user.id)) throw new NotFoundError('Call');
    return call;
  }

  private pickNode() {
    try {
      return this.deps.switches.pick();
    } catch (err) {
      throw this.switchError(err);
    }
  }

  private switchError(err: unknown): Error {
    if (err instanceof NoSwitchAvailableError || err instanceof SwitchUnavailableError) return new ServiceUnavailableError('The phone system is not reachable right now');
    return err instanceof Error ? err : new Error(String(err));
  }
}
