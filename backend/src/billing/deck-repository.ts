// The rate decks' tables: versions by name and day, and their rows. A
// version, once written, is never changed; replacing one is a delete and an
// insert in one transaction.
import type { DataSource, EntityManager } from 'typeorm';
import type { RateRow } from './rating.js';

export interface DeckVersionRow {
  id: string;
  name: string;
  currency: string;
  /** YYYY-MM-DD (UTC). */
  effectiveFrom: string;
  rows: number;
  importedBy: string;
  importedAt: Date;
}

interface VersionRecord {
  id: string;
  name: string;
  currency: string;
  effective_from: string;
  row_count: number;
  imported_by: string;
  imported_at: Date;
}

interface RowRecord {
  prefix: string;
  destination: string;
  rate_micros: string;
  connect_fee_micros: string;
  first_s: number;
  next_s: number;
  minimum_s: number;
}

/** The calls a replaced version had priced: to be rated again. */
export interface Orphaned {
  calls: number;
  from: Date | null;
  to: Date | null;
}

const VERSION_COLUMNS = `id, name, currency, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, row_count, imported_by, imported_at`;
/** Rows per INSERT: a deck of 50 000 goes in ten statements. */
const BATCH = 5_000;

const toVersion = (r: VersionRecord): DeckVersionRow => ({
  id: r.id,
  name: r.name,
  currency: r.currency,
  effectiveFrom: r.effective_from,
  rows: r.row_count,
  importedBy: r.imported_by,
  importedAt: r.imported_at,
});

export class DeckRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every version of every deck, by name and then oldest first. */
  async versions(): Promise<DeckVersionRow[]> {
    return (await this.dataSource.query<VersionRecord[]>(`SELECT ${VERSION_COLUMNS} FROM rate_decks ORDER BY name, effective_from`)).map(toVersion);
  }

  async rowsOf(versionId: string): Promise<RateRow[]> {
    const rows = await this.dataSource.query<RowRecord[]>(
      `SELECT prefix, destination, rate_micros, connect_fee_micros, first_s, next_s, minimum_s FROM rate_deck_rows WHERE deck_id = $1 ORDER BY prefix`,
      [versionId],
    );
    return rows.map((r) => ({
      prefix: r.prefix,
      destination: r.destination,
      ratePerMinute: Number(r.rate_micros),
      connectFee: Number(r.connect_fee_micros),
      increment: { first: r.first_s, next: r.next_s },
      minimumS: r.minimum_s,
    }));
  }

  /**
   * A new version with its rows, in one transaction with `alsoInside` (the
   * audit entry). 'exists' when the deck has a version on that day already and
   * `replace` is not set; with it, that version goes and the calls it priced
   * are named for re-rating.
   */
  async insert(
    version: { name: string; currency: string; effectiveFrom: string; importedBy: string },
    rows: readonly RateRow[],
    options: { replace: boolean; onProgress?: (p: { done: number; total: number }) => void; alsoInside?: (m: EntityManager, created: DeckVersionRow) => Promise<void> },
  ): Promise<{ created: DeckVersionRow; orphaned: Orphaned | null } | 'exists'> {
    return this.dataSource.transaction(async (m) => {
      // One import of a deck at a time: two on the same day would otherwise both find none there.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('rate_decks:' || $1))`, [version.name]);
      const existing = await m.query<Array<{ id: string }>>(`SELECT id FROM rate_decks WHERE name = $1 AND effective_from = $2`, [version.name, version.effectiveFrom]);
      let orphaned: Orphaned | null = null;
      if (existing[0]) {
        if (!options.replace) return 'exists';
        const [priced] = await m.query<Array<{ calls: string; first: Date | null; last: Date | null }>>(
          `SELECT count(*) AS calls, min(started_at) AS first, max(started_at) AS last FROM call_charges WHERE sell_deck_id = $1 OR carrier_deck_id = $1`,
          [existing[0].id],
        );
        orphaned = { calls: Number(priced?.calls ?? 0), from: priced?.first ?? null, to: priced?.last ?? null };
        await m.query(`DELETE FROM rate_decks WHERE id = $1`, [existing[0].id]);
      }
      const [created] = await m.query<VersionRecord[]>(
        `INSERT INTO rate_decks (name, currency, effective_from, row_count, imported_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${VERSION_COLUMNS}`,
        [version.name, version.currency, version.effectiveFrom, rows.length, version.importedBy],
      );
      for (let at = 0; at < rows.length; at += BATCH) {
        const batch = rows.slice(at, at + BATCH);
        await m.query(
          `INSERT INTO rate_deck_rows (deck_id, prefix, destination, rate_micros, connect_fee_micros, first_s, next_s, minimum_s)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::int[], $8::int[])`,
          [
            created!.id,
            batch.map((r) => r.prefix),
            batch.map((r) => r.destination),
            batch.map((r) => r.ratePerMinute),
            batch.map((r) => r.connectFee),
            batch.map((r) => r.increment.first),
            batch.map((r) => r.increment.next),
            batch.map((r) => r.minimumS),
          ],
        );
        options.onProgress?.({ done: at + batch.length, total: rows.length });
      }
      const row = toVersion(created!);
      await options.alsoInside?.(m, row);
      return { created: row, orphaned };
    });
  }
}
