import { describe, expect, it } from 'vitest';
import type { SellRate } from '@sipcall/contract';
import { amountOf, billedSeconds, costSoFar, microsOf } from './cost';

const rate = (over: Partial<SellRate>): SellRate => ({ destination: 'Germany', perMinute: '0.1', connectFee: '0', increment: '60/60', minimumS: 0, currency: 'EUR', ...over });

describe('the running cost of a call', () => {
  it.each([
    [61, '60/60', 0, 120],
    [61, '30/6', 0, 66],
    [59, '30/6', 0, 60],
    [10, '1/1', 30, 30],
    [0, '60/60', 0, 0],
  ])('%i s at %s (minimum %i s) bills %i s', (talked, increment, minimum, billed) => {
    expect(billedSeconds(talked, increment, minimum)).toBe(billed);
  });

  it('adds the connect fee once answered and rounds up to a whole millionth', () => {
    expect(costSoFar(rate({ increment: '1/1' }), 61)).toEqual({ amount: '0.101667', currency: 'EUR' });
    expect(costSoFar(rate({ connectFee: '0.05' }), 0)).toEqual({ amount: '0.05', currency: 'EUR' });
  });

  it('reads and writes decimal amounts exactly', () => {
    expect([microsOf('0.012'), microsOf('12'), microsOf('1.5')]).toEqual([12_000, 12_000_000, 1_500_000]);
    expect([amountOf(12_000), amountOf(12_000_000), amountOf(0)]).toEqual(['0.012', '12', '0']);
  });
});
