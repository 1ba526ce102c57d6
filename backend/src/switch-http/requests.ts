// The form mod_xml_curl posts, decoded at the edge into the question it asks:
// a directory lookup or a dialplan request, in SIPCall's terms. The switch
// sends many more fields than these; only the ones read here count.
import { z } from 'zod';
import { UUID } from '../core/ids.js';
import type { DirectoryRequest } from '../routing/directory.js';
import type { DialplanRequest } from '../routing/dialplan.js';

export type SwitchRequest =
  | { section: 'directory'; request: DirectoryRequest }
  | { section: 'dialplan'; request: DialplanRequest }
  /** A well-formed form about something SIPCall does not answer (phrases, configuration …). */
  | { section: 'other' };

/** Why a form is not a question SIPCall answers; counted, and answered "not found". */
export type FormRejection = 'malformed_form' | 'malformed_dialplan_request';

const MAX_FIELDS = 1000;
const MAX_FIELD = 4096;
const MAX_NAME = 128;

/** Every field once, of sane length; a repeated, oversized or surplus field makes the whole form malformed. */
function fieldsOf(body: string): Record<string, string> | null {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [k, v] of new URLSearchParams(body)) {
    if (++count > MAX_FIELDS || v.length > MAX_FIELD || k.length > MAX_NAME || k in out) return null;
    out[k] = v;
  }
  return out;
}

const text = z.string().optional();
const hex32 = z.string().regex(/^[0-9a-fA-F]{32}$/);
const CONTEXT = /^[A-Za-z0-9_-]{1,64}$/;

const directoryForm = z
  .object({
    section: z.literal('directory'),
    user: text,
    domain: text,
    action: text,
    sip_auth_username: text,
    sip_auth_realm: text,
    sip_auth_nonce: text,
    sip_auth_uri: text,
    sip_auth_method: text,
    sip_auth_response: text,
    sip_auth_qop: text,
    sip_auth_cnonce: text,
    sip_auth_nc: text,
  })
  .transform((f): DirectoryRequest => {
    const purpose = f.action === 'sip_auth' ? 'authenticate' : 'lookup';
    // A digest with a part missing or a response that is no MD5 is no attempt: the newest A1 answers, and the switch refuses.
    const complete = f.sip_auth_nonce && f.sip_auth_uri && f.sip_auth_method && hex32.safeParse(f.sip_auth_response).success;
    return {
      sipUser: f.user,
      domain: f.domain,
      purpose,
      digest: complete
        ? {
            username: f.sip_auth_username ?? '',
            realm: f.sip_auth_realm ?? '',
            nonce: f.sip_auth_nonce!,
            uri: f.sip_auth_uri!,
            method: f.sip_auth_method!,
            response: f.sip_auth_response!,
            qop: f.sip_auth_qop,
            cnonce: f.sip_auth_cnonce,
            nc: f.sip_auth_nc,
          }
        : null,
    };
  });

const dialplanForm = z
  .object({
    section: z.literal('dialplan'),
    'Hunt-Context': text,
    'Caller-Context': text,
    'Unique-ID': z.string().regex(UUID),
    'Hunt-Destination-Number': text,
    'Caller-Destination-Number': text,
    variable_sipcall_user_id: text,
    variable_user_name: text,
  })
  .transform((f, ctx): DialplanRequest => {
    const context = f['Hunt-Context'] ?? f['Caller-Context'];
    if (context === undefined || !CONTEXT.test(context)) {
      ctx.issues.push({ code: 'custom', message: 'a dialplan context of letters, digits, _ and -', input: context, path: ['Hunt-Context'] });
      return z.NEVER;
    }
    return {
      context,
      callId: f['Unique-ID'],
      destination: f['Hunt-Destination-Number'] ?? f['Caller-Destination-Number'] ?? '',
      callerUserId: f.variable_sipcall_user_id,
      sipUser: f.variable_user_name,
    };
  });

/** The question a posted form asks, or why it asks none. */
export function parseSwitchForm(body: string): { ok: true; value: SwitchRequest } | { ok: false; reason: FormRejection } {
  const fields = fieldsOf(body);
  const section = fields?.['section'];
  if (!fields || section === undefined) return { ok: false, reason: 'malformed_form' };
  if (section === 'directory') {
    const directory = directoryForm.safeParse(fields);
    return directory.success ? { ok: true, value: { section, request: directory.data } } : { ok: false, reason: 'malformed_form' };
  }
  if (section !== 'dialplan') return { ok: true, value: { section: 'other' } };
  const dialplan = dialplanForm.safeParse(fields);
  return dialplan.success ? { ok: true, value: { section, request: dialplan.data } } : { ok: false, reason: 'malformed_dialplan_request' };
}
