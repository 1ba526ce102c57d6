import { describe, expect, it } from 'vitest';
import { mergeRecent, type RecentNumber } from './recent';

const at = (iso: string) => Date.parse(iso);
const entry = (number: string, dialled: string | null, when: string): RecentNumber => ({ number, dialled, at: at(when) });

describe('mergeRecent', () => {
  it('orders this browser and history together, newest first', () => {
    const local = [entry('1002', '1002', '2026-11-20T12:00:00Z'), entry('0201 55', '+4920155', '2026-11-18T12:00:00Z')];
    const history = [entry('+4940555000', '+4940555000', '2026-11-19T12:00:00Z')];
    expect(mergeRecent(local, history).map((e) => e.number)).toEqual(['1002', '+4940555000', '0201 55']);
  });

  it('keeps one entry per number, the newest way it was written', () => {
    const local = [entry('030 1234567', '+49301234567', '2026-11-20T12:00:00Z')];
    const history = [entry('+49301234567', '+49301234567', '2026-11-20T11:59:00Z'), entry('+49301234567', '+49301234567', '2026-11-10T08:00:00Z')];
    expect(mergeRecent(local, history).map((e) => e.number)).toEqual(['030 1234567']);
    // same time (the record of the very call typed here): this browser's way wins
    expect(mergeRecent([entry('030 1234567', '+49301234567', '2026-11-20T12:00:00Z')], [entry('+49301234567', '+49301234567', '2026-11-20T12:00:00Z')]).map((e) => e.number)).toEqual(['030 1234567']);
  });

  it('treats entries without a dialled form as the same number when only separators differ', () => {
    const merged = mergeRecent([entry('030 123', null, '2026-11-20T12:00:00Z'), entry('030-123', null, '2026-11-19T12:00:00Z')], []);
    expect(merged.map((e) => e.number)).toEqual(['030 123']);
  });

  it('keeps at most the given number of entries', () => {
    const history = Array.from({ length: 30 }, (_, i) => entry(`+4930${1000 + i}`, `+4930${1000 + i}`, new Date(at('2026-11-20T00:00:00Z') - i * 60_000).toISOString()));
    const merged = mergeRecent([], history);
    expect(merged).toHaveLength(10);
    expect(merged[0]!.number).toBe('+49301000');
  });
});
