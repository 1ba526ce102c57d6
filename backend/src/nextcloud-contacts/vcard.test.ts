import { describe, expect, it } from 'vitest';
import { parseVCard } from './vcard.js';

const card = (...lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD'].join('\r\n');

describe('reading a vCard', () => {
  it('reads FN, ORG and a 3.0 TEL with its TYPE', () => {
    expect(parseVCard(card('VERSION:3.0', 'UID:1', 'FN:Anna Alt', 'ORG:Acme GmbH;Sales', 'TEL;TYPE=CELL,VOICE:+49 30 1234567'))).toEqual({
      uid: '1',
      displayName: 'Anna Alt',
      organisation: 'Acme GmbH, Sales',
      tels: [{ label: 'mobile', typed: '+49 30 1234567', extension: null }],
    });
  });

  it('joins folded lines and undoes escapes in names', () => {
    const c = parseVCard('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bertha\r\n  von Bach\\, Dr.\r\nTEL;VALUE=uri;TYPE="work,voice":tel:+49-30-98\r\n 7654\r\nEND:VCARD\r\n');
    expect(c?.displayName).toBe('Bertha von Bach, Dr.');
    expect(c?.tels).toEqual([{ label: 'work', typed: '+49-30-987654', extension: null }]);
  });

  it.each([
    ['tel:+4930123;ext=45', '+4930123', '45'],
    ['+49 30 1234567 x123', '+49 30 1234567', '123'],
    ['+49301234567x12', '+49301234567', '12'],
    ['030 1234567;ext=7', '030 1234567', '7'],
    ['+1 555 0100 ext. 99', '+1 555 0100', '99'],
    ['030 1234567', '030 1234567', null],
  ])('keeps the extension of %s', (value, typed, extension) => {
    expect(parseVCard(card('FN:X', `TEL:${value}`))?.tels[0]).toMatchObject({ typed, extension });
  });

  it('reads several numbers, each with its label, and vCard 2.1 bare types', () => {
    const c = parseVCard(card('VERSION:3.0', 'FN:Carl', 'TEL;TYPE=HOME:030 111', 'item1.TEL;TYPE=WORK:030 222', 'TEL;FAX:030 333', 'TEL;TYPE=pager:030 444', 'TEL:030 555', 'TEL;TYPE=MAIN:030 666'));
    expect(c?.tels.map((t) => t.label)).toEqual(['home', 'work', 'fax', 'pager', 'other', 'main']);
  });

  it('reads a card with no number at all', () => {
    expect(parseVCard(card('VERSION:4.0', 'FN:Dora', 'EMAIL:dora@example.com'))?.tels).toEqual([]);
  });

  it('names the person from N when FN is missing, else from the organisation', () => {
    expect(parseVCard(card('N:Müller;Hans;Peter;Dr.;'))?.displayName).toBe('Dr. Hans Peter Müller');
    expect(parseVCard(card('ORG:Pizza\\; Pasta'))?.displayName).toBe('Pizza; Pasta');
    expect(parseVCard(card('TEL:123'))?.displayName).toBeNull();
  });

  it('ignores lines that are not properties and TEL values with no digit', () => {
    const c = parseVCard(card('FN:Eve', 'garbage line', ';broken', 'TEL;TYPE="unterminated:+49 1', 'TEL:n/a'));
    expect(c).toEqual({ uid: null, displayName: 'Eve', organisation: null, tels: [] });
  });

  it('finds no card in text that has none', () => {
    expect(parseVCard('BEGIN:VCALENDAR\r\nEND:VCALENDAR')).toBeNull();
  });
});
