// Events from the switch as typed values. Only what the code switches on is
// decoded up front (name, channel UUID, a few per-type fields); every other
// header is decoded when first read, so events nobody needs cost little.
import type { EslFrame } from './frames.js';
import { EslProtocolError } from './frames.js';
import { CHANNEL_EVENT_NAMES, type ChannelEventName } from '../event-names.js';
import { urlDecode } from '../url-decode.js';

export type EventFormat = 'json' | 'plain' | 'xml';

/** Headers of one event, decoded only as far as someone reads them. */
export interface EventHeaders {
  get(name: string): string | undefined;
  has(name: string): boolean;
  names(): string[];
  toObject(): Record<string, string>;
}

/** Plain and XML events: a map of raw values, URL-decoded on first read. */
class MapHeaders implements EventHeaders {
  private decoded: Map<string, string> | null = null;

  constructor(private readonly raw: ReadonlyMap<string, string>) {}

  get(name: string): string | undefined {
    const value = this.raw.get(name);
    if (value === undefined) return undefined;
    this.decoded ??= new Map();
    let d = this.decoded.get(name);
    if (d === undefined) {
      d = urlDecode(value);
      this.decoded.set(name, d);
    }
    return d;
  }

  has(name: string): boolean {
    return this.raw.has(name);
  }

  names(): string[] {
    return [...this.raw.keys()];
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.raw.keys()) out[name] = this.get(name)!;
    return out;
  }
}

/**
 * JSON events. The switch writes the event's own headers first and the
 * channel variables (the bulk: SDP, codecs, …) after them, starting at the
 * first `,"variable_`. Most reads are of the headers, so only that part is
 * parsed until a variable, or a header that is not there, is asked for; then
 * the whole object. (`,"variable_` cannot occur inside a JSON string: a quote
 * there would be escaped.)
 */
class JsonHeaders implements EventHeaders {
  private head: Record<string, unknown> | null = null;
  private whole: Record<string, unknown> | null = null;

  constructor(private readonly text: string) {}

  get(name: string): string | undefined {
    const v = this.lookup(name);
    // The switch sends arrays for multi-valued variables; they stay JSON text.
    return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  names(): string[] {
    return Object.keys(this.all()).filter((k) => k !== '_body');
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) out[name] = this.get(name)!;
    return out;
  }

  /** The inner body (`_body`), as BACKGROUND_JOB carries it. */
  body(): string | null {
    const v = own(this.all(), '_body');
    return v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
  }

  private lookup(name: string): unknown {
    if (name === '_body') return undefined;
    if (this.whole === null && !name.startsWith('variable_')) {
      const head = (this.head ??= this.parseHead());
      const v = own(head, name);
      if (v !== undefined || this.whole !== null) return v;
    }
    return own(this.all(), name);
  }

  private parseHead(): Record<string, unknown> {
    const cut = this.text.indexOf(',"variable_');
    if (cut < 0) return this.all();
    return parseObject(`${this.text.slice(0, cut)}}`);
  }

  private all(): Record<string, unknown> {
    this.whole ??= parseObject(this.text);
    return this.whole;
  }
}

