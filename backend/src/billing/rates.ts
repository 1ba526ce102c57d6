// Prices, in the backend's `billing/` domain: the rate decks (a sell deck of
// what users pay, a carrier deck per gateway of what the trunk costs, each
// versioned by the day it takes effect), the price a number would cost before
// it is dialled, and every trunk call's charge once its record arrives —
// written once, restated only by an explicit re-rating.
import type { CallCharge, DeckKind, DeckProblem, RateDecks, SellRate, Spend } from '@sipcall/contract';
import type { Counter } from 'prom-client';
import type { AuditService } from '../audit/audit.service.js';
import { AppError, ConflictError, NotFoundError } from '../core/errors.js';
import type { ActionContext } from '../users/users.service.js';
import type { ChargeRepository, Charge } from './charge-repository.js';
import { deckCsv, parseDeckCsv } from './deck-csv.js';
import type { DeckRepository, DeckVersionRow, Orphaned } from './deck-repository.js';
import { formatAmount } from './money.js';
import { affordableSeconds, priceOf, RateDeck, type RateRow } from './rating.js';

/** The deck users pay by; every other name is the carrier deck of the gateway so named. */
export const SELL_DECK = 'sell';
export const DECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A file refused whole: each bad line by its number. */
export class DeckRefusedError extends AppError {
  constructor(readonly problems: readonly DeckProblem[]) {
    super(400, 'deck_refused', `The deck was not imported: ${problems.length} ${problems.length === 1 ? 'line is' : 'lines are'} wrong`, { problems: problems.slice(0, MAX_PROBLEMS_SHOWN) });
  }
}
/** A file of 50 000 bad lines is answered with the first of them. */
const MAX_PROBLEMS_SHOWN = 200;

/** What rating needs of a call's first leg. */
export interface RatableCall {
  callUuid: string;
  leg: 'a' | 'b';
  userId: string | null;
  decision: string | null;
  reason: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  billsec: number;
  country: string | null;
  destinationE164: string | null;
}

/** How often the list of versions is read again: a deck imported on another replica prices calls here within this time. */
const VERSIONS_TTL_MS = 10_000;
/** Versions whose rows are kept in memory (a version never changes, so a kept one is never stale). */
const DECKS_KEPT = 6;

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

export interface RateServiceDeps {
  decks: DeckRepository;
  charges: ChargeRepository;
  audit: AuditService;
  currency: string;
  /** The gateway trunk calls go out through, whose carrier deck prices them. */
  gateway: string;
  /** Counts what stored charges bill, by side and currency (first ratings only, never a re-rating). */
  billed?: Counter<'side' | 'currency'>;
  clock?: () => Date;
}

export class RateService {
  private versions: { list: DeckVersionRow[]; until: number } | null = null;
  private readonly loaded = new Map<string, Promise<RateDeck>>();

  constructor(private readonly deps: RateServiceDeps) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** Every deck and its versions, with the one pricing calls today marked. */
  async list(): Promise<RateDecks> {
    const versions = await this.allVersions(true);
    const today = dayOf(this.now());
    const names = [...new Set(versions.map((v) => v.name))].sort((a, b) => (a === SELL_DECK ? -1 : b === SELL_DECK ? 1 : a.localeCompare(b)));
    return {
      currency: this.deps.currency,
      gateway: this.deps.gateway,
      decks: names.map((name) => {
        const own = versions.filter((v) => v.name === name);
        const current = own.filter((v) => v.effectiveFrom <= today).at(-1);
        return {
          name,
          kind: (name === SELL_DECK ? 'sell' : 'carrier') satisfies DeckKind,
          versions: own.map((v) => ({
            id: v.id,
            effectiveFrom: v.effectiveFrom,
            rows: v.rows,
            currency: v.currency,
            importedBy: v.importedBy,
            importedAt: v.importedAt.toISOString(),
            inEffect: v.id === current?.id,
          })),
        };
      }),
    };
  }

