// Storing call records exactly once, fast. Records that arrive together are
// committed together: one INSERT … ON CONFLICT DO NOTHING for the batch, in
// one transaction, and every poster gets its answer only after that commit,
// so a 200 always means "durably stored" and any failure makes the switch
// retry. A record seen before (replay, retry, concurrent duplicate) changes
// nothing and is answered as a success.
import type { DataSource } from 'typeorm';
import type { BlindIndex, KeyRing} from '../crypto/keys.js';
import { SYSTEM_OWNER, ownerOfUser } from '../crypto/keys.js';
import type { ParsedCdr } from './parse.js';

export type IngestResult = 'stored' | 'duplicate';

interface Waiting {
  cdr: ParsedCdr;
  resolve(result: IngestResult): void;
  reject(err: Error): void;
}

export interface CdrIngestOptions {
  dataSource: DataSource;
  keys: KeyRing;
  index: BlindIndex;
  /** Longest a record waits for company before its batch is written. */
  maxWaitMs?: number;
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
const TYPES = ['uuid', 'bpchar', 'uuid', 'uuid', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'int4', 'int4', 'text', 'int2', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];

/** Where a sealed field lives, for the associated data that binds it there. */
export const cdrField = (callUuid: string, leg: string, column: string) => ({ table: 'cdrs', column, row: `${callUuid}/${leg}` });

export class CdrIngest {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly maxWaitMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: CdrIngestOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 2;
    this.maxBatch = options.maxBatch ?? 200;
  }

  submit(cdr: ParsedCdr): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ cdr, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.maxWaitMs);
    });
  }

  /** Waits until everything submitted so far is written (shutdown). */
  async drain(): Promise<void> {
    if (this.queue.length > 0) this.flushSoon(0);
    await this.flushing;
    if (this.queue.length > 0) await this.drain();
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // Batches are written one after the other: a second one forms while the first commits.
      this.flushing = this.flushing.then(() => this.flush());
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    if (this.queue.length > 0) this.flushSoon(0);
    try {
      const stored = await this.write(batch.map((w) => w.cdr));
      // Of twins in one batch, the first is the one that was stored.
      for (const w of batch) w.resolve(stored.delete(`${w.cdr.callUuid}/${w.cdr.leg}`) ? 'stored' : 'duplicate');
    } catch (err) {
      for (const w of batch) w.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** One statement for the whole batch; returns the records that were new. */
  private async write(cdrs: ParsedCdr[]): Promise<Set<string>> {
    const { keys, index } = this.options;
    // A repeat inside one batch is written once; its twin is a duplicate like any other.
    const unique = [...new Map(cdrs.map((c) => [`${c.callUuid}/${c.leg}`, c])).values()];
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const c of unique) {
      const owner = c.userId ? ownerOfUser(c.userId) : SYSTEM_OWNER;
      const sealIf = (value: string | null, column: string) => (value === null ? Promise.resolve(null) : keys.seal(owner, value, cdrField(c.callUuid, c.leg, column)));
      const [destination, caller, raw] = await Promise.all([sealIf(c.destination, 'destination_enc'), sealIf(c.caller, 'caller_enc'), sealIf(c.raw, 'raw_enc')]);
      const row = [
        c.callUuid,
        c.leg,
        c.originUuid,
        c.userId,
        c.direction,
        c.node,
        c.startedAt,
        c.answeredAt,
        c.endedAt,
        c.durationS,
        c.billsec,
        c.hangupCause,
        c.sipStatus,
        c.gateway,
        c.decision,
        c.reason,
        c.country,
        destination,
        c.destinationE164 ? index.of(c.destinationE164) : null,
        caller,
        c.callerE164 ? index.of(c.callerE164) : null,
        raw,
      ];
      row.forEach((value, i) => columns[i]!.push(value));
    }
    const rows = await this.options.dataSource.query<Array<{ call_uuid: string; leg: string }>>(
      `INSERT INTO cdrs (${COLUMNS.join(', ')})
       SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       ON CONFLICT (call_uuid, leg) DO NOTHING
       RETURNING call_uuid, leg`,
      columns,
    );
    return new Set(rows.map((r) => `${r.call_uuid}/${r.leg}`));
  }
}
