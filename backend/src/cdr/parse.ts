// A call record as mod_json_cdr posts it, checked and reduced to what we
// keep, from what extract.ts picked out of it. Values under `variables`
// arrive URL-encoded (the module's default); times are microseconds since the
// epoch; nothing names the leg, so a far leg is recognised by the originating
// leg it carries.
import { z } from 'zod';
import type { ExtractedCdr } from './extract.js';
import { urlDecode } from '../switch/url-decode.js';
import { classify } from '../core/phone-numbers.js';
import { UUID_ANY_CASE as UUID } from '../core/ids.js';

/**
 * Why a record is refused. Each is a fault of the record itself, which no
 * retry can mend: the poster gets a 400 and the switch keeps the record in
 * its spool, where `sipcall cdr import` reports it by name.
 */
export type CdrRejection = 'not_json' | 'not_a_cdr' | 'no_uuid' | 'bad_times' | 'bad_text' | 'unstorable';

export class CdrError extends Error {
  constructor(readonly reason: CdrRejection) {
    super(`rejected call record: ${reason}`);
    this.name = 'CdrError';
  }
}

export interface ParsedCdr {
  callUuid: string;
  leg: 'a' | 'b';
  originUuid: string;
  userId: string | null;
  direction: 'outbound' | 'inbound' | 'internal';
  node: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  durationS: number;
  billsec: number;
  hangupCause: string;
  sipStatus: number | null;
  gateway: string | null;
  decision: string | null;
  reason: string | null;
  /** E.164 when it is a phone number, else as dialled. Personal: sealed at rest. */
  destination: string | null;
  destinationE164: string | null;
  caller: string | null;
  callerE164: string | null;
  country: string | null;
  /** The whole record as received, deflated. Personal: sealed at rest. */
  raw: Uint8Array;
}


const profile = z.object({ destination_number: z.string().max(256).optional(), caller_id_number: z.string().max(256).optional() });
const envelopeSchema = z.strictObject({
  switchname: z.string().max(255).optional(),
  profile: profile.optional(),
});

/** Checks and interprets one extracted record; `fallbackUuid` is the ?uuid= the module adds to its URL. */
export function parseCdr(extracted: ExtractedCdr, options: { fallbackUuid?: string | undefined; defaultCountry: string }): ParsedCdr {
  const checked = envelopeSchema.safeParse({ switchname: extracted.switchname, profile: extracted.profile });
  if (!checked.success) throw new CdrError('not_a_cdr');
  const node = checked.data.switchname === undefined ? undefined : storableText(checked.data.switchname);
  const profile = checked.data.profile;
  const flow = profile ? { destination: optionalText(profile.destination_number), caller: optionalText(profile.caller_id_number) } : undefined;
  const variables = extracted.variables;
  const v = (name: string): string | undefined => {
    if (!Object.hasOwn(variables, name)) return undefined;
    const value = variables[name];
    // The switch writes strings; multi-valued variables come as arrays of strings.
    const text = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : typeof value === 'number' ? String(value) : null;
    if (text === null || text.length > 8192) throw new CdrError('not_a_cdr');
    return storableText(urlDecode(text));
  };

  const uuid = v('uuid') ?? options.fallbackUuid;
  if (!uuid || !UUID.test(uuid)) throw new CdrError('no_uuid');
  const origin = v('originating_leg_uuid') ?? v('originator');
  const leg = origin && UUID.test(origin) && origin.toLowerCase() !== uuid.toLowerCase() ? 'b' : 'a';

  // Microseconds since the epoch; "0" (or absent) means "did not happen" (no answer).
  const micros = (name: string): Date | null => {
    const text = v(name);
    if (text === undefined || text === '0') return null;
    if (!/^\d{1,17}$/.test(text)) throw new CdrError('bad_times');
    const at = Math.floor(Number(text) / 1000);
    if (at < EARLIEST_MS || at > LATEST_MS) throw new CdrError('bad_times');
    return new Date(at);
  };
  const startedAt = micros('start_uepoch');
  const endedAt = micros('end_uepoch') ?? startedAt;
  const answeredAt = micros('answer_uepoch');
  if (!startedAt || !endedAt || endedAt < startedAt) throw new CdrError('bad_times');
  const seconds = (name: string) => Math.max(0, Math.min(10_000_000, Math.floor(Number(v(name)) || 0)));

  const dialled = v('sipcall_destination') ?? flow?.destination ?? v('sip_req_user') ?? null;
  const caller = callerOf(v, flow?.caller);
  const e164 = (n: string | null) => (n ? numberOf(n, options.defaultCountry) : null);
  const destination = e164(dialled);
  const callerNumber = e164(caller);
  const userId = v('sipcall_user_id');
  const status = Number(v('sip_term_status'));
  const reason = v('sipcall_reason') ?? null;
  const channel = v('channel_name') ?? '';
  const declared = v('sipcall_direction');

  return {
    callUuid: uuid.toLowerCase(),
    leg,
    originUuid: (leg === 'b' ? origin! : uuid).toLowerCase(),
    userId: userId && UUID.test(userId) ? userId.toLowerCase() : null,
    direction:
      declared === 'inbound' || declared === 'outbound'
        ? declared
        : reason === 'extension'
          ? 'internal'
          : v('direction') === 'inbound' && channel.startsWith('sofia/external/')
            ? 'inbound'
            : 'outbound',
    node: (node ?? 'unknown').slice(0, 255),
    startedAt,
    answeredAt,
    endedAt,
    durationS: seconds('duration'),
    billsec: seconds('billsec'),
    hangupCause: (v('hangup_cause') ?? 'NONE').replace(/[^A-Z0-9_]/g, '').slice(0, 64) || 'NONE',
    sipStatus: Number.isInteger(status) && status >= 100 && status < 700 ? status : null,
    gateway: v('sip_gateway_name')?.slice(0, 64) ?? null,
    decision: v('sipcall_decision')?.slice(0, 16) ?? null,
    reason: reason?.slice(0, 64) ?? null,
    destination: destination?.e164 ?? dialled?.slice(0, 64) ?? null,
    destinationE164: destination?.e164 ?? null,
    caller: callerNumber?.e164 ?? caller?.slice(0, 64) ?? null,
    callerE164: callerNumber?.e164 ?? null,
    country: destination?.country ?? null,
    raw: extracted.raw,
  };
}

