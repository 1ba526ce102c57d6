// What a call has cost so far, by the sell rate the dialpad showed before it
// was placed: the backend's rule (its billing/rating.ts), in integer
// millionths of the currency, so the panel's running figure and the charge
// the call's record gets agree to the last cent (cost.spec.ts holds it to the
// backend's worked examples).
import type { Money, SellRate } from '@sipcall/contract';

const MICROS = 1_000_000;

/** "0.012" → 12000. */
export function microsOf(amount: string): number {
  const [units = '0', fraction = ''] = amount.split('.');
  return Number(units) * MICROS + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** 12000 → "0.012". */
export function amountOf(micros: number): string {
  const fraction = String(micros % MICROS).padStart(6, '0').replace(/0+$/, '');
  return `${Math.floor(micros / MICROS)}${fraction ? `.${fraction}` : ''}`;
}

/** Seconds billed for `talkedS` answered: the first increment, then each further one begun, never under the minimum. */
export function billedSeconds(talkedS: number, increment: string, minimumS: number): number {
  const [first = 60, next = 60] = increment.split('/').map(Number);
  if (talkedS <= 0) return 0;
  const rounded = talkedS <= first ? first : first + Math.ceil((talkedS - first) / next) * next;
  return Math.max(rounded, minimumS);
}

/** The cost of an answered call after `talkedS` seconds: connect fee and billed time at the rate. */
export function costSoFar(rate: SellRate, talkedS: number): Money {
  const billed = billedSeconds(talkedS, rate.increment, rate.minimumS);
  return { amount: amountOf(microsOf(rate.connectFee) + Math.ceil((microsOf(rate.perMinute) * billed) / 60)), currency: rate.currency };
}
