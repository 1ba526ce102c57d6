// Money as integers: amounts and rates in millionths of the currency's unit
// (micros: 0.012 €/min is 12 000), never floats. Six decimals carry the
// smallest per-minute rates carriers quote; a call's cost in micros stays a
// safe integer for any rate and duration SIPCall allows.

export const MICROS_PER_UNIT = 1_000_000;
const DECIMAL = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,6}))?$/;

/** "0.012" → 12000; null when it is not a plain non-negative decimal with at most six places. */
export function parseAmount(text: string): number | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * MICROS_PER_UNIT + Number((m[2] ?? '').padEnd(6, '0'));
}

/** 12000 → "0.012", -500000 → "-0.5": as few places as the amount needs, at least `minPlaces`. Sums may come as bigint. */
export function formatAmount(micros: number | bigint, minPlaces = 0): string {
  const value = BigInt(micros);
  const magnitude = value < 0n ? -value : value;
  const units = magnitude / BigInt(MICROS_PER_UNIT);
  const fraction = String(magnitude % BigInt(MICROS_PER_UNIT)).padStart(6, '0').replace(/0+$/, '').padEnd(minPlaces, '0');
  return `${value < 0n ? '-' : ''}${units}${fraction === '' ? '' : `.${fraction}`}`;
}

export { isCurrency } from '../core/currency.js';
