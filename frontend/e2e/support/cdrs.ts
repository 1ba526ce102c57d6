// Call records as FreeSWITCH's mod_json_cdr posts them: the captured post of a
// real answered call through a gateway, made into a given call of a given user.
import { randomUUID } from 'node:crypto';
import { httpCapture } from '../../../backend/test/support/fixtures.js';

export interface CdrSpec {
  userId: string;
  /** E.164 number dialled. */
  destination: string;
  startedAt: Date;
  /** Seconds talked; null: never answered. */
  billsec: number | null;
  /** Refused by the routing policy with this reason. */
  refusedFor?: string;
  /** The caller's own number or extension. */
  caller: string;
  /** A call from the trunk to the user (default: the user's call out). */
  inbound?: boolean;
}

export function cdrBody(spec: CdrSpec): string {
  const json = JSON.parse(httpCapture('json-cdr-answered-gateway-aleg.http').body.toString('utf8')) as {
    variables: Record<string, string>;
    callflow: Array<{ caller_profile: Record<string, string> }>;
  };
  const v = json.variables;
  json.callflow[0]!.caller_profile['caller_id_number'] = spec.caller;
  const us = (d: Date) => String(d.getTime() * 1000);
  const start = spec.startedAt;
  const answer = new Date(start.getTime() + 4000);
  const end = new Date(answer.getTime() + (spec.billsec ?? 0) * 1000);
  v['uuid'] = randomUUID();
  v['sipcall_user_id'] = spec.userId;
  v['sipcall_destination'] = encodeURIComponent(spec.destination);
  v['sipcall_decision'] = spec.refusedFor ? 'refuse' : 'allow';
  v['sipcall_reason'] = spec.refusedFor ?? 'allowed';
  v['start_uepoch'] = us(start);
  v['end_uepoch'] = us(spec.billsec === null ? new Date(start.getTime() + 2000) : end);
  v['answer_uepoch'] = spec.billsec === null ? '0' : us(answer);
  v['billsec'] = String(spec.billsec ?? 0);
  v['duration'] = String(Math.round(((spec.billsec ?? 0) * 1000 + 4000) / 1000));
  if (spec.billsec === null) v['hangup_cause'] = spec.refusedFor ? 'CALL_REJECTED' : 'NO_ANSWER';
  if (spec.inbound) {
    // A call from the trunk: the caller id the switch presents onwards is the caller's, not flipped by an originate.
    v['sipcall_direction'] = 'inbound';
    v['effective_caller_id_number'] = spec.caller;
    delete v['channel_cid_flipped'];
  }
  return JSON.stringify(json);
}

export async function postCdr(baseUrl: string, password: string, spec: CdrSpec): Promise<void> {
  const body = cdrBody(spec);
  const uuid = (JSON.parse(body) as { variables: { uuid: string } }).variables.uuid;
  const res = await fetch(`${baseUrl}/freeswitch/cdr?uuid=${uuid}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`freeswitch:${password}`).toString('base64')}` },
    body,
  });
  if (res.status !== 200) throw new Error(`CDR post: ${res.status} ${await res.text()}`);
}