  /**
   * A deck's CSV as a new version, taking effect on `effectiveFrom` (today when
   * not given). Nothing is written unless every line is good; a second version
   * on the same day is refused unless `replace` says to replace it.
   */
  async import(
    input: { name: string; csv: string; effectiveFrom?: string | undefined; replace?: boolean },
    ctx: ActionContext,
    onProgress?: (p: { done: number; total: number }) => void,
  ): Promise<{ version: DeckVersionRow; orphaned: Orphaned | null }> {
    const parsed = parseDeckCsv(input.csv);
    if (!parsed.ok) throw new DeckRefusedError(parsed.problems);
    if (parsed.currency !== this.deps.currency) {
      throw new DeckRefusedError([{ line: 2, message: `currency ${parsed.currency}, but SIPCall bills in ${this.deps.currency} (BILLING_CURRENCY)` }]);
    }
    const effectiveFrom = input.effectiveFrom ?? dayOf(this.now());
    const result = await this.deps.decks.insert({ name: input.name, currency: parsed.currency, effectiveFrom, importedBy: ctx.actor.email ?? 'unknown' }, parsed.rows, {
      replace: input.replace === true,
      ...(onProgress ? { onProgress } : {}),
      alsoInside: (m, created) =>
        this.deps.audit.record(
          { action: 'rates.import', outcome: 'ok', ...ctx, target: { type: 'rate_deck', id: created.id }, details: { name: input.name, effectiveFrom, rows: parsed.rows.length, replaced: input.replace === true } },
          m,
        ),
    });
    if (result === 'exists') throw new ConflictError(`Deck ${input.name} has a version taking effect on ${effectiveFrom} already; replace it, or choose another day`, 'deck_version_exists');
    this.versions = null;
    return { version: result.created, orphaned: result.orphaned };
  }

  /** A deck's version as the importer reads it: the one in effect on `day` (today when not given). */
  async export(name: string, day?: string): Promise<{ version: DeckVersionRow; csv: string }> {
    const version = (await this.allVersions(true)).filter((v) => v.name === name && v.effectiveFrom <= (day ?? dayOf(this.now()))).at(-1);
    if (!version) throw new NotFoundError(day ? `A version of deck ${name} in effect on ${day}` : `Deck ${name}`);
    return { version, csv: deckCsv(version.currency, await this.deps.decks.rowsOf(version.id)) };
  }

  /**
   * How many whole minutes `budget` micros buy of the destination this user
   * calls most (its sell row now; the deck's cheapest-looking row when they
   * called nothing priced yet is no guide, so null then).
   */
  async minutesOfMostCalled(userId: string, budget: number): Promise<number | null> {
    const prefix = await this.deps.charges.mostCalledPrefix(userId, new Date(this.now().getTime() - 30 * 86_400_000));
    if (prefix === null) return null;
    const row = await this.sellRowNow(prefix);
    if (!row) return null;
    const bought = affordableSeconds(row, budget, 100_000 * 60);
    return bought ? Math.floor(bought.billedS / 60) : 0;
  }

  /** The sell row that prices a call to this number started now. */
  async sellRowNow(e164: string): Promise<RateRow | null> {
    return (await this.rowAt(SELL_DECK, e164, this.now()))?.row ?? null;
  }

  /** What a call to this number costs the caller now; null when no sell deck prices it. */
  async sellRate(e164: string): Promise<SellRate | null> {
    const found = await this.rowAt(SELL_DECK, e164, this.now());
    if (!found) return null;
    const { row } = found;
    return {
      destination: row.destination,
      perMinute: formatAmount(row.ratePerMinute),
      connectFee: formatAmount(row.connectFee),
      increment: `${row.increment.first}/${row.increment.next}`,
      minimumS: row.minimumS,
      currency: found.version.currency,
    };
  }

