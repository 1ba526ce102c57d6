// The call records as the read side sees them: one query per question, over
// the table cdr/ writes. Nothing here opens a sealed field; history.ts does.
import type { CallRecord } from '@sipcall/contract';
import type { DataSource } from 'typeorm';
import type { StoredTrunkCall, TrunkCallReader } from '../billing/rerate.js';

/** One leg's record as stored; numbers still sealed. */
export interface CallRecordRow {
  id: string;
  call_uuid: string;
  leg: string;
  user_id: string | null;
  /** Written by cdr/parse.ts, which knows no other. */
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

/** Which calls (first legs), newest first. */
export interface RecordFilter {
  /** One user's calls, or everyone's. */
  userId: string | null;
  from?: Date | undefined;
  to?: Date | undefined;
  direction?: 'outbound' | 'inbound' | 'internal' | undefined;
  status?: 'answered' | 'unanswered' | undefined;
  /** The blind index of a number, as the caller or the destination. */
  numberIndex?: string | undefined;
  /** Keyset position: records started before this one. */
  before?: { startedAt: Date; id: string } | undefined;
  limit: number;
}

export interface CallRecordReader {
  page(filter: RecordFilter): Promise<CallRecordRow[]>;
  /** Every leg of one user's calls, oldest first. */
  allOf(userId: string): Promise<CallRecordRow[]>;
}

const COLUMNS =
  'id::text, call_uuid, leg, user_id, direction, started_at, answered_at, ended_at, duration_s, billsec, hangup_cause, sip_status, decision, reason, country, destination_enc, caller_enc';

/** What the routing decision wrote on the first leg of a call it sent to the trunk. */
const TRUNK_CALL = `leg = 'a' AND decision = 'allow' AND reason = 'allowed' AND destination_enc IS NOT NULL`;

export class SqlCallRecords implements CallRecordReader, TrunkCallReader {
  constructor(private readonly db: Pick<DataSource, 'query'>) {}

  async page(f: RecordFilter): Promise<CallRecordRow[]> {
    const where: string[] = [`leg = 'a'`];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.userId !== null) where.push(`user_id = ${p(f.userId)}`);
    if (f.from) where.push(`started_at >= ${p(f.from)}`);
    if (f.to) where.push(`started_at < ${p(f.to)}`);
    if (f.direction) where.push(`direction = ${p(f.direction)}`);
    if (f.status === 'answered') where.push(`answered_at IS NOT NULL`);
    if (f.status === 'unanswered') where.push(`answered_at IS NULL`);
    if (f.numberIndex !== undefined) {
      const idx = p(f.numberIndex);
      where.push(`(destination_idx = ${idx} OR caller_idx = ${idx})`);
    }
    if (f.before) where.push(`(started_at, id) < (${p(f.before.startedAt)}, ${p(f.before.id)})`);
    return this.db.query<CallRecordRow[]>(`SELECT ${COLUMNS} FROM cdrs WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT ${p(f.limit)}`, params);
  }

  allOf(userId: string): Promise<CallRecordRow[]> {
    return this.db.query<CallRecordRow[]>(`SELECT ${COLUMNS} FROM cdrs WHERE user_id = $1 ORDER BY started_at, id`, [userId]);
  }

  async countTrunkCalls(from: Date, to: Date): Promise<number> {
    const [row] = await this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM cdrs WHERE ${TRUNK_CALL} AND started_at >= $1 AND started_at < $2`, [from, to]);
    return row?.n ?? 0;
  }

  trunkCalls(from: Date, to: Date, after: { startedAt: Date; id: string } | null, limit: number): Promise<StoredTrunkCall[]> {
    return this.db.query<StoredTrunkCall[]>(
      `SELECT id::text, call_uuid, user_id, started_at, answered_at, billsec, reason, country, destination_enc FROM cdrs
       WHERE ${TRUNK_CALL} AND started_at >= $1 AND started_at < $2 ${after ? 'AND (started_at, id) > ($4, $5)' : ''}
       ORDER BY started_at, id LIMIT $3`,
      after ? [from, to, limit, after.startedAt, after.id] : [from, to, limit],
    );
  }
}
