// Storing call records exactly once, fast. Records that arrive together are
// committed together: one INSERT … ON CONFLICT DO NOTHING for the batch, one
// statement and so one transaction, and every poster gets its answer only after that commit,
// so a 200 always means "durably stored" and any failure makes the switch
// retry. A record seen before (replay, retry, concurrent duplicate) changes
// nothing and is answered as a success. A batch the database refuses is
// written again record by record, so one record it cannot keep fails alone
// and never holds the good ones beside it hostage.
import { inflateRawSync } from 'node:zlib';
import type { DataSource } from 'typeorm';
import type { BlindIndex, KeyRing} from '../crypto/keys.js';
import { SYSTEM_OWNER, ownerOfUser } from '../crypto/keys.js';
import type { ParsedCdr } from './parse.js';

export type IngestResult = 'stored' | 'duplicate';

/** The database refused this one record's data (not a failure to reach it): retrying cannot help. */
export class UnstorableRecordError extends Error {
  constructor(readonly sqlState: string) {
    super(`the database refused the call record (SQLSTATE ${sqlState})`);
    this.name = 'UnstorableRecordError';
  }
}

interface Waiting {
  cdr: ParsedCdr;
  resolve(result: IngestResult): void;
  reject(err: Error): void;
}

export interface CdrIngestOptions {
  dataSource: DataSource;
  keys: KeyRing;
  index: BlindIndex;
  /**
   * Batches being written at once (each on its own connection). Two: one
   * commits while the next fills, so under load each commit (a WAL flush)
   * carries more records, and a record waits at most about one commit.
   */
  maxInFlight?: number;
  maxBatch?: number;
}

const COLUMNS = [
  'call_uuid',
  'leg',
  'origin_uuid',
  'user_id',
  'direction',
  'node',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_s',
  'billsec',
  'hangup_cause',
  'sip_status',
  'gateway',
  'decision',
  'reason',
  'country',
  'destination_enc',
  'destination_idx',
  'caller_enc',
  'caller_idx',
  'raw_enc',
] as const;
const TYPES = ['uuid', 'char(1)', 'uuid', 'uuid', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'int4', 'int4', 'text', 'int2', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];

/** Where a sealed field lives, for the associated data that binds it there. */
export const cdrField = (callUuid: string, leg: string, column: string) => ({ table: 'cdrs', column, row: `${callUuid}/${leg}` });

/**
 * Adaptive batching, with no timer: a record arriving while a write slot is
 * free is written at once (no added latency under light load); records that
 * arrive while every slot is busy wait and go together in the next batch, so
 * under load each commit carries many.
 */
