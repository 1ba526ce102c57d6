// Reading call records back: a user's own calls, or anyone's for an admin,
// newest first, page by page, filtered by date, direction, outcome and exact
// number. Numbers are opened with their owner's key (an erased user's read as
// null); a number filter goes through the blind index only.
import type { CallCharge, CallRecord } from '@sipcall/contract';
import { cdrField } from '../cdr/cdr-ingest.js';
import type { Role } from '../core/identity.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { classify } from '../core/phone-numbers.js';
import type { BlindIndex, KeyRing } from '../crypto/keys.js';
import { isQueryDate, isRowId } from '../http/validate.js';
import type { User } from '../users/user.entity.js';
import type { CallRecordReader, CallRecordRow } from './call-records.js';

export interface HistoryQuery {
  limit: number;
  cursor?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  direction?: 'outbound' | 'inbound' | 'internal' | undefined;
  status?: 'answered' | 'unanswered' | undefined;
  number?: string | undefined;
  /** Whose calls: one user's, or everyone's (admins only). */
  userId: string | null;
}

/** One record as the history answers it: the contract's call record. */
export type HistoryItem = CallRecord;

/** All but the last three digits hidden: `+49*******456`. */
export function maskNumber(n: string | null): string | null {
  if (n === null) return null;
  const keep = 3;
  return n.length <= keep ? '*'.repeat(n.length) : n.slice(0, n.startsWith('+') ? 1 : 0) + '*'.repeat(n.length - keep - (n.startsWith('+') ? 1 : 0)) + n.slice(-keep);
}

/** Who is looking: they see their own calls; an admin sees anyone's. */
export interface Viewer {
  id: string;
  role: Role;
}

export interface CallHistoryDeps {
  records: CallRecordReader;
  keys: Pick<KeyRing, 'open'>;
  index: Pick<BlindIndex, 'of'>;
  /** The viewer's own settings: privacy mode masks numbers, their country reads national numbers. */
  users: { findById(id: string): Promise<Pick<User, 'privacyMode' | 'defaultCountry'> | null> };
  defaultCountry: string;
  /** What the calls cost: the caller's price, and for admins the carrier's cost and margin. */
  charges?: { chargesFor(callUuids: readonly string[], admin: boolean): Promise<Map<string, CallCharge>> };
}

export class CallHistory {
  constructor(private readonly deps: CallHistoryDeps) {}

  /** A page of calls as this viewer may see them: their own, or for an admin everyone's (or one user's). */
  async list(viewer: Viewer, q: HistoryQuery): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
    if (viewer.role !== 'admin' && q.userId !== null && q.userId !== viewer.id) throw new ForbiddenError('You can see your own calls only');
    const userId = viewer.role === 'admin' ? q.userId : viewer.id;
    const account = await this.deps.users.findById(viewer.id);
    let numberIndex: string | undefined;
    if (q.number !== undefined) {
      const c = classify(q.number, { defaultCountry: account?.defaultCountry ?? this.deps.defaultCountry, emergencyNumbers: [], isExtension: () => false });
      if (c.kind !== 'e164') throw new ValidationError('Not a phone number', [{ path: 'query.number', message: 'must be a phone number' }]);
      numberIndex = this.deps.index.of(c.e164);
    }
    const rows = await this.deps.records.page({
      userId,
      from: q.from,
      to: q.to,
      direction: q.direction,
      status: q.status,
      numberIndex,
      before: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
      limit: q.limit + 1,
    });
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const charges = await this.chargesOf(page, viewer.role === 'admin');
    const items = await Promise.all(page.map((r) => this.item(r, account?.privacyMode ?? false, charges)));
    const last = page[page.length - 1];
    return { items, nextCursor: more && last ? encodeCursor(last.started_at, last.id) : null };
  }

  /** Every record of one user, opened (for the data export). */
  async allOf(userId: string): Promise<HistoryItem[]> {
    const rows = await this.deps.records.allOf(userId);
    const charges = await this.chargesOf(rows, false);
    return Promise.all(rows.map((r) => this.item(r, false, charges)));
  }

  private async chargesOf(rows: readonly CallRecordRow[], admin: boolean): Promise<Map<string, CallCharge>> {
    const firstLegs = rows.filter((r) => r.leg === 'a').map((r) => r.call_uuid);
    return this.deps.charges && firstLegs.length > 0 ? this.deps.charges.chargesFor(firstLegs, admin) : new Map();
  }

  private async item(r: CallRecordRow, mask: boolean, charges: ReadonlyMap<string, CallCharge>): Promise<HistoryItem> {
    const open = async (value: string | null, column: string) => (value === null ? null : this.deps.keys.open(value, cdrField(r.call_uuid, r.leg, column)));
    const [destination, caller] = await Promise.all([open(r.destination_enc, 'destination_enc'), open(r.caller_enc, 'caller_enc')]);
    return {
      id: r.id,
      callUuid: r.call_uuid,
      userId: r.user_id,
      direction: r.direction,
      startedAt: r.started_at.toISOString(),
      answeredAt: r.answered_at?.toISOString() ?? null,
      endedAt: r.ended_at.toISOString(),
      durationS: r.duration_s,
      billsec: r.billsec,
      hangupCause: r.hangup_cause,
      sipStatus: r.sip_status,
      decision: r.decision,
      reason: r.reason,
      country: r.country,
      destination: mask ? maskNumber(destination) : destination,
      caller: mask ? maskNumber(caller) : caller,
      charge: (r.leg === 'a' && charges.get(r.call_uuid)) || null,
    };
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!at || !id || !isRowId(id) || !isQueryDate(date)) {
    throw new ValidationError('Bad cursor', [{ path: 'query.cursor', message: 'must be a cursor from a previous page' }]);
  }
  return { startedAt: date, id };
}
