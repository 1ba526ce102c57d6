// Every command SIPCall sends to a switch, as a typed function. FreeSWITCH's
// syntax (originate's {variables}, the uuid_* verbs, dial strings), the
// checking of each value that goes into a command and the reading of the
// reply live here and nowhere else. What the switch answers is a result:
// `{ ok: true, … }`, or `{ ok: false, cause, reason }` with a typed cause and
// the switch's own words. A link that is down or a command that times out
// throws, as the node does; a value that cannot go into a command throws
// before anything is sent.
import { z } from 'zod';
import { UUID_ANY_CASE as UUID } from '../core/ids.js';
import { callStateOf, isFromTrunk, timeOf, type ChannelCallState, type ChannelDirection } from './channel.js';
import { isHangupCause, type HangupCause } from './hangup-causes.js';

export interface CommandOptions {
  timeoutMs?: number;
}

/** What commands run on: a switch node, or a stand-in that answers as one. */
export interface CommandTarget {
  api(command: string, options?: CommandOptions): Promise<string>;
  bgapi(command: string, options?: CommandOptions): Promise<string>;
}

/** The switch answered, and the answer was no. */
export interface Refused<C extends string> {
  readonly ok: false;
  readonly cause: C;
  /** The switch's own words, after -ERR. */
  readonly reason: string;
}

/** A value that would change what a command says (a space, a comma, a brace, a line break, …); nothing was sent. */
export class CommandArgumentError extends Error {
  constructor(what: string) {
    super(`${what} is not a value a switch command can carry`);
    this.name = 'CommandArgumentError';
  }
}

