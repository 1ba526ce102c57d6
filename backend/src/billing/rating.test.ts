// The rounding of a call's billed time and cost, against worked examples.
import { describe, expect, it } from 'vitest';
import { deckCsv, parseDeckCsv } from './deck-csv.js';
import { formatAmount, parseAmount } from './money.js';
import { affordableSeconds, billedSeconds, parseIncrement, priceOf, RateDeck, type RateRow } from './rating.js';

const inc = (text: string) => parseIncrement(text)!;

describe('billed seconds', () => {
  it.each([
    // talked, increment, minimum, billed
    [61, '60/60', 0, 120],
    [60, '60/60', 0, 60],
    [1, '60/60', 0, 60],
    [61, '30/6', 0, 66],
    [30, '30/6', 0, 30],
    [31, '30/6', 0, 36],
    [59, '30/6', 0, 60],
    [61, '1/1', 0, 61],
    [10, '1/1', 30, 30],
    [45, '1/1', 30, 45],
    [10, '60/1', 0, 60],
    [61, '60/1', 0, 61],
    [0, '60/60', 30, 0],
  ])('%i s at %s with a %i s minimum bills %i s', (talked, increment, minimum, billed) => {
    expect(billedSeconds(talked, inc(increment), minimum)).toBe(billed);
  });
});

describe('the price of a call', () => {
  const row = { ratePerMinute: parseAmount('0.012')!, connectFee: parseAmount('0.05')!, increment: inc('60/60'), minimumS: 0 };
  it.each([
    ['61 s at 0.012/min and 60/60, with a 0.05 connect fee', row, 61, 120, '0.074'],
    ['a call answered and ended at once: the connect fee only', row, 0, 0, '0.05'],
    ['never answered: nothing, not even the connect fee', row, null, 0, '0'],
    ['61 s at 0.1/min and 1/1: 0.101666… rounded up to a whole micro', { ...row, ratePerMinute: parseAmount('0.1')!, connectFee: 0, increment: inc('1/1') }, 61, 61, '0.101667'],
    ['an hour at 1.2345/min and 30/6', { ...row, ratePerMinute: parseAmount('1.2345')!, connectFee: 0, increment: inc('30/6') }, 3600, 3600, '74.07'],
  ])('%s', (_what, r, talked, billedS, amount) => {
    const price = priceOf(r, talked);
    expect(price.billedS).toBe(billedS);
    expect(formatAmount(price.amount)).toBe(amount);
  });
});

describe('amounts', () => {
  it.each([
    ['0.012', 12_000],
    ['0', 0],
    ['12', 12_000_000],
    ['0.000001', 1],
    ['1.5', 1_500_000],
  ])('%s is %i micros', (text, micros) => {
    expect(parseAmount(text)).toBe(micros);
    expect(parseAmount(formatAmount(micros))).toBe(micros);
  });
  it.each(['-1', '0.0000001', '1e-3', '.5', '1,5', '', 'abc', '01.2', '1.'])('%j is no amount', (text) => expect(parseAmount(text)).toBeNull());
});

describe('a deck', () => {
  const rows: RateRow[] = [
    { prefix: '+49', destination: 'Germany', ratePerMinute: 20_000, connectFee: 0, increment: inc('60/60'), minimumS: 0 },
    { prefix: '+4930', destination: 'Germany, Berlin', ratePerMinute: 10_000, connectFee: 0, increment: inc('60/60'), minimumS: 0 },
    { prefix: '+4915', destination: 'Germany, mobile', ratePerMinute: 90_000, connectFee: 0, increment: inc('30/6'), minimumS: 0 },
  ];
  const deck = new RateDeck(rows);
  it('finds a number’s row by its longest prefix', () => {
    expect(deck.match('+49301234567')?.destination).toBe('Germany, Berlin');
    expect(deck.match('+4915112345678')?.destination).toBe('Germany, mobile');
    expect(deck.match('+49891234567')?.destination).toBe('Germany');
    expect(deck.match('+4315123456')).toBeNull();
    expect(deck.match('4930123')).toBeNull();
  });
});

