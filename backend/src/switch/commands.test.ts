// The switch commands: the exact text each sends, values that could change
// that text refused before anything is sent, and the switch's real answers
// (from the captures) read into results.
import { describe, expect, it } from 'vitest';
import { apiReply, capture } from '../../test/support/fixtures.js';
import { CommandArgumentError, callsCount, hangup, scheduleHangup, hold, originate, registrations, rtpPorts, sendDtmf, showChannels, status, transferBridgedLeg, type CommandTarget, type OriginateToUser } from './commands.js';
import { decodeEvent, eventFormatOf } from './esl/events.js';
import { FrameParser } from './esl/frames.js';

interface Sent {
  via: 'api' | 'bgapi';
  command: string;
  timeoutMs: number | undefined;
}

/** A stand-in switch: records what is sent and answers with the given text. */
function fakeSwitch(answer: string | ((command: string) => string)): CommandTarget & { sent: Sent[] } {
  const sent: Sent[] = [];
  const reply = (via: Sent['via']) => async (command: string, options?: { timeoutMs?: number }) => {
    sent.push({ via, command, timeoutMs: options?.timeoutMs });
    return typeof answer === 'string' ? answer : answer(command);
  };
  return { sent, api: reply('api'), bgapi: reply('bgapi') };
}

/** The bodies of the BACKGROUND_JOB events in a capture: what a bgapi resolves with. */
function jobBodies(name: string): string[] {
  return new FrameParser().push(capture(name)).flatMap((f) => {
    const format = eventFormatOf(f);
    const event = format && f.body ? decodeEvent(format, f.body) : null;
    return event?.name === 'BACKGROUND_JOB' ? [event.body] : [];
  });
}

const UUID = '0f8d2c6e-3b1a-4c5d-9e7f-112233445566';
const USER = '11111111-1111-4111-8111-111111111111';
const clickToCall = (over: Partial<OriginateToUser> = {}): OriginateToUser => ({
  uuid: UUID,
  sipUser: USER,
  ringSeconds: 30,
  destination: '+4930555000',
  context: 'default',
  callerId: { number: '+4930555000', name: '+4930555000' },
  sipcall: { userId: USER, direction: 'outbound', destination: '+4930555000' },
  ...over,
});

