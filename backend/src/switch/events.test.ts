// Channel events read into typed fields, from the bytes a real FreeSWITCH
// 1.10.12 sent (test/fixtures), in each of its three event formats.
import { describe, expect, it } from 'vitest';
import { capture } from '../../test/support/fixtures.js';
import { decodeEvent, eventFormatOf, type EventFormat } from './esl/events.js';
import { FrameParser } from './esl/frames.js';
import { channelEventOf, decodeChannelEvent, type ChannelEvent } from './events.js';

function channelEvents(name: string, folder: 'esl' | 'freeswitch-http' = 'esl'): ChannelEvent[] {
  return new FrameParser().push(capture(name, folder)).flatMap((f) => {
    const format = eventFormatOf(f);
    const event = format && f.body ? decodeChannelEvent(format, f.body) : null;
    return event ? [event] : [];
  });
}

const A = '6e957363-cd81-4598-a9f1-b880e9399fb9';
const B = 'f269d731-a67c-4fa6-877a-c42455552f16';
const NO_SIPCALL = { userId: null, direction: null, destination: null, decision: null, reason: null, callId: null };

describe('channel events from a real bridged call (json)', () => {
  const events = channelEvents('esl-dialplan-sched-hangup-json.raw', 'freeswitch-http');
  const find = (name: ChannelEvent['name'], uuid: string) => events.find((e) => e.name === name && e.uuid === uuid)!;

  it("reads the caller's leg as it starts: its times, direction, numbers and account", () => {
    expect(find('CHANNEL_CREATE', A)).toMatchObject({
      name: 'CHANNEL_CREATE',
      uuid: A,
      timestampUs: 1795237083428669,
      createdUs: 1795237083428669,
      direction: 'inbound',
      fromTrunk: false,
      originatorUuid: null,
      callerNumber: '1000',
      destinationNumber: '15551234567',
      accountcode: '1000',
      sipcall: NO_SIPCALL,
    });
  });

  it('names the leg the far leg was dialled from', () => {
    expect(find('CHANNEL_CREATE', B)).toMatchObject({ direction: 'outbound', fromTrunk: false, originatorUuid: A, accountcode: null });
  });

  it('reads the routing decision once the dialplan has set it', () => {
    expect(find('CHANNEL_CREATE', A).sipcall.decision).toBeNull();
    expect(find('CHANNEL_ANSWER', A).sipcall.decision).toBe('allow');
  });

  it('gives a bridge the other leg, and each hangup its cause', () => {
    expect(find('CHANNEL_BRIDGE', A)).toMatchObject({ otherUuid: B });
    expect(find('CHANNEL_HANGUP_COMPLETE', A)).toMatchObject({ cause: 'ALLOTTED_TIMEOUT', timestampUs: 1795237088448668 });
    expect(find('CHANNEL_HANGUP_COMPLETE', B)).toMatchObject({ cause: 'NORMAL_CLEARING' });
  });
});