/** The range a record's times must lie in: after the year 2000, and before 10000 (what ISO dates and the database take). */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * Text the database can keep. PostgreSQL's text has no NUL, and JSON's
 * unpaired surrogate halves are not characters: a record holding either
 * (raw, or as `%00` once decoded) is refused on its own instead of failing
 * the statement that carries it and every record beside it.
 */
function storableText(text: string): string {
  if (/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) throw new CdrError('bad_text');
  return text;
}

function optionalText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : storableText(text);
}

/**
 * Who called, as the far end was told. On a leg that came in, that is the
 * caller id the switch presents onwards (`effective_caller_id_number`: a
 * SIPCall user's extension, which the directory sets), else the caller
 * profile's. On a leg the switch originated (click-to-call, a gateway leg of
 * `originate`) FreeSWITCH flips the profile's ids once the far end answers
 * (`channel_cid_flipped=yes`), so there the profile names the callee and the
 * caller is the id the originate set. A SIPCall user's SIP name (their id) is
 * no number: the record names the user in `user_id` instead.
 */
function callerOf(v: (name: string) => string | undefined, profileCaller: string | undefined): string | null {
  const caller = v('channel_cid_flipped') === 'yes' ? (v('origination_caller_id_number') ?? v('sip_from_user')) : (v('effective_caller_id_number') ?? profileCaller ?? v('sip_from_user'));
  return caller === undefined || UUID.test(caller) ? null : caller;
}

type E164 = Extract<ReturnType<typeof classify>, { kind: 'e164' }>;
const numbers = new Map<string, E164 | null>();
const NUMBER_CACHE = 5_000;

/**
 * A number as E.164, remembered: records repeat the same numbers (the people
 * one calls, the trunk's caller IDs), and parsing one costs more than the rest
 * of the record. A pure function of its input, so sharing it is safe.
 */
function numberOf(n: string, defaultCountry: string): E164 | null {
  const key = `${defaultCountry}:${n}`;
  let hit = numbers.get(key);
  if (hit === undefined) {
    const c = classify(n, { defaultCountry, emergencyNumbers: [], isExtension: () => false });
    hit = c.kind === 'e164' ? c : null;
    if (numbers.size >= NUMBER_CACHE) numbers.clear();
    numbers.set(key, hit);
  }
  return hit;
}