// What may go into a command: each value one word of a small alphabet, so
// none can end a variable list, start another argument or add a command.
const SAFE_VALUE = /^[A-Za-z0-9_.+*#@:-]{1,128}$/;
const SIP_USER = /^[A-Za-z0-9_.+-]{1,64}$/;
/** A dialplan extension: never starts an option (`-bleg`), never names a domain or an endpoint. */
const EXTENSION = /^\+?[A-Za-z0-9*#_.]{1,64}$/;
const CONTEXT = /^[A-Za-z0-9_-]{1,64}$/;
const DTMF = /^[0-9*#A-D]{1,32}$/;

function checked(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new CommandArgumentError(what);
  return value;
}

/** What follows -ERR, as the switch wrote it. */
const errText = (reply: string) => reply.trim().replace(/^-ERR\s*/, '');

// --- placing a call ------------------------------------------------------------

export interface OriginateToUser {
  /** The new leg's UUID, chosen by us, so the call is known before the switch answers. */
  uuid: string;
  /** The SIP user whose registered phones and browsers ring first. */
  sipUser: string;
  /** How long they ring before the switch gives up. */
  ringSeconds: number;
  /** Once the user answers, the leg dials this through the dialplan, as if the user had. */
  destination: string;
  context: string;
  /** What the user's phone shows as the caller. */
  callerId: { number: string; name: string };
  /** SIPCall's own variables on the leg (the owner also becomes its accountcode, which `show channels` reports). */
  sipcall: { userId: string; direction: ChannelDirection; destination: string };
}

export type OriginateResult = { readonly ok: true; readonly uuid: string } | Refused<HangupCause | 'refused'>;

/**
 * Rings a user's devices, then routes the destination through the dialplan
 * (click-to-call). Resolves when the user's side is settled: answered, or
 * the hangup cause it ended with.
 */
export async function originate(target: CommandTarget, call: OriginateToUser): Promise<OriginateResult> {
  const ring = Math.trunc(call.ringSeconds);
  if (!(ring > 0 && ring <= 600)) throw new CommandArgumentError('ring time');
  const variables: Array<[string, string]> = [
    ['origination_uuid', checked('call uuid', call.uuid, UUID)],
    ['sipcall_user_id', call.sipcall.userId],
    ['accountcode', call.sipcall.userId],
    ['sipcall_direction', call.sipcall.direction],
    ['sipcall_destination', call.sipcall.destination],
    ['origination_caller_id_number', call.callerId.number],
    ['origination_caller_id_name', call.callerId.name],
    ['originate_timeout', String(ring)],
  ];
  const list = variables.map(([name, value]) => `${name}=${checked(name, value, SAFE_VALUE)}`).join(',');
  const sipUser = checked('SIP user', call.sipUser, SIP_USER);
  const destination = checked('destination', call.destination, EXTENSION);
  const context = checked('dialplan context', call.context, CONTEXT);
  // The job outlives the ringing by a margin, so a late answer is still heard.
  const body = (await target.bgapi(`originate {${list}}user/${sipUser} ${destination} XML ${context}`, { timeoutMs: (ring + 10) * 1000 })).trim();
  if (body.startsWith('+OK')) return { ok: true, uuid: call.uuid };
  const reason = errText(body);
  return { ok: false, cause: isHangupCause(reason) ? reason : 'refused', reason };
}

// --- acting on a live call -------------------------------------------------------

export type ControlResult = { readonly ok: true } | Refused<'no_such_channel' | 'refused'>;

async function control(target: CommandTarget, command: string): Promise<ControlResult> {
  const reply = await target.api(command);
  if (reply.startsWith('-ERR No such channel')) return { ok: false, cause: 'no_such_channel', reason: errText(reply) };
  if (!reply.startsWith('+OK')) return { ok: false, cause: 'refused', reason: errText(reply).slice(0, 200) };
  return { ok: true };
}

/** Hangs up the leg and, with it, the call it leads; with a cause (ALLOTTED_TIMEOUT: its time ran out) when given. */
export function hangup(target: CommandTarget, uuid: string, cause?: HangupCause): Promise<ControlResult> {
  return control(target, `uuid_kill ${checked('channel uuid', uuid, UUID)}${cause ? ` ${cause}` : ''}`);
}

/** Has the switch hang the leg up `seconds` from now for ALLOTTED_TIMEOUT (another scheduled hangup it has stays). */
export function scheduleHangup(target: CommandTarget, uuid: string, seconds: number): Promise<ControlResult> {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 86_400) throw new CommandArgumentError('seconds');
  return control(target, `sched_hangup +${seconds} ${checked('channel uuid', uuid, UUID)} ALLOTTED_TIMEOUT`);
}

/** Puts the leg on hold (music for it), or takes it off. */
export function hold(target: CommandTarget, uuid: string, on: boolean): Promise<ControlResult> {
  const leg = checked('channel uuid', uuid, UUID);
  return control(target, on ? `uuid_hold ${leg}` : `uuid_hold off ${leg}`);
}

/** Blind transfer: the leg bridged to `uuid` goes through the dialplan to the destination; `uuid`'s own leg drops. */
export function transferBridgedLeg(target: CommandTarget, uuid: string, to: { destination: string; context: string }): Promise<ControlResult> {
  const leg = checked('channel uuid', uuid, UUID);
  return control(target, `uuid_transfer ${leg} -bleg ${checked('destination', to.destination, EXTENSION)} XML ${checked('dialplan context', to.context, CONTEXT)}`);
}

/** Plays tones into the leg, as if its far end had pressed the keys. */
export function sendDtmf(target: CommandTarget, uuid: string, digits: string): Promise<ControlResult> {
  return control(target, `uuid_send_dtmf ${checked('channel uuid', uuid, UUID)} ${checked('tones', digits, DTMF)}`);
}

// --- what the switch has -----------------------------------------------------------

/** One channel as `show channels` lists it. */
export interface ChannelSummary {
  readonly uuid: string;
  /** The first leg of the call this channel belongs to; null when the switch names none. */
  readonly callUuid: string | null;
  /** A call the trunk brought in, rather than one a user started. */
  readonly fromTrunk: boolean;
  /** When the channel was created, µs since the epoch (the switch lists whole seconds). */
  readonly createdUs: number | null;
  readonly callerNumber: string;
  readonly destination: string;
  /** The account the channel is billed to: a SIPCall user's id on the channels SIPCall placed or routed. */
  readonly accountcode: string | null;
  readonly callState: ChannelCallState | null;
}

// `show channels as json` as the switch answers it: checked at the edge like any input.
const channelRows = z.object({
  row_count: z.number().int().min(0),
  rows: z
    .array(
      z.looseObject({
        uuid: z.string().regex(UUID),
        direction: z.string(),
        created_epoch: z.string(),
        name: z.string(),
        cid_num: z.string(),
        dest: z.string(),
        accountcode: z.string().optional(),
        callstate: z.string(),
        call_uuid: z.string().optional(),
      }),
    )
    .optional(),
});

export type ChannelsResult = { readonly ok: true; readonly channels: ChannelSummary[] } | Refused<'malformed_reply'>;

/** Every channel up on the switch. */
export async function showChannels(target: CommandTarget, options: CommandOptions = {}): Promise<ChannelsResult> {
  const raw = await target.api('show channels as json', options);
  let rows: NonNullable<z.infer<typeof channelRows>['rows']>;
  try {
    rows = channelRows.parse(JSON.parse(raw)).rows ?? [];
  } catch (err) {
    return { ok: false, cause: 'malformed_reply', reason: err instanceof Error ? err.message.slice(0, 200) : String(err) };
  }
  const channels = rows.map((r): ChannelSummary => {
    const created = timeOf(r.created_epoch);
    return {
      uuid: r.uuid,
      callUuid: r.call_uuid || null,
      fromTrunk: isFromTrunk(r.direction, r.name),
      createdUs: created === null ? null : created * 1e6,
      callerNumber: r.cid_num,
      destination: r.dest,
      accountcode: r.accountcode || null,
      callState: callStateOf(r.callstate),
    };
  });
  return { ok: true, channels };
}

/** One registered device, as the switch's core registry lists it. */
export interface Registration {
  readonly sipUser: string;
  readonly realm: string;
  /** When the registration lapses unless renewed, seconds since the epoch; null when the switch names none. */
  readonly expiresAt: number | null;
  /** How the device reached the switch (udp, tcp, tls, ws, wss …). */
  readonly transport: string;
}

// `show registrations as json`: the core registry every sofia profile writes to.
const registrationRows = z.object({
  row_count: z.number().int().min(0),
  rows: z
    .array(
      z.looseObject({
        reg_user: z.string(),
        realm: z.string(),
        expires: z.string(),
        network_proto: z.string().optional(),
      }),
    )
    .optional(),
});

/** Every device registered to the switch. */
export async function registrations(target: CommandTarget, options: CommandOptions = {}): Promise<{ readonly ok: true; readonly registrations: Registration[] } | Refused<'malformed_reply'>> {
  const raw = await target.api('show registrations as json', options);
  let rows: NonNullable<z.infer<typeof registrationRows>['rows']>;
  try {
    rows = registrationRows.parse(JSON.parse(raw)).rows ?? [];
  } catch (err) {
    return { ok: false, cause: 'malformed_reply', reason: err instanceof Error ? err.message.slice(0, 200) : String(err) };
  }
  return {
    ok: true,
    registrations: rows.map((r) => ({ sipUser: r.reg_user, realm: r.realm, expiresAt: /^\d{1,12}$/.test(r.expires) ? Number(r.expires) : null, transport: r.network_proto ?? '' })),
  };
}

export interface SwitchStatus {
  sessions: number;
  peak: number;
  perSecond: number;
  maxPerSecond: number;
  maxSessions: number;
}

/** Reads the text of `api status` (see the captures). */
export function parseStatus(text: string): SwitchStatus | null {
  const sessions = /^(\d+) session\(s\) - peak (\d+)/m.exec(text);
  const sps = /^(\d+) session\(s\) per Sec out of max (\d+)/m.exec(text);
  const max = /^(\d+) session\(s\) max/m.exec(text);
  if (!sessions || !sps || !max) return null;
  return { sessions: Number(sessions[1]), peak: Number(sessions[2]), perSecond: Number(sps[1]), maxPerSecond: Number(sps[2]), maxSessions: Number(max[1]) };
}

export function parseCallsCount(text: string): number | null {
  const m = /^(\d+) total\./m.exec(text.trim());
  return m ? Number(m[1]) : null;
}

/** The switch's sessions now, their peak, and its configured ceilings. */
export async function status(target: CommandTarget, options: CommandOptions = {}): Promise<{ readonly ok: true; readonly status: SwitchStatus } | Refused<'malformed_reply'>> {
  const text = await target.api('status', options);
  const parsed = parseStatus(text);
  return parsed ? { ok: true, status: parsed } : { ok: false, cause: 'malformed_reply', reason: text.trim().slice(0, 200) };
}

/** Calls up on the switch (bridged pairs count once). */
export async function callsCount(target: CommandTarget, options: CommandOptions = {}): Promise<{ readonly ok: true; readonly count: number } | Refused<'malformed_reply'>> {
  const text = await target.api('show calls count', options);
  const count = parseCallsCount(text);
  return count === null ? { ok: false, cause: 'malformed_reply', reason: text.trim().slice(0, 200) } : { ok: true, count };
}

/** The RTP port range SIPCall's configuration gives the switch (freeswitch/vars.xml); not set on a switch that runs another. */
export async function rtpPorts(target: CommandTarget, options: CommandOptions = {}): Promise<{ readonly ok: true; readonly start: number; readonly end: number } | Refused<'not_set'>> {
  const [start, end] = await Promise.all([target.api('global_getvar sipcall_rtp_start', options), target.api('global_getvar sipcall_rtp_end', options)]);
  if (!/^\d+$/.test(start.trim()) || !/^\d+$/.test(end.trim())) return { ok: false, cause: 'not_set', reason: `${start.trim()} ${end.trim()}`.trim().slice(0, 200) };
  return { ok: true, start: Number(start), end: Number(end) };
}
