import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV', () => {
  it('writes each section under its title, quoting only what needs it', () => {
    expect(
      toCsv([
        { title: 'Calls', rows: [['bucket', 'calls'], ['2026-11-20T09:00:00.000Z', 3], ['2026-11-20T10:00:00.000Z', null]] },
        { title: 'Users', rows: [['Carl, the caller', 'He said "hi"', 'two\nlines']] },
      ]),
    ).toBe('Calls\r\nbucket,calls\r\n2026-11-20T09:00:00.000Z,3\r\n2026-11-20T10:00:00.000Z,\r\n\r\nUsers\r\n"Carl, the caller","He said ""hi""","two\nlines"\r\n');
  });

  it('never lets a value run as a spreadsheet formula', () => {
    expect(toCsv([{ title: 'x', rows: [['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', 5, -3]] }])).toBe(
      `x\r\n"'=HYPERLINK(""http://evil"")",'+1,'-2,'@SUM(A1),5,-3\r\n`,
    );
  });
});
