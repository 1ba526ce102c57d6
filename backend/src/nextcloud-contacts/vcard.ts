// vCard 3.0 and 4.0 (RFC 2426, RFC 6350), read for what a phone needs: the
// name, the organisation and every TEL with its type. Only what is read is
// parsed; anything else on the card is skipped, and nothing here throws on a
// card a server or a person made oddly: a line that is not a property is ignored.

export type CardNumberLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'pager' | 'other';

export interface CardTel {
  label: CardNumberLabel;
  /** The number as the card has it, without its extension (a tel: URI's scheme dropped). */
  typed: string;
  extension: string | null;
}

export interface Card {
  uid: string | null;
  /** FN, else the name parts of N, else the organisation; null when the card names nobody. */
  displayName: string | null;
  organisation: string | null;
  tels: CardTel[];
}

interface Property {
  name: string;
  params: Map<string, string[]>;
  value: string;
}

const MAX_CARD_CHARS = 256 * 1024;
const MAX_TELS = 20;
const MAX_TEXT = 200;

/** The first VCARD in `text`, or null when there is none. */
export function parseVCard(text: string): Card | null {
  if (text.length > MAX_CARD_CHARS) return null;
  const lines = unfold(text);
  const begin = lines.findIndex((l) => /^BEGIN:VCARD$/i.test(l.trim()));
  if (begin < 0) return null;
  const props: Property[] = [];
  for (let i = begin + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^END:VCARD$/i.test(line.trim())) break;
    const p = contentLine(line);
    if (p) props.push(p);
  }
  const first = (name: string) => props.find((p) => p.name === name);
  const fn = clip(unescapeText(first('FN')?.value ?? '').trim());
  const n = first('N');
  const org = first('ORG');
  const organisation = org ? clip(splitStructured(org.value).map((s) => s.trim()).filter(Boolean).join(', ')) : '';
  const tels = props
    .filter((p) => p.name === 'TEL')
    .map(tel)
    .filter((t): t is CardTel => t !== null)
    .slice(0, MAX_TELS);
  return {
    uid: clip(unescapeText(first('UID')?.value ?? '').trim()) || null,
    displayName: fn || (n ? nameOf(n.value) : '') || organisation || null,
    organisation: organisation || null,
    tels,
  };
}

/** Physical lines joined: a line starting with a space or a tab continues the one before (RFC 6350 §3.2). */
function unfold(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\n|\r/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length > 0) out[out.length - 1] += raw.slice(1);
    else out.push(raw);
  }
  return out;
}

/** `[group.]NAME *(;PARAM[=value[,value]]) : value`, parameter values possibly in double quotes. */
function contentLine(line: string): Property | null {
  const nameMatch = /^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)/.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[1]!.toUpperCase();
  let i = nameMatch[0].length;
  const params = new Map<string, string[]>();
  while (line[i] === ';') {
    i++;
    const key = /^[A-Za-z0-9-]+/.exec(line.slice(i));
    if (!key) return null;
    i += key[0].length;
    const values: string[] = [];
    if (line[i] === '=') {
      i++;
      for (;;) {
        let v = '';
        if (line[i] === '"') {
          const end = line.indexOf('"', i + 1);
          if (end < 0) return null;
          v = line.slice(i + 1, end);
          i = end + 1;
        } else {
          while (i < line.length && !';:,'.includes(line[i]!)) v += line[i++];
        }
        values.push(v);
        if (line[i] === ',') i++;
        else break;
      }
      params.set(key[0].toUpperCase(), [...(params.get(key[0].toUpperCase()) ?? []), ...values]);
    } else {
      // vCard 2.1's bare types (TEL;CELL:…), still written by some phones.
      params.set('TYPE', [...(params.get('TYPE') ?? []), key[0]]);
    }
  }
  if (line[i] !== ':') return null;
  return { name, params, value: line.slice(i + 1) };
}

/** A text value's escapes undone: \n, \, \; and \\ (RFC 6350 §3.4). */
function unescapeText(value: string): string {
  return value.replace(/\\([nN,;\\:])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** A structured value's components (N, ORG): split at unescaped semicolons, each unescaped. */
function splitStructured(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      cur += c + value[++i];
    } else if (c === ';') {
      parts.push(unescapeText(cur));
      cur = '';
    } else cur += c;
  }
  parts.push(unescapeText(cur));
  return parts;
}

/** N is family;given;additional;prefixes;suffixes: the name as people say it. */
function nameOf(value: string): string {
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = splitStructured(value).map((s) => s.replace(/,/g, ' ').trim());
  return clip([prefix, given, additional, family, suffix].filter(Boolean).join(' '));
}

function clip(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, MAX_TEXT);
}

function tel(p: Property): CardTel | null {
  const types = (p.params.get('TYPE') ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase());
  let value = unescapeText(p.value).trim();
  let extension: string | null = null;
  if (/^tel:/i.test(value)) {
    // RFC 3966: tel:+49-30-123;ext=45;phone-context=…
    const [number = '', ...uriParams] = value.slice(4).split(';');
    value = decodeURIComponentSafe(number);
    for (const up of uriParams) {
      const [k, v] = up.split('=');
      if (k?.toLowerCase() === 'ext' && v) extension = decodeURIComponentSafe(v);
    }
  }
  if (extension === null) {
    // "+49 30 1234567 x123", "… ext. 123", "…;ext=123", "… #123"
    const m = /^(.*?\d[^a-z#;]*?)\s*(?:;ext=|ext\.?|x|#)\s*(\d{1,8})\s*$/i.exec(value);
    if (m) {
      value = m[1]!.trim();
      extension = m[2]!;
    }
  }
  value = value.slice(0, 60);
  if (!/\d/.test(value)) return null;
  return { label: labelOf(types), typed: value, extension };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** One label from the TYPE list: what kind of line it is first (fax, pager, mobile), then where (work, home). */
function labelOf(types: string[]): CardNumberLabel {
  const has = (...names: string[]) => names.some((n) => types.includes(n));
  if (has('fax')) return 'fax';
  if (has('pager')) return 'pager';
  if (has('cell', 'mobile', 'iphone')) return 'mobile';
  if (has('work')) return 'work';
  if (has('home')) return 'home';
  if (has('main')) return 'main';
  return 'other';
}