describe('originate', () => {
  it('rings the user with our variables in one bgapi, and waits past the ringing for the job', async () => {
    const sw = fakeSwitch(`+OK ${UUID}\n`);
    expect(await originate(sw, clickToCall())).toEqual({ ok: true, uuid: UUID });
    expect(sw.sent).toEqual([
      {
        via: 'bgapi',
        command: `originate {origination_uuid=${UUID},sipcall_user_id=${USER},accountcode=${USER},sipcall_direction=outbound,sipcall_destination=+4930555000,origination_caller_id_number=+4930555000,origination_caller_id_name=+4930555000,originate_timeout=30}user/${USER} +4930555000 XML default`,
        timeoutMs: 40_000,
      },
    ]);
  });

  it('reads the real job results: +OK with the new uuid, -ERR with a hangup cause', async () => {
    const [placed, refused] = jobBodies('bgapi-originate.raw');
    expect(placed).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
    expect(await originate(fakeSwitch(placed!), clickToCall())).toEqual({ ok: true, uuid: UUID });
    expect(await originate(fakeSwitch(refused!), clickToCall())).toEqual({ ok: false, cause: 'INVALID_GATEWAY', reason: 'INVALID_GATEWAY' });
  });

  it.each([
    ['originate error/USER_BUSY &park', 'USER_BUSY'],
    ['originate sofia/gateway/nonexistent_gw/15551234567 &park', 'INVALID_GATEWAY'],
  ])('gives the hangup cause of the captured answer to %s', async (command, cause) => {
    expect(await originate(fakeSwitch(apiReply('api-misc.raw', command)), clickToCall())).toEqual({ ok: false, cause, reason: cause });
  });

  it.each([
    ['-ERR INVALID_ARGS\n', 'INVALID_ARGS'],
    ['-ERR Cannot find the user\n', 'Cannot find the user'],
    ['', ''],
  ])('calls an answer that is no hangup cause refused, with the words it had (%j)', async (answer, reason) => {
    expect(await originate(fakeSwitch(answer), clickToCall())).toEqual({ ok: false, cause: 'refused', reason });
  });

  it.each<[string, Partial<OriginateToUser>]>([
    ['a comma in a variable', { sipcall: { userId: USER, direction: 'outbound', destination: '+4930,1234' } }],
    ['a closing brace in a variable', { callerId: { number: '+4930}1234', name: 'x' } }],
    ['an opening brace in a variable', { callerId: { number: '+4930', name: '{x' } }],
    ['a space in a variable', { callerId: { number: '+4930', name: 'Evil Caller' } }],
    ['a quote in a variable', { callerId: { number: '+4930', name: "o'clock" } }],
    ['an equals sign in a variable', { sipcall: { userId: 'a=b', direction: 'outbound', destination: '+4930' } }],
    ['an empty variable', { callerId: { number: '', name: 'x' } }],
    ['a line break in a variable', { callerId: { number: '+4930\napi shutdown', name: 'x' } }],
    ['a uuid that is none', { uuid: 'not-a-uuid' }],
    ['a SIP user with a domain', { sipUser: `${USER}@evil.example` }],
    ['a SIP user that is an endpoint', { sipUser: '../sofia/gateway/x' }],
    ['a destination with a space', { destination: '+4930 &park' }],
    ['a destination that is an endpoint', { destination: 'sofia/gateway/evil/123' }],
    ['a destination that is an option', { destination: '-both' }],
    ['a context with a space', { context: 'default XML public' }],
    ['no ring time', { ringSeconds: 0 }],
  ])('refuses %s and sends nothing', async (_what, over) => {
    const sw = fakeSwitch('+OK\n');
    await expect(originate(sw, clickToCall(over))).rejects.toThrow(CommandArgumentError);
    expect(sw.sent).toEqual([]);
  });
});

describe('acting on a live call', () => {
  it.each([
    ['hangup', (sw: CommandTarget) => hangup(sw, UUID), `uuid_kill ${UUID}`],
    ['hangup with a cause', (sw: CommandTarget) => hangup(sw, UUID, 'ALLOTTED_TIMEOUT'), `uuid_kill ${UUID} ALLOTTED_TIMEOUT`],
    ['scheduled hangup', (sw: CommandTarget) => scheduleHangup(sw, UUID, 90), `sched_hangup +90 ${UUID} ALLOTTED_TIMEOUT`],
    ['hold', (sw: CommandTarget) => hold(sw, UUID, true), `uuid_hold ${UUID}`],
    ['unhold', (sw: CommandTarget) => hold(sw, UUID, false), `uuid_hold off ${UUID}`],
    ['transfer', (sw: CommandTarget) => transferBridgedLeg(sw, UUID, { destination: '+4940987654', context: 'default' }), `uuid_transfer ${UUID} -bleg +4940987654 XML default`],
    ['dtmf', (sw: CommandTarget) => sendDtmf(sw, UUID, '123#'), `uuid_send_dtmf ${UUID} 123#`],
  ])('%s sends one exact api command and reads +OK as done', async (_action, act, command) => {
    const sw = fakeSwitch('+OK Success\n');
    expect(await act(sw)).toEqual({ ok: true });
    expect(sw.sent).toEqual([{ via: 'api', command, timeoutMs: undefined }]);
  });

  it('reads the real answers: +OK, and no such channel for a leg that is gone', async () => {
    expect(await hangup(fakeSwitch(apiReply('events-xml-call-lifecycle.raw', /^uuid_kill f1302899/)), UUID)).toEqual({ ok: true });
    expect(await hangup(fakeSwitch(apiReply('api-misc.raw', /^uuid_kill /)), UUID)).toEqual({ ok: false, cause: 'no_such_channel', reason: 'No such channel!' });
  });

  it('calls any other answer refused, with at most 200 characters of its words', async () => {
    expect(await hold(fakeSwitch('-ERR Operation failed\n'), UUID, true)).toEqual({ ok: false, cause: 'refused', reason: 'Operation failed' });
    const long = await sendDtmf(fakeSwitch(`-ERR ${'x'.repeat(300)}\n`), UUID, '1');
    expect(long).toMatchObject({ ok: false, cause: 'refused' });
    expect(!long.ok && long.reason.length).toBe(200);
  });

  it.each<[string, (sw: CommandTarget) => Promise<unknown>]>([
    ['a uuid that is none', (sw) => hangup(sw, 'all')],
    ['a uuid with a second command', (sw) => hangup(sw, `${UUID}\n\napi shutdown`)],
    ['tones with a second command', (sw) => sendDtmf(sw, UUID, '1;uuid_kill all')],
    ['tones with a duration', (sw) => sendDtmf(sw, UUID, '1@5000')],
    ['tones with a space', (sw) => sendDtmf(sw, UUID, '1 2')],
    ['no tones', (sw) => sendDtmf(sw, UUID, '')],
    ['a scheduled hangup in no time', (sw) => scheduleHangup(sw, UUID, 0)],
    ['a scheduled hangup at a fraction', (sw) => scheduleHangup(sw, UUID, 1.5)],
    ['a transfer to an endpoint', (sw) => transferBridgedLeg(sw, UUID, { destination: 'sofia/gateway/evil/123', context: 'default' })],
    ['a transfer to an option', (sw) => transferBridgedLeg(sw, UUID, { destination: '-both', context: 'default' })],
    ['a transfer into another context', (sw) => transferBridgedLeg(sw, UUID, { destination: '+4930', context: 'default public' })],
  ])('refuses %s and sends nothing', async (_what, act) => {
    const sw = fakeSwitch('+OK\n');
    await expect(async () => act(sw)).rejects.toThrow(CommandArgumentError);
    expect(sw.sent).toEqual([]);
  });
});

