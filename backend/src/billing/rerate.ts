// Re-rating: every call that went to the trunk in a period priced again by
// the decks in effect when it started, after a deck was fixed or added.
// Restating a charge that did not change writes nothing, so running it twice
// is the same as once. A call whose number can no longer be opened (its
// owner was erased) keeps the charge it had.
import { cdrField } from '../cdr/cdr-ingest.js';
import type { KeyRing } from '../crypto/keys.js';
import type { Charge, ChargeRepository } from './charge-repository.js';
import type { RateService } from './rates.js';

/** A stored first leg of a call to the trunk, its number still sealed (history/call-records.ts reads them so). */
export interface StoredTrunkCall {
  id: string;
  call_uuid: string;
  user_id: string | null;
  started_at: Date;
  answered_at: Date | null;
  billsec: number;
  reason: string | null;
  country: string | null;
  destination_enc: string | null;
}

/** The calls to the trunk of a period, in keyset pages. */
export interface TrunkCallReader {
  countTrunkCalls(from: Date, to: Date): Promise<number>;
  trunkCalls(from: Date, to: Date, after: { startedAt: Date; id: string } | null, limit: number): Promise<StoredTrunkCall[]>;
}

export interface RerateReport {
  calls: number;
  /** New or different charges written. */
  changed: number;
  /** Calls no deck prices. */
  unpriced: number;
  /** Calls whose number was erased with its owner. */
  unreadable: number;
}

const PAGE = 2_000;

export async function rerate(
  deps: { records: TrunkCallReader; keys: Pick<KeyRing, 'open'>; rates: RateService; charges: ChargeRepository },
  range: { from: Date; to: Date },
  onProgress?: (p: { done: number; total: number }) => void,
): Promise<RerateReport> {
  const total = await deps.records.countTrunkCalls(range.from, range.to);
  const report: RerateReport = { calls: 0, changed: 0, unpriced: 0, unreadable: 0 };
  onProgress?.({ done: 0, total });
  let after: { startedAt: Date; id: string } | null = null;
  for (;;) {
    const rows = await deps.records.trunkCalls(range.from, range.to, after, PAGE);
    if (rows.length === 0) break;
    const charges: Charge[] = [];
    for (const r of rows) {
      const destination = r.destination_enc === null ? null : await deps.keys.open(r.destination_enc, cdrField(r.call_uuid, 'a', 'destination_enc'));
      if (destination === null) {
        report.unreadable++;
        continue;
      }
      const charge = await deps.rates.chargeOf({
        callUuid: r.call_uuid,
        leg: 'a',
        userId: r.user_id,
        decision: 'allow',
        reason: r.reason,
        startedAt: r.started_at,
        answeredAt: r.answered_at,
        billsec: r.billsec,
        country: r.country,
        destinationE164: destination.startsWith('+') ? destination : null,
      });
      if (charge === null || charge.sell === null) report.unpriced++;
      if (charge) charges.push(charge);
    }
    report.changed += await deps.charges.restate(charges);
    report.calls += rows.length;
    onProgress?.({ done: Math.min(report.calls, total), total });
    const last = rows[rows.length - 1]!;
    after = { startedAt: last.started_at, id: last.id };
  }
  return report;
}