  /**
   * The charge of a call that went to the trunk (its first leg), priced by the
   * decks in effect when it started; null for any other leg or call, and when
   * no deck prices either side.
   */
  async chargeOf(call: RatableCall): Promise<Charge | null> {
    if (call.leg !== 'a' || call.decision !== 'allow' || call.reason !== 'allowed' || call.destinationE164 === null) return null;
    const talkedS = call.answeredAt === null ? null : call.billsec;
    const [sell, carrier] = await Promise.all([this.rowAt(SELL_DECK, call.destinationE164, call.startedAt), this.rowAt(this.deps.gateway, call.destinationE164, call.startedAt)]);
    if (!sell && !carrier) return null;
    const sellPrice = sell && priceOf(sell.row, talkedS);
    return {
      callUuid: call.callUuid,
      userId: call.userId,
      country: call.country,
      startedAt: call.startedAt,
      currency: this.deps.currency,
      billedS: sellPrice?.billedS ?? null,
      sell: sellPrice?.amount ?? null,
      sellDeckId: sell?.version.id ?? null,
      sellPrefix: sell?.row.prefix ?? null,
      carrier: carrier ? priceOf(carrier.row, talkedS).amount : null,
      carrierDeckId: carrier?.version.id ?? null,
      carrierPrefix: carrier?.row.prefix ?? null,
    };
  }

  /** Rates a call whose record was just stored, or stored before (a retry): the first charge stays. */
  async rate(call: RatableCall): Promise<Charge | null> {
    const charge = await this.chargeOf(call);
    if (!charge) return null;
    if (await this.deps.charges.record(charge)) {
      if (charge.sell !== null) this.deps.billed?.inc({ side: 'sell', currency: charge.currency }, charge.sell / 1_000_000);
      if (charge.carrier !== null) this.deps.billed?.inc({ side: 'carrier', currency: charge.currency }, charge.carrier / 1_000_000);
    }
    return charge;
  }

  /** Charges for the history: the caller's price; admins also the carrier's cost and the margin. */
  async chargesFor(callUuids: readonly string[], admin: boolean): Promise<Map<string, CallCharge>> {
    const found = await this.deps.charges.forCalls(callUuids);
    const money = (micros: number | null, currency: string) => (micros === null ? null : { amount: formatAmount(micros), currency });
    return new Map(
      [...found].map(([uuid, c]) => [
        uuid,
        {
          billedS: c.billedS,
          sell: money(c.sell, c.currency),
          ...(admin ? { carrier: money(c.carrier, c.currency), margin: c.sell === null || c.carrier === null ? null : money(c.sell - c.carrier, c.currency) } : {}),
        },
      ]),
    );
  }

  /** What the trunk calls started in a period were charged and cost; null while no deck exists. */
  async spendBetween(from: Date, to: Date): Promise<Spend | null> {
    if ((await this.allVersions()).length === 0) return null;
    const s = await this.deps.charges.spend(from, to, this.deps.currency);
    const sums = <T extends { sell: bigint; carrier: bigint }>(r: T) => ({ ...r, sell: formatAmount(r.sell), carrier: formatAmount(r.carrier) });
    return {
      currency: this.deps.currency,
      sell: formatAmount(s.totals.sell),
      carrier: formatAmount(s.totals.carrier),
      margin: formatAmount(s.totals.margin),
      unpriced: s.totals.unpriced,
      byUser: s.byUser.map(sums),
      byCountry: s.byCountry.map(sums),
      byDay: s.byDay.map(sums),
    };
  }

  private async allVersions(fresh = false): Promise<DeckVersionRow[]> {
    const at = Date.now();
    if (fresh || !this.versions || this.versions.until <= at) this.versions = { list: await this.deps.decks.versions(), until: at + VERSIONS_TTL_MS };
    return this.versions.list;
  }

  /** The row that prices this number in the named deck's version in effect at that moment. */
  private async rowAt(name: string, e164: string, at: Date): Promise<{ version: DeckVersionRow; row: RateRow } | null> {
    const day = dayOf(at);
    const version = (await this.allVersions()).filter((v) => v.name === name && v.effectiveFrom <= day).at(-1);
    if (!version) return null;
    const row = (await this.deckOf(version.id)).match(e164);
    return row ? { version, row } : null;
  }

  private deckOf(versionId: string): Promise<RateDeck> {
    let deck = this.loaded.get(versionId);
    if (!deck) {
      deck = this.deps.decks.rowsOf(versionId).then((rows) => new RateDeck(rows));
      // A failed read is not kept: the next call asks again.
      deck.catch(() => this.loaded.delete(versionId));
      if (this.loaded.size >= DECKS_KEPT) this.loaded.delete(this.loaded.keys().next().value!);
      this.loaded.set(versionId, deck);
    }
    return deck;
  }
}