describe('show channels', () => {
  it("reads the real switch's list into typed channels", async () => {
    const sw = fakeSwitch(apiReply('events-xml-call-lifecycle.raw', 'show channels as json'));
    const result = await showChannels(sw, { timeoutMs: 30_000 });
    expect(sw.sent).toEqual([{ via: 'api', command: 'show channels as json', timeoutMs: 30_000 }]);
    expect(result).toEqual({
      ok: true,
      channels: [
        { uuid: 'c2c66407-40bb-4c26-87d5-5eb299882ba7', callUuid: 'c2c66407-40bb-4c26-87d5-5eb299882ba7', fromTrunk: false, createdUs: 1795236535e6, callerNumber: 'default', destination: '9196', accountcode: null, callState: 'answered' },
        { uuid: 'c6c64cd9-fb04-4b47-90aa-0387e169cee3', callUuid: null, fromTrunk: false, createdUs: 1795236535e6, callerNumber: '5550002', destination: '9196', accountcode: null, callState: 'answered' },
      ],
    });
  });

  it('reads an idle switch as no channels', async () => {
    expect(await showChannels(fakeSwitch(apiReply('api-misc.raw', 'show channels as json')))).toEqual({ ok: true, channels: [] });
  });

  it('tells a call the trunk brought in from one a user started, and reads each call state', async () => {
    const row = (over: Record<string, string>) => ({ uuid: UUID, direction: 'inbound', created_epoch: '1795237083', name: 'sofia/internal/u@x', cid_num: '1000', dest: '4930', callstate: 'ACTIVE', ...over });
    const list = (...rows: object[]) => fakeSwitch(JSON.stringify({ row_count: rows.length, rows }));
    const read = async (over: Record<string, string>) => {
      const r = await showChannels(list(row(over)));
      return r.ok ? r.channels[0] : r;
    };
    expect(await read({ name: 'sofia/external/+4930123' })).toMatchObject({ fromTrunk: true });
    expect(await read({ name: 'sofia/external/+4930123', direction: 'outbound' })).toMatchObject({ fromTrunk: false });
    expect(await read({ accountcode: USER })).toMatchObject({ accountcode: USER, callUuid: null });
    for (const [callstate, state] of [['DOWN', 'ringing'], ['RINGING', 'ringing'], ['EARLY', 'early'], ['ACTIVE', 'answered'], ['HELD', 'held'], ['HANGUP', null]] as const) {
      expect(await read({ callstate })).toMatchObject({ callState: state });
    }
  });

  it.each([
    ['an error', '-ERR Cannot find command\n'],
    ['not JSON', 'row_count: 2'],
    ['a row without a uuid', JSON.stringify({ row_count: 1, rows: [{ uuid: 'x', direction: 'inbound', created_epoch: '1', name: 'n', cid_num: '', dest: '', callstate: 'ACTIVE' }] })],
  ])('calls %s a malformed reply, with the reason', async (_what, answer) => {
    const result = await showChannels(fakeSwitch(answer));
    expect(result).toMatchObject({ ok: false, cause: 'malformed_reply', reason: expect.any(String) });
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });
});