function own(fields: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EslProtocolError('event-json body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new EslProtocolError('event-json body is not an object');
  return parsed as Record<string, unknown>;
}

const CHANNEL_EVENTS = new Set<string>(CHANNEL_EVENT_NAMES);

interface Base {
  readonly headers: EventHeaders;
  /** Event-Sequence: per switch, but not monotonic on the wire. */
  readonly sequence: number;
}

export interface EslChannelEvent extends Base {
  readonly name: Exclude<ChannelEventName, 'CHANNEL_HANGUP' | 'CHANNEL_HANGUP_COMPLETE' | 'CHANNEL_BRIDGE' | 'CHANNEL_UNBRIDGE'>;
  readonly uuid: string;
}
export interface EslHangupEvent extends Base {
  readonly name: 'CHANNEL_HANGUP' | 'CHANNEL_HANGUP_COMPLETE';
  readonly uuid: string;
  readonly cause: string;
}
export interface EslBridgeEvent extends Base {
  readonly name: 'CHANNEL_BRIDGE' | 'CHANNEL_UNBRIDGE';
  readonly uuid: string;
  readonly otherUuid: string | null;
}
export interface EslDtmfEvent extends Base {
  readonly name: 'DTMF';
  readonly uuid: string;
  readonly digit: string;
}
export interface EslBackgroundJobEvent extends Base {
  readonly name: 'BACKGROUND_JOB';
  readonly jobUuid: string;
  readonly body: string;
}
export interface EslHeartbeatEvent extends Base {
  readonly name: 'HEARTBEAT';
}
export interface EslRegistrationEvent extends Base {
  readonly name: 'sofia::register' | 'sofia::unregister';
  readonly user: string;
  readonly realm: string;
}
export interface EslGatewayStateEvent extends Base {
  readonly name: 'sofia::gateway_state';
  readonly gateway: string;
  readonly state: string;
}
/** Anything else the switch sends; `eventName` and `subclass` say what it is. */
export interface EslOtherEvent extends Base {
  readonly name: 'OTHER';
  readonly eventName: string;
  readonly subclass: string | null;
  readonly body: string | null;
}

export type EslEvent =
  | EslChannelEvent
  | EslHangupEvent
  | EslBridgeEvent
  | EslDtmfEvent
  | EslBackgroundJobEvent
  | EslHeartbeatEvent
  | EslRegistrationEvent
  | EslGatewayStateEvent
  | EslOtherEvent;

export type EslEventName = EslEvent['name'];
/** The event type whose name is N (channel events share one shape for many names). */
export type EventOf<N extends EslEventName> = EslEvent extends infer E
  ? E extends { readonly name: infer M }
    ? N extends M
      ? Omit<E, 'name'> & { readonly name: N }
      : never
    : never
  : never;

const FORMATS: Record<string, EventFormat> = {
  'text/event-json': 'json',
  'text/event-plain': 'plain',
  'text/event-xml': 'xml',
};

export function eventFormatOf(frame: EslFrame): EventFormat | null {
  return FORMATS[frame.contentType] ?? null;
}

const NAME_PROBES: Record<EventFormat, [string, string]> = {
  json: ['"Event-Name":"', '"'],
  plain: ['Event-Name: ', '\n'],
  xml: ['<Event-Name>', '<'],
};

/**
 * The event's name without decoding it, so the client can skip events no one
 * listens to. FreeSWITCH writes Event-Name first; if it ever does not, the
 * caller falls back to a full decode.
 */
export function sniffEventName(format: EventFormat, body: Buffer): string | null {
  const [open, close] = NAME_PROBES[format];
  const head = body.toString('latin1', 0, Math.min(body.length, 128));
  let at = head.indexOf(open);
  // In plain events the name must start a line ("Original-Event-Name: " is another header).
  while (at > 0 && format === 'plain' && head[at - 1] !== '\n') at = head.indexOf(open, at + 1);
  if (at < 0) return null;
  const end = head.indexOf(close, at + open.length);
  return end < 0 ? null : head.slice(at + open.length, end);
}

/** Decodes an event frame into a typed event; malformed content is a protocol error. */
export function decodeEvent(format: EventFormat, body: Buffer): EslEvent {
  if (format === 'json') return typed(fromJson(body), undefined);
  const { headers, body: inner } = format === 'plain' ? fromPlain(body) : fromXml(body);
  return typed(headers, inner);
}

/** The inner body: given for plain and XML, read from `_body` on demand for JSON. */
function innerBody(headers: EventHeaders, inner: string | null | undefined): string | null {
  if (inner !== undefined) return inner;
  return headers instanceof JsonHeaders ? headers.body() : null;
}

/** Builds the typed event. No closures per event: this runs for every event on the socket. */
function typed(headers: EventHeaders, inner: string | null | undefined): EslEvent {
  const name = headers.get('Event-Name');
  if (!name) throw new EslProtocolError('event without Event-Name');
  const sequence = Number(headers.get('Event-Sequence') ?? 0);
  if (CHANNEL_EVENTS.has(name)) {
    if (name === 'CHANNEL_HANGUP' || name === 'CHANNEL_HANGUP_COMPLETE') {
      return { name, uuid: headers.get('Unique-ID') ?? '', cause: headers.get('Hangup-Cause') ?? 'NONE', headers, sequence };
    }
    if (name === 'CHANNEL_BRIDGE' || name === 'CHANNEL_UNBRIDGE') {
      return { name, uuid: headers.get('Unique-ID') ?? '', otherUuid: headers.get('Other-Leg-Unique-ID') ?? null, headers, sequence };
    }
    return { name: name as EslChannelEvent['name'], uuid: headers.get('Unique-ID') ?? '', headers, sequence };
  }
  switch (name) {
    case 'DTMF':
      return { name, uuid: headers.get('Unique-ID') ?? '', digit: headers.get('DTMF-Digit') ?? '', headers, sequence };
    case 'BACKGROUND_JOB':
      return { name, jobUuid: headers.get('Job-UUID') ?? '', body: innerBody(headers, inner) ?? '', headers, sequence };
    case 'HEARTBEAT':
      return { name, headers, sequence };
    case 'CUSTOM': {
      const subclass = headers.get('Event-Subclass') ?? null;
      if (subclass === 'sofia::register' || subclass === 'sofia::unregister') {
        return { name: subclass, user: headers.get('username') ?? headers.get('from-user') ?? '', realm: headers.get('realm') ?? headers.get('from-host') ?? '', headers, sequence };
      }
      if (subclass === 'sofia::gateway_state') {
        return { name: subclass, gateway: headers.get('Gateway') ?? '', state: headers.get('State') ?? '', headers, sequence };
      }
      return { name: 'OTHER', eventName: name, subclass, body: innerBody(headers, inner), headers, sequence };
    }
    default:
      return { name: 'OTHER', eventName: name, subclass: null, body: innerBody(headers, inner), headers, sequence };
  }
}

function fromJson(body: Buffer): JsonHeaders {
  const text = body.toString('utf8');
  if (text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125) throw new EslProtocolError('event-json body is not an object');
  return new JsonHeaders(text);
}

function fromPlain(body: Buffer): { headers: EventHeaders; body: string | null } {
  const text = body.toString('utf8');
  let end = text.indexOf('\n\n');
  if (end < 0) end = text.endsWith('\n') ? text.length - 1 : text.length;
  const headers = new PlainHeaders(text, end);
  const length = headers.get('Content-Length');
  let inner: string | null = null;
  if (length !== undefined) {
    if (!/^\d{1,10}$/.test(length)) throw new EslProtocolError('bad inner Content-Length');
    // The inner length counts bytes; slice bytes, not UTF-16 units.
    const start = Buffer.byteLength(text.slice(0, end + 2));
    inner = body.toString('utf8', start, start + Number(length));
  }
  return { headers, body: inner };
}

/**
 * Plain events: `Name: value` lines with URL-encoded values. Like JSON, the
 * event's own headers come first and the channel variables after; lines are
 * split into the map in two steps, the variables only when one is needed.
 */
class PlainHeaders implements EventHeaders {
  private readonly raw = new Map<string, string>();
  private decoded: MapHeaders | null = null;
  private parsedTo = 0;

  constructor(
    private readonly text: string,
    private readonly end: number,
  ) {
    const firstVariable = text.indexOf('\nvariable_');
    this.parseLines(firstVariable < 0 || firstVariable > end ? end : firstVariable);
  }

  get(name: string): string | undefined {
    if (!this.raw.has(name) && this.parsedTo < this.end) this.parseLines(this.end);
    this.decoded ??= new MapHeaders(this.raw);
    return this.decoded.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  names(): string[] {
    this.parseLines(this.end);
    return [...this.raw.keys()];
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.names()) out[name] = this.get(name)!;
    return out;
  }

  private parseLines(until: number): void {
    const text = this.text;
    let lineStart = this.parsedTo === 0 ? 0 : this.parsedTo + 1;
    while (lineStart < until) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0 || lineEnd > this.end) lineEnd = this.end;
      const colon = text.indexOf(': ', lineStart);
      if (colon < 0 || colon > lineEnd) throw new EslProtocolError('malformed event-plain header line');
      this.raw.set(text.slice(lineStart, colon), text.slice(colon + 2, lineEnd));
      lineStart = lineEnd + 1;
    }
    this.parsedTo = Math.max(this.parsedTo, Math.min(lineStart - 1, this.end));
  }
}

const XML_HEADER = /<([A-Za-z0-9_:.-]+)>([^<]*)<\/\1>/g;

function fromXml(body: Buffer): { headers: EventHeaders; body: string | null } {
  const text = body.toString('utf8');
  const open = text.indexOf('<headers>');
  const close = text.indexOf('</headers>');
  if (open < 0 || close < open) throw new EslProtocolError('event-xml without <headers>');
  const map = new Map<string, string>();
  for (const m of text.slice(open + 9, close).matchAll(XML_HEADER)) map.set(m[1]!, xmlUnescape(m[2]!));
  const bodyOpen = text.indexOf('<body>', close);
  const length = /<Content-Length>(\d{1,10})<\/Content-Length>/.exec(text.slice(close));
  let inner: string | null = null;
  if (bodyOpen >= 0) {
    const raw = xmlUnescape(text.slice(bodyOpen + 6, text.lastIndexOf('</body>')));
    inner = length ? Buffer.from(raw).subarray(0, Number(length[1])).toString('utf8') : raw;
  }
  return { headers: new MapHeaders(map), body: inner };
}

function xmlUnescape(s: string): string {
  return s.includes('&') ? s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!) : s;
}
