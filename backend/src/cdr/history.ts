// Reading call records back: a user's own calls, or anyone's for an admin,
// newest first, page by page, filtered by date, direction, outcome and exact
// number. Numbers are opened with their owner's key (an erased user's read as
// null); a number filter goes through the blind index only.
import type { DataSource } from 'typeorm';
import type { BlindIndex, KeyRing } from '../crypto/keys.js';
import { ValidationError } from '../core/errors.js';
import { isQueryDate, isRowId } from '../http/validate.js';
import { classify } from '../core/phone-numbers.js';
import { cdrField } from './cdr-ingest.js';
import type { CallRecord } from '@sipcall/contract';

export interface HistoryQuery {
  limit: number;
  cursor?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  direction?: 'outbound' | 'inbound' | 'internal' | undefined;
  status?: 'answered' | 'unanswered' | undefined;
  number?: string | undefined;
  /** Whose calls: one user's, or everyone's (admins only; the route decides). */
  userId: string | null;
}

/** One record as the history answers it: the contract's call record. */
export type HistoryItem = CallRecord;

interface Row {
  id: string;
  call_uuid: string;
  leg: string;
  user_id: string | null;
  /** Written by parse.ts, which knows no other. */
  direction: CallRecord['direction'];
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date;
  duration_s: number;
  billsec: number;
  hangup_cause: string;
  sip_status: number | null;
  decision: string | null;
  reason: string | null;
  country: string | null;
  destination_enc: string | null;
  caller_enc: string | null;
}

/** All but the last three digits hidden: `+49*******456`. */
export function maskNumber(n: string | null): string | null {
  if (n === null) return null;
  const keep = 3;
  return n.length <= keep ? '*'.repeat(n.length) : n.slice(0, n.startsWith('+') ? 1 : 0) + '*'.repeat(n.length - keep - (n.startsWith('+') ? 1 : 0)) + n.slice(-keep);
}

export class CallHistory {
  constructor(private readonly deps: { dataSource: DataSource; keys: KeyRing; index: BlindIndex; defaultCountry: string }) {}

  async list(q: HistoryQuery, options: { mask: boolean; country?: string | null } = { mask: false }): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
    const where: string[] = [`leg = 'a'`];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.userId !== null) where.push(`user_id = ${p(q.userId)}`);
    if (q.from) where.push(`started_at >= ${p(q.from)}`);
    if (q.to) where.push(`started_at < ${p(q.to)}`);
    if (q.direction) where.push(`direction = ${p(q.direction)}`);
    if (q.status === 'answered') where.push(`answered_at IS NOT NULL`);
    if (q.status === 'unanswered') where.push(`answered_at IS NULL`);
    if (q.number !== undefined) {
      const c = classify(q.number, { defaultCountry: options.country ?? this.deps.defaultCountry, emergencyNumbers: [], isExtension: () => false });
      if (c.kind !== 'e164') throw new ValidationError('Not a phone number', [{ path: 'query.number', message: 'must be a phone number' }]);
      const idx = p(this.deps.index.of(c.e164));
      where.push(`(destination_idx = ${idx} OR caller_idx = ${idx})`);
    }
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(q.cursor);
      where.push(`(started_at, id) < (${p(at)}, ${p(id)})`);
    }
    const rows = await this.deps.dataSource.query<Row[]>(
      `SELECT id::text, call_uuid, leg, user_id, direction, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, sip_status, decision, reason, country, destination_enc, caller_enc
         FROM cdrs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const items = await Promise.all(page.map((r) => this.item(r, options.mask)));
    const last = page[page.length - 1];
    return { items, nextCursor: more && last ? encodeCursor(last.started_at, last.id) : null };
  }

  /** Every record of one user, opened (for the data export). */
  async allOf(userId: string): Promise<HistoryItem[]> {
    const rows = await this.deps.dataSource.query<Row[]>(
      `SELECT id::text, call_uuid, leg, user_id, direction, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, sip_status, decision, reason, country, destination_enc, caller_enc
         FROM cdrs WHERE user_id = $1 ORDER BY started_at, id`,
      [userId],
    );
    return Promise.all(rows.map((r) => this.item(r, false)));
  }

  private async item(r: Row, mask: boolean): Promise<HistoryItem> {
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
    };
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!at || !id || !isRowId(id) || !isQueryDate(date)) {
    throw new ValidationError('Bad cursor', [{ path: 'query.cursor', message: 'must be a cursor from a previous page' }]);
  }
  return [date, id];
}