describe('registered devices', () => {
  it('lists each device with its user, realm, expiry and transport', async () => {
    const sw = fakeSwitch(
      JSON.stringify({
        row_count: 2,
        rows: [
          { reg_user: USER, realm: 'sip.example.com', token: 't1', url: 'sofia/internal/sip:x@1.2.3.4:5060', expires: '1795237683', network_ip: '1.2.3.4', network_port: '5060', network_proto: 'wss', hostname: 'fs1', metadata: '' },
          { reg_user: USER, realm: 'sip.example.com', token: 't2', url: 'sofia/internal/sip:y@1.2.3.5:5060', expires: '', network_ip: '1.2.3.5', network_port: '5060', network_proto: 'udp', hostname: 'fs1', metadata: '' },
        ],
      }),
    );
    expect(await registrations(sw)).toEqual({
      ok: true,
      registrations: [
        { sipUser: USER, realm: 'sip.example.com', expiresAt: 1795237683, transport: 'wss' },
        { sipUser: USER, realm: 'sip.example.com', expiresAt: null, transport: 'udp' },
      ],
    });
    expect(sw.sent).toEqual([{ via: 'api', command: 'show registrations as json', timeoutMs: undefined }]);
  });

  it('reads the empty answer as nobody, and anything else as a malformed reply', async () => {
    expect(await registrations(fakeSwitch('{"row_count": 0}\n'))).toEqual({ ok: true, registrations: [] });
    expect(await registrations(fakeSwitch('-ERR Cannot find command\n'))).toMatchObject({ ok: false, cause: 'malformed_reply' });
  });
});

describe("the switch's own figures", () => {
  it('reads the real status answer', async () => {
    expect(await status(fakeSwitch(apiReply('api-status.raw', 'status')))).toEqual({ ok: true, status: { sessions: 0, peak: 0, perSecond: 0, maxPerSecond: 30, maxSessions: 1000 } });
    expect(await status(fakeSwitch('-ERR no\n'))).toMatchObject({ ok: false, cause: 'malformed_reply' });
  });

  it('reads the real count of calls', async () => {
    expect(await callsCount(fakeSwitch(apiReply('api-misc.raw', 'show calls')))).toEqual({ ok: true, count: 0 });
    expect(await callsCount(fakeSwitch('\n3 total.\n'))).toEqual({ ok: true, count: 3 });
  });

  it("reads SIPCall's RTP range, and says when the switch runs another configuration", async () => {
    const sw = fakeSwitch((command) => (command.endsWith('start') ? '16384' : '16783'));
    expect(await rtpPorts(sw)).toEqual({ ok: true, start: 16384, end: 16783 });
    expect(sw.sent.map((s) => s.command)).toEqual(['global_getvar sipcall_rtp_start', 'global_getvar sipcall_rtp_end']);
    // An unknown variable is an empty answer on the real switch.
    expect(await rtpPorts(fakeSwitch(''))).toMatchObject({ ok: false, cause: 'not_set' });
  });
});
