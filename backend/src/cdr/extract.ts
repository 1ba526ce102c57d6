// The first half of reading a call record: its JSON text parsed, the parts
// the ingest reads picked out, and the text compressed for keeping. This is
// most of a record's CPU time, so it runs on worker threads (extract-pool.ts)
// and the event loop keeps answering the switches. `extractCdr` is therefore
// self-contained (no imports, no outer names): its source is the workers'
// program. parse.ts checks and interprets what it returns.

/** The variables the ingest reads; the rest stay only in the kept raw text. */
export const CDR_VARIABLES = [
  'uuid',
  'originating_leg_uuid',
  'originator',
  'start_uepoch',
  'answer_uepoch',
  'end_uepoch',
  'duration',
  'billsec',
  'hangup_cause',
  'sip_term_status',
  'sip_gateway_name',
  'sip_req_user',
  'sip_from_user',
  'origination_caller_id_number',
  'channel_cid_flipped',
  'effective_caller_id_number',
  'channel_name',
  'direction',
  'sipcall_user_id',
  'sipcall_destination',
  'sipcall_direction',
  'sipcall_decision',
  'sipcall_reason',
] as const;

export type ExtractFailure = 'not_json' | 'not_a_cdr';

export interface ExtractedCdr {
  /** The picked variables as the switch wrote them (strings, or arrays for multi-valued ones); not yet checked. */
  variables: Record<string, unknown>;
  switchname: unknown;
  /** The first call flow's caller profile, its two read fields; not yet checked. */
  profile: { destination_number: unknown; caller_id_number: unknown } | undefined;
  /** The record's text, deflated (raw DEFLATE). */
  raw: Uint8Array;
}

export type ExtractResult = { ok: true; cdr: ExtractedCdr } | { ok: false; reason: ExtractFailure };

export function extractCdr(text: string, names: readonly string[], maxVariables: number, deflate: (text: string) => Uint8Array): ExtractResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(body) || !isObject(body['variables'])) return { ok: false, reason: 'not_a_cdr' };
  const all = body['variables'];
  let count = 0;
  for (const _ in all) if (++count > maxVariables) return { ok: false, reason: 'not_a_cdr' };
  const callflow = body['callflow'];
  if (callflow !== undefined && !isObject(callflow) && !(Array.isArray(callflow) && callflow.length <= 100 && callflow.every(isObject))) return { ok: false, reason: 'not_a_cdr' };
  const first: unknown = Array.isArray(callflow) ? callflow[0] : callflow;
  const profile = isObject(first) ? first['caller_profile'] : undefined;
  if (profile !== undefined && !isObject(profile)) return { ok: false, reason: 'not_a_cdr' };
  const variables: Record<string, unknown> = {};
  for (const name of names) if (Object.prototype.hasOwnProperty.call(all, name)) variables[name] = all[name];
  return {
    ok: true,
    cdr: {
      variables,
      switchname: body['switchname'],
      profile: profile === undefined ? undefined : { destination_number: profile['destination_number'], caller_id_number: profile['caller_id_number'] },
      raw: deflate(text.trimEnd()),
    },
  };
}