describe('a deck as CSV', () => {
  const good = [
    'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency',
    '49,Germany,0.02,0,60/60,0,EUR',
    '4930,"Germany, Berlin",0.01,0.05,60/60,0,EUR',
    '+4915,Germany mobile,0.09,,30/6,30,EUR',
    '',
  ].join('\r\n');

  it('reads a good file whole, and writes it back the same', () => {
    const parsed = parseDeckCsv(good);
    expect(parsed).toMatchObject({ ok: true, currency: 'EUR' });
    if (!parsed.ok) return;
    expect(parsed.rows.map((r) => [r.prefix, r.destination, r.ratePerMinute, r.connectFee, r.increment, r.minimumS])).toEqual([
      ['+49', 'Germany', 20_000, 0, { first: 60, next: 60 }, 0],
      ['+4930', 'Germany, Berlin', 10_000, 50_000, { first: 60, next: 60 }, 0],
      ['+4915', 'Germany mobile', 90_000, 0, { first: 30, next: 6 }, 30],
    ]);
    const again = parseDeckCsv(deckCsv(parsed.currency, parsed.rows));
    expect(again).toEqual(parsed);
  });

  it('reports every bad row by its line and takes none', () => {
    const bad = [
      'prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency',
      '49,Germany,0.02,0,60/60,0,EUR',
      '0049,Germany again,0.02,0,60/60,0,EUR',
      '4930,Berlin,-0.01,0,60/60,0,EUR',
      '4931,Somewhere,0.01,0,60,0,EUR',
      '49,Germany,0.02,0,60/60,0,EUR',
      '33,France,0.02,0,60/60,0,USD',
      '34,Spain,0.02,0,60/60,0',
    ].join('\n');
    const parsed = parseDeckCsv(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(parsed.problems[3]!.message).toBe('prefix +49 again (first on line 2)');
    expect(parsed.problems[4]!.message).toBe('currency USD, but the deck is in EUR (one currency per deck)');
  });

  it('refuses an absurd rate or fee (a slipped decimal point) and a currency ISO 4217 does not know', () => {
    const parsed = parseDeckCsv(
      ['prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency', '49,Germany,120,0,60/60,0,EUR', '33,France,0.02,250,60/60,0,EUR', '34,Spain,0.02,0,60/60,0,XYZ', '39,Ita\u0000ly,0.02,0,60/60,0,EUR'].join('\n'),
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { line: 2, message: 'rate_per_minute 120 is more than 100 a minute' },
        { line: 3, message: 'connect_fee 250 is more than 100' },
        { line: 4, message: 'currency "XYZ" is not an ISO 4217 code like EUR' },
        { line: 5, message: 'destination holds a control character' },
      ],
    });
  });

  it('refuses a file without the header, or without rows', () => {
    expect(parseDeckCsv('prefix,rate\n49,0.01\n')).toEqual({ ok: false, problems: [{ line: 1, message: 'the header must be prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency' }] });
    expect(parseDeckCsv('prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency\n')).toEqual({ ok: false, problems: [{ line: 2, message: 'the deck has no rows' }] });
  });
});

describe('what a budget buys', () => {
  const perMinute = (rate: string, increment: string, fee = '0', minimumS = 0) => ({ ratePerMinute: parseAmount(rate)!, connectFee: parseAmount(fee)!, increment: parseIncrement(increment)!, minimumS });

  it.each([
    // budget, rate, increment, fee, minimum, max → seconds, amount
    ['0.30', '0.10', '60/60', '0', 0, 3600, 180, '0.3'],
    ['0.29', '0.10', '60/60', '0', 0, 3600, 120, '0.2'],
    ['0.10', '0.10', '1/1', '0', 0, 3600, 60, '0.1'],
    ['0.10', '0.10', '30/6', '0.05', 0, 3600, 30, '0.1'],
    ['0.099', '0.10', '60/60', '0', 0, 3600, null, null],
    ['0.05', '0.10', '1/1', '0.05', 0, 3600, null, null],
    ['0.05', '0.10', '1/1', '0', 60, 3600, null, null],
    ['100', '0.01', '60/60', '0', 0, 600, 600, '0.1'],
    ['0', '0', '60/60', '0', 0, 600, 600, '0'],
  ])('%s at %s/min (%s, fee %s, minimum %i s, at most %i s) buys %s s for %s', (budget, rate, increment, fee, minimum, max, seconds, amount) => {
    const got = affordableSeconds(perMinute(rate, increment, fee, minimum), parseAmount(budget)!, max);
    expect(got && { seconds: got.billedS, amount: formatAmount(got.amount) }).toEqual(seconds === null ? null : { seconds, amount });
  });

  it('never buys more than the budget, nor a second less than it could', () => {
    for (const [rate, increment, fee, minimum] of [['0.013', '30/6', '0.02', 0], ['0.5', '1/1', '0', 30], ['0.07', '60/60', '0.1', 0]] as const) {
      const row = perMinute(rate, increment, fee, minimum);
      for (let budget = 0; budget <= 400_000; budget += 7_919) {
        const got = affordableSeconds(row, budget, 3600);
        if (got === null) {
          expect(priceOf(row, 1).amount).toBeGreaterThan(budget);
          continue;
        }
        expect(got.amount).toBeLessThanOrEqual(budget);
        expect(priceOf(row, got.billedS).amount).toBe(got.amount);
        if (got.billedS < 3600) expect(priceOf(row, got.billedS + 1).amount).toBeGreaterThan(budget);
      }
    }
  });
});
