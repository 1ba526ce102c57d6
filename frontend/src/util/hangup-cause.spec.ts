import { describe, expect, it } from 'vitest';
import { causeInWords } from './hangup-cause';

describe('hangup causes in words', () => {
  it.each([
    ['NORMAL_CLEARING', 'Normal hang-up'],
    ['USER_BUSY', 'Busy'],
    ['NO_ANSWER', 'No answer'],
    ['ORIGINATOR_CANCEL', 'Cancelled by the caller'],
    ['INCOMPATIBLE_DESTINATION', 'No common audio codec'],
    // no sentence of its own: its name, readable
    ['BEARERCAPABILITY_NOTAUTH', 'Bearercapability notauth'],
    ['FACILITY_REJECTED', 'Facility rejected'],
  ])('%s → %s', (cause, words) => {
    expect(causeInWords(cause)).toBe(words);
  });

  it('gives back a cause it cannot read as it came', () => {
    expect(causeInWords('')).toBe('');
    expect(causeInWords('__')).toBe('__');
  });
});
