// What a call costs by a rate deck's row: the seconds billed, rounded up by
// the row's increments (60/60: whole minutes; 1/1: seconds; 30/6: a first
// 30 s, then each 6 s begun) and never under its minimum, at its price per
// minute, plus its connect fee once the call is answered. A deck finds a
// number's row by the longest prefix of its E.164.
export interface Increment {
  /** Seconds billed for the first part of the call, however short. */
  first: number;
  /** Then each further part begun is billed this many seconds. */
  next: number;
}

export interface RateRow {
  /** E.164 prefix, with its +: "+4930". */
  prefix: string;
  destination: string;
  /** Micros per minute. */
  ratePerMinute: number;
  /** Micros, once per answered call. */
  connectFee: number;
  increment: Increment;
  /** Seconds billed at least, for an answered call. */
  minimumS: number;
}

export interface Price {
  billedS: number;
  /** Micros: the connect fee and the billed seconds at the rate, rounded up to a whole micro. */
  amount: number;
}

const INCREMENT = /^([1-9][0-9]{0,3})\/([1-9][0-9]{0,3})$/;

/** "30/6" → { first: 30, next: 6 }; null when not two whole seconds 1–9999 with a slash between. */
export function parseIncrement(text: string): Increment | null {
  const m = INCREMENT.exec(text.trim());
  return m ? { first: Number(m[1]), next: Number(m[2]) } : null;
}

/** The seconds billed for `talkedS` seconds answered. A call answered and ended at once bills nothing but its connect fee. */
export function billedSeconds(talkedS: number, increment: Increment, minimumS: number): number {
  if (talkedS <= 0) return 0;
  const rounded = talkedS <= increment.first ? increment.first : increment.first + Math.ceil((talkedS - increment.first) / increment.next) * increment.next;
  return Math.max(rounded, minimumS);
}

/** What a call costs by `row`: nothing when it was never answered (`talkedS` null). */
export function priceOf(row: Pick<RateRow, 'ratePerMinute' | 'connectFee' | 'increment' | 'minimumS'>, talkedS: number | null): Price {
  if (talkedS === null) return { billedS: 0, amount: 0 };
  const billedS = billedSeconds(talkedS, row.increment, row.minimumS);
  return { billedS, amount: row.connectFee + Math.ceil((row.ratePerMinute * billedS) / 60) };
}

/**
 * The longest talk, in whole seconds up to `maxS`, that `budget` micros pay
 * for by `row`, and what it costs; null when not even the first increment (or
 * the minimum) fits. A price only grows with the seconds, so the answer is
 * found by halving.
 */
export function affordableSeconds(row: Pick<RateRow, 'ratePerMinute' | 'connectFee' | 'increment' | 'minimumS'>, budget: number, maxS: number): Price | null {
  if (maxS < 1 || priceOf(row, 1).amount > budget) return null;
  let low = 1;
  let high = maxS;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (priceOf(row, mid).amount <= budget) low = mid;
    else high = mid - 1;
  }
  return { billedS: low, amount: priceOf(row, low).amount };
}

/** A deck's rows by prefix; a number's row is the one with the longest prefix it starts with. */
export class RateDeck {
  private readonly byPrefix = new Map<string, RateRow>();
  private readonly longest: number;

  constructor(rows: readonly RateRow[]) {
    for (const row of rows) this.byPrefix.set(row.prefix, row);
    this.longest = Math.max(0, ...rows.map((r) => r.prefix.length));
  }

  match(e164: string): RateRow | null {
    if (!/^\+[0-9]{1,15}$/.test(e164)) return null;
    for (let n = Math.min(this.longest, e164.length); n >= 2; n--) {
      const row = this.byPrefix.get(e164.slice(0, n));
      if (row) return row;
    }
    return null;
  }
}
