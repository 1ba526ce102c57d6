// A call record as mod_json_cdr posts it, checked and reduced to what we
// keep, from what extract.ts picked out of it. Values under `variables`
// arrive URL-encoded (the module's default); times are microseconds since the
// epoch; nothing names the leg, so a far leg is recognised by the originating
// leg it carries.
import { z } from 'zod';
import type { ExtractedCdr } from './extract.js';
import { urlDecode } from '../switch/esl/events.js';
import { classify } from '../routing/numbers.js';

export class CdrError extends Error {
  constructor(readonly reason: 'not_json' | 'not_a_cdr' | 'no_uuid' | 'bad_times') {
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const profile = z.object({ destination_number: z.string().max(256).optional(), caller_id_number: z.string().max(256).optional() });
const envelopeSchema = z.strictObject({
  switchname: z.string().max(255).optional(),
  profile: profile.optional(),
});

/** Checks and interprets one extracted record; `fallbackUuid` is the ?uuid= the module adds to its URL. */
export function parseCdr(extracted: ExtractedCdr, options: { fallbackUuid?: string | undefined; defaultCountry: string }): ParsedCdr {
  const checked = envelopeSchema.safeParse({ switchname: extracted.switchname, profile: extracted.profile });
  if (!checked.success) throw new CdrError('not_a_cdr');
  const cdr = { switchname: checked.data.switchname };
  const flow = checked.data.profile ? { caller_profile: checked.data.profile } : undefined;
  const variables = extracted.variables;
  const v = (name: string): string | undefined => {
    if (!Object.hasOwn(variables, name)) return undefined;
    const value = variables[name];
    // The switch writes strings; multi-valued variables come as arrays of strings.
    const text = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : typeof value === 'number' ? String(value) : null;
    if (text === null || text.length > 8192) throw new CdrError('not_a_cdr');
    return urlDecode(text);
  };

  const uuid = v('uuid') ?? options.fallbackUuid;
  if (!uuid || !UUID.test(uuid)) throw new CdrError('no_uuid');
  const origin = v('originating_leg_uuid') ?? v('originator');
  const leg = origin && UUID.test(origin) && origin.toLowerCase() !== uuid.toLowerCase() ? 'b' : 'a';

  const micros = (name: string) => {
    const n = Number(v(name));
    return Number.isFinite(n) && n > 0 ? new Date(Math.floor(n / 1000)) : null;
  };
  const startedAt = micros('start_uepoch');
  const endedAt = micros('end_uepoch') ?? startedAt;
  if (!startedAt || !endedAt || endedAt < startedAt) throw new CdrError('bad_times');
  const seconds = (name: string) => Math.max(0, Math.min(10_000_000, Math.floor(Number(v(name)) || 0)));

  const dialled = v('sipcall_destination') ?? flow?.caller_profile?.destination_number ?? v('sip_req_user') ?? null;
  const caller = flow?.caller_profile?.caller_id_number ?? v('effective_caller_id_number') ?? v('sip_from_user') ?? null;
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
    node: (cdr.switchname ?? 'unknown').slice(0, 255),
    startedAt,
    answeredAt: micros('answer_uepoch'),
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
