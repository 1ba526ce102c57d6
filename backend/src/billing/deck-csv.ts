// A rate deck as CSV, the way carriers and spreadsheets write one:
// prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency
// Read whole or not at all: every bad row is reported by its line number and
// none is taken unless the whole file is good. Written back in the same form.
import { MICROS_PER_UNIT, formatAmount, isCurrency, parseAmount } from './money.js';
import { parseIncrement, type RateRow } from './rating.js';

export const DECK_COLUMNS = ['prefix', 'destination', 'rate_per_minute', 'connect_fee', 'increment', 'minimum', 'currency'] as const;
/** More rows than any real deck has (the world's prefixes are some tens of thousands). */
export const MAX_DECK_ROWS = 200_000;
/** Above any real tariff (satellite and premium ranges stay under a few units a minute): a slip of the decimal point. */
export const MAX_RATE = 100 * MICROS_PER_UNIT;

export interface DeckProblem {
  /** 1 is the header. */
  line: number;
  message: string;
}

export type ParsedDeck = { ok: true; currency: string; rows: RateRow[] } | { ok: false; problems: DeckProblem[] };

/** One CSV line's fields: commas between, a field in double quotes may hold commas and "" for a quote. */
function fields(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const c = line.indexOf(',', i);
      out.push(c < 0 ? line.slice(i) : line.slice(i, c));
      if (c < 0) return out;
      i = c + 1;
    }
  }
}

export function parseDeckCsv(text: string): ParsedDeck {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const problems: DeckProblem[] = [];
  const header = fields(lines[0] ?? '')?.map((h) => h.trim().toLowerCase());
  if (!header || header.join(',') !== DECK_COLUMNS.join(',')) {
    return { ok: false, problems: [{ line: 1, message: `the header must be ${DECK_COLUMNS.join(',')}` }] };
  }
  if (lines.length - 1 > MAX_DECK_ROWS) return { ok: false, problems: [{ line: MAX_DECK_ROWS + 2, message: `a deck has at most ${MAX_DECK_ROWS} rows` }] };
  const rows: RateRow[] = [];
  const seen = new Map<string, number>();
  let currency: string | null = null;
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    const bad = (message: string) => problems.push({ line, message });
    if (raw.trim() === '') return bad('an empty line');
    const f = fields(raw);
    if (!f || f.length !== DECK_COLUMNS.length) return bad(`${DECK_COLUMNS.length} fields expected`);
    const [prefixText, destination, rateText, feeText, incrementText, minimumText, currencyText] = f.map((v) => v.trim()) as [string, string, string, string, string, string, string];
    const prefix = `+${prefixText.replace(/^\+/, '')}`;
    if (!/^\+[1-9][0-9]{0,14}$/.test(prefix)) return bad(`prefix "${prefixText}" is not the start of an E.164 number`);
    if (seen.has(prefix)) return bad(`prefix ${prefix} again (first on line ${seen.get(prefix)})`);
    if (destination === '' || destination.length > 100) return bad('destination must be 1 to 100 characters');
    if (/[\p{Cc}\p{Cs}]/u.test(destination)) return bad('destination holds a control character');
    const ratePerMinute = parseAmount(rateText);
    if (ratePerMinute === null) return bad(`rate_per_minute "${rateText}" is not an amount like 0.012`);
    if (ratePerMinute > MAX_RATE) return bad(`rate_per_minute ${rateText} is more than ${formatAmount(MAX_RATE)} a minute`);
    const connectFee = feeText === '' ? 0 : parseAmount(feeText);
    if (connectFee === null) return bad(`connect_fee "${feeText}" is not an amount like 0.05`);
    if (connectFee > MAX_RATE) return bad(`connect_fee ${feeText} is more than ${formatAmount(MAX_RATE)}`);
    const increment = parseIncrement(incrementText);
    if (!increment) return bad(`increment "${incrementText}" is not like 60/60, 1/1 or 30/6`);
    const minimumS = minimumText === '' ? 0 : /^[0-9]{1,4}$/.test(minimumText) ? Number(minimumText) : null;
    if (minimumS === null) return bad(`minimum "${minimumText}" is not whole seconds`);
    if (!isCurrency(currencyText)) return bad(`currency "${currencyText}" is not an ISO 4217 code like EUR`);
    if (currency !== null && currencyText !== currency) return bad(`currency ${currencyText}, but the deck is in ${currency} (one currency per deck)`);
    currency ??= currencyText;
    seen.set(prefix, line);
    rows.push({ prefix, destination, ratePerMinute, connectFee, increment, minimumS });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0 || currency === null) return { ok: false, problems: [{ line: 2, message: 'the deck has no rows' }] };
  return { ok: true, currency, rows };
}

const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The deck as the importer reads it. */
export function deckCsv(currency: string, rows: readonly RateRow[]): string {
  const body = rows.map((r) =>
    [r.prefix.slice(1), cell(r.destination), formatAmount(r.ratePerMinute), formatAmount(r.connectFee), `${r.increment.first}/${r.increment.next}`, String(r.minimumS), currency].join(','),
  );
  return `${[DECK_COLUMNS.join(','), ...body].join('\n')}\n`;
}