export class CdrIngest {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(private readonly options: CdrIngestOptions) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 500;
  }

  submit(cdr: ParsedCdr): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ cdr, resolve, reject });
      this.pump();
    });
  }

  /** Waits until everything submitted so far is written (shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    let failure: unknown;
    try {
      this.settle(batch, await this.write(batch.map((w) => w.cdr)));
      return;
    } catch (err) {
      failure = err;
    }
    // The database answered "no" to the statement (a SQLSTATE), rather than not
    // answering: find the record it refuses by writing each on its own.
    if (batch.length > 1 && sqlStateOf(failure) !== null) {
      for (const w of batch) {
        try {
          this.settle([w], await this.write([w.cdr]));
        } catch (err) {
          w.reject(asRecordError(err));
        }
      }
      return;
    }
    for (const w of batch) w.reject(asRecordError(failure));
  }

  /** Of twins in one batch, the first is the one that was stored. */
  private settle(batch: Waiting[], stored: Set<string>): void {
    for (const w of batch) w.resolve(stored.delete(`${w.cdr.callUuid}/${w.cdr.leg}`) ? 'stored' : 'duplicate');
  }

  /** One statement for the whole batch; returns the records that were new. */
  private async write(cdrs: ParsedCdr[]): Promise<Set<string>> {
    const { keys, index } = this.options;
    // A repeat inside one batch is written once; its twin is a duplicate like any other.
    const unique = [...new Map(cdrs.map((c) => [`${c.callUuid}/${c.leg}`, c])).values()];
    const records = await Promise.all(
      unique.map(async (c) => {
        const owner = c.userId ? ownerOfUser(c.userId) : SYSTEM_OWNER;
        const sealIf = (value: string | Uint8Array | null, column: string) => (value === null ? Promise.resolve(null) : keys.seal(owner, value, cdrField(c.callUuid, c.leg, column)));
        // The raw record is kept deflated (by the extraction): a quarter of the size on disk, in the WAL and on the wire.
        const [destination, caller, raw] = await Promise.all([sealIf(c.destination, 'destination_enc'), sealIf(c.caller, 'caller_enc'), sealIf(c.raw, 'raw_enc')]);
        return {
          call_uuid: c.callUuid,
          leg: c.leg,
          origin_uuid: c.originUuid,
          user_id: c.userId,
          direction: c.direction,
          node: c.node,
          started_at: c.startedAt.toISOString(),
          answered_at: c.answeredAt?.toISOString() ?? null,
          ended_at: c.endedAt.toISOString(),
          duration_s: c.durationS,
          billsec: c.billsec,
          hangup_cause: c.hangupCause,
          sip_status: c.sipStatus,
          gateway: c.gateway,
          decision: c.decision,
          reason: c.reason,
          country: c.country,
          destination_enc: destination,
          destination_idx: c.destinationE164 ? index.of(c.destinationE164) : null,
          caller_enc: caller,
          caller_idx: c.callerE164 ? index.of(c.callerE164) : null,
          raw_enc: raw,
        };
      }),
    );
    // The batch travels as one JSON parameter: JSON.stringify is native, where
    // Postgres array literals of long strings would be escaped a character at a time.
    const rows = await this.options.dataSource.query<Array<{ call_uuid: string; leg: string }>>(
      `INSERT INTO cdrs (${COLUMNS.join(', ')})
       SELECT ${COLUMNS.join(', ')} FROM json_to_recordset($1::json) AS r(${COLUMNS.map((c, i) => `${c} ${TYPES[i]}`).join(', ')})
       ON CONFLICT (call_uuid, leg) DO NOTHING
       RETURNING call_uuid, leg`,
      [JSON.stringify(records)],
    );
    return new Set(rows.map((r) => `${r.call_uuid}/${r.leg}`));
  }

  /**
   * Erasure: a user's records stay as anonymous figures (times, durations,
   * causes) with nothing left that links them to the user. Their sealed
   * fields are unreadable already once their data key is gone.
   */
  async unlinkUser(userId: string): Promise<number> {
    const r = await this.options.dataSource.query<[unknown[], number]>(`UPDATE cdrs SET user_id = NULL, destination_idx = NULL, caller_idx = NULL WHERE user_id = $1`, [userId]);
    return r[1];
  }
}

/** PostgreSQL's error code when the database refused a statement; null when it could not be asked. */
function sqlStateOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Data exceptions (class 22) and integrity violations (23) are the record's
 * own fault; anything else (the database away, out of space, a deadlock)
 * may pass, and the switch retries it.
 */
function asRecordError(err: unknown): Error {
  const state = sqlStateOf(err);
  if (state !== null && (state.startsWith('22') || state.startsWith('23'))) return new UnstorableRecordError(state);
  return err instanceof Error ? err : new Error(String(err));
}

/** The raw record as received, from its sealed, deflated form (null when its owner was erased). */
export async function openRawCdr(keys: KeyRing, sealed: string, callUuid: string, leg: string): Promise<string | null> {
  const bytes = await keys.openBytes(sealed, cdrField(callUuid, leg, 'raw_enc'));
  return bytes === null ? null : inflateRawSync(bytes).toString('utf8');
}