describe('channel events from the trunk and to a gateway', () => {
  it('tells a call the trunk brought in (plain, URL-encoded)', () => {
    const [create] = channelEvents('sofia-inbound-call-plain.raw');
    expect(create).toMatchObject({ name: 'CHANNEL_CREATE', direction: 'inbound', fromTrunk: true, callerNumber: 'sipp', destinationNumber: '9196', originatorUuid: null });
  });

  it('does not take a leg the switch dialled out to the trunk for one the trunk brought in', () => {
    const events = channelEvents('sofia-gateway-call-json.raw');
    expect(events.filter((e) => e.name === 'CHANNEL_CREATE').map((e) => [e.direction, e.fromTrunk])).toEqual([
      ['outbound', false],
      ['outbound', false],
    ]);
    expect(events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE').map((e) => (e.name === 'CHANNEL_HANGUP_COMPLETE' ? e.cause : null))).toEqual(['NORMAL_CLEARING', 'USER_BUSY']);
  });
});

describe('the same call life in json, plain and xml', () => {
  /** The typed fields of each leg's events, legs numbered by first appearance (each capture is its own session). */
  function shape(name: string) {
    const legs = new Map<string, number>();
    const leg = (uuid: string) => legs.get(uuid) ?? legs.set(uuid, legs.size).get(uuid)!;
    return channelEvents(name)
      .filter((e) => ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE'].includes(e.name))
      .map((e) => ({
        name: e.name,
        leg: leg(e.uuid),
        direction: e.direction,
        fromTrunk: e.fromTrunk,
        originator: e.originatorUuid === null ? null : leg(e.originatorUuid),
        callerNumber: e.callerNumber,
        destinationNumber: e.destinationNumber,
        timed: e.timestampUs !== null && e.createdUs !== null && e.createdUs <= e.timestampUs,
        cause: e.name === 'CHANNEL_HANGUP_COMPLETE' ? e.cause : undefined,
      }))
      .sort((x, y) => x.leg - y.leg || x.name.localeCompare(y.name)); // the sessions interleave their legs differently
  }

  it('reads the same fields whatever the format', () => {
    const json = shape('events-json-call-lifecycle.raw');
    expect(json.length).toBeGreaterThan(5);
    expect(json.every((e) => e.timed)).toBe(true);
    expect(shape('events-plain-call-lifecycle.raw')).toEqual(json);
    expect(shape('events-xml-call-lifecycle.raw')).toEqual(json);
  });
});

describe("SIPCall's own variables", () => {
  const event = (format: EventFormat, fields: Record<string, string>) => {
    const body = format === 'json' ? JSON.stringify(fields) : `${Object.entries(fields).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`).join('\n')}\n\n`;
    return decodeChannelEvent(format, Buffer.from(body))!;
  };
  const fields = {
    'Event-Name': 'CHANNEL_ANSWER',
    'Unique-ID': A,
    variable_sipcall_user_id: '11111111-1111-4111-8111-111111111111',
    variable_sipcall_direction: 'inbound',
    variable_sipcall_destination: '+4930123456',
    variable_sipcall_decision: 'refuse',
    variable_sipcall_reason: 'premium_rate',
    variable_sipcall_call_id: A,
  };

  it.each<EventFormat>(['json', 'plain'])('reads them as a typed object (%s)', (format) => {
    expect(event(format, fields).sipcall).toMatchObject({ userId: '11111111-1111-4111-8111-111111111111', direction: 'inbound', destination: '+4930123456', decision: 'refuse', reason: 'premium_rate', callId: A });
  });

  it('reads a direction or decision that is none of ours as not set', () => {
    expect(event('json', { ...fields, variable_sipcall_direction: 'sideways', variable_sipcall_decision: 'maybe' }).sipcall).toMatchObject({ direction: null, decision: null });
  });

  it('keeps a variable set to nothing as set', () => {
    expect(event('json', { ...fields, variable_sipcall_user_id: '' }).sipcall.userId).toBe('');
  });

  it('reads missing or broken times as none', () => {
    expect(event('json', { ...fields, 'Event-Date-Timestamp': 'soon', 'Caller-Channel-Created-Time': '0' })).toMatchObject({ timestampUs: null, createdUs: null });
  });
});

describe('events that carry no channel', () => {
  it('are not channel events', () => {
    const frames = new FrameParser().push(capture('events-json-call-lifecycle.raw'));
    const others = frames.flatMap((f) => {
      const format = eventFormatOf(f);
      const e = format && f.body ? decodeEvent(format, f.body) : null;
      return e && (e.name === 'HEARTBEAT' || e.name === 'BACKGROUND_JOB' || e.name === 'OTHER') ? [e] : [];
    });
    expect(others.length).toBeGreaterThan(3);
    for (const e of others) expect(channelEventOf(e)).toBeNull();
  });
});
