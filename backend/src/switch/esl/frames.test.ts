import { describe, expect, it } from 'vitest';
import { capture, captureNames } from '../../../test/support/fixtures.js';
import { decodeEvent, eventFormatOf, sniffEventName, type EslEvent } from './events.js';
import { EslProtocolError, FrameParser, type EslFrame } from './frames.js';

function parseAll(bytes: Buffer, chunking: (i: number) => number = () => bytes.length): { frames: EslFrame[]; left: number } {
  const parser = new FrameParser();
  const frames: EslFrame[] = [];
  for (let pos = 0, i = 0; pos < bytes.length; i++) {
    const size = Math.max(1, chunking(i));
    frames.push(...parser.push(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  return { frames, left: parser.buffered };
}

function events(frames: EslFrame[]): EslEvent[] {
  return frames.flatMap((f) => {
    const format = eventFormatOf(f);
    return format && f.body ? [decodeEvent(format, f.body)] : [];
  });
}

const nameOf = (e: EslEvent) => (e.name === 'OTHER' ? (e.subclass ?? e.eventName) : e.name);
const countBy = (xs: string[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});

// Frame counts per content type, established independently of this parser.
const EXPECTED_FRAMES: Record<string, Record<string, number>> = {
  'api-misc.raw': { 'auth/request': 1, 'command/reply': 2, 'api/response': 17, 'text/disconnect-notice': 1 },
  'api-status.raw': { 'auth/request': 1, 'command/reply': 2, 'api/response': 1, 'text/disconnect-notice': 1 },
  'auth-fail.raw': { 'auth/request': 1, 'command/reply': 1, 'text/disconnect-notice': 1 },
  'auth-ok.raw': { 'auth/request': 1, 'command/reply': 1 },
  'bgapi-originate.raw': { 'auth/request': 1, 'command/reply': 5, 'text/event-plain': 8, 'api/response': 1, 'text/disconnect-notice': 1 },
  'bgapi-status.raw': { 'auth/request': 1, 'command/reply': 5, 'text/event-plain': 2, 'text/disconnect-notice': 1 },
  'events-json-call-lifecycle.raw': { 'auth/request': 1, 'command/reply': 5, 'api/response': 7, 'text/event-json': 79, 'text/disconnect-notice': 1 },
  'events-plain-call-lifecycle.raw': { 'auth/request': 1, 'command/reply': 5, 'api/response': 7, 'text/event-plain': 81, 'text/disconnect-notice': 1 },
  'events-xml-call-lifecycle.raw': { 'auth/request': 1, 'command/reply': 5, 'api/response': 8, 'text/event-xml': 78, 'text/disconnect-notice': 1 },
  'exit.raw': { 'auth/request': 1, 'command/reply': 2, 'text/disconnect-notice': 1 },
  'log-data.raw': { 'auth/request': 1, 'command/reply': 4, 'api/response': 2, 'log/data': 49, 'text/disconnect-notice': 1 },
  'outbound-socket.raw': { 'command/reply': 6, 'text/event-plain': 11, 'api/response': 1, 'text/disconnect-notice': 1 },
  'outbound-trigger.raw': { 'auth/request': 1, 'command/reply': 3, 'text/disconnect-notice': 1 },
  'sendmsg-execute.raw': { 'auth/request': 1, 'command/reply': 10, 'api/response': 3, 'text/event-plain': 14, 'text/disconnect-notice': 1 },
  'sofia-gateway-call-json.raw': { 'auth/request': 1, 'command/reply': 4, 'text/event-json': 32, 'api/response': 2, 'text/disconnect-notice': 1 },
  'sofia-gateway-call-plain.raw': { 'auth/request': 1, 'command/reply': 4, 'text/event-plain': 32, 'api/response': 2, 'text/disconnect-notice': 1 },
  'sofia-inbound-call-plain.raw': { 'auth/request': 1, 'command/reply': 3, 'text/event-plain': 9, 'text/disconnect-notice': 1 },
  'xml-curl-trigger.raw': { 'auth/request': 1, 'command/reply': 2, 'api/response': 2, 'text/disconnect-notice': 1 },
  'esl-dialplan-refuse-json.raw': {},
  'esl-dialplan-sched-hangup-json.raw': {},
};

const LIFECYCLE_EVENTS = {
  API: 9, BACKGROUND_JOB: 2, CALL_UPDATE: 2, CHANNEL_ANSWER: 3, CHANNEL_CALLSTATE: 7, CHANNEL_CREATE: 3, CHANNEL_DESTROY: 4,
  CHANNEL_EXECUTE: 4, CHANNEL_EXECUTE_COMPLETE: 4, CHANNEL_HANGUP: 3, CHANNEL_HANGUP_COMPLETE: 3, CHANNEL_ORIGINATE: 2,
  CHANNEL_OUTGOING: 2, CHANNEL_PARK: 1, CHANNEL_STATE: 21, CHANNEL_UNPARK: 1, CODEC: 6, HEARTBEAT: 1, RE_SCHEDULE: 1,
};

describe('ESL framing on the real captures', () => {
  const all = [...captureNames('esl', '.raw').map((n) => [n, 'esl'] as const), ...captureNames('freeswitch-http', '.raw').map((n) => [n, 'freeswitch-http'] as const)];

  it.each(all)('parses %s completely, every event decodes', (name, folder) => {
    const bytes = capture(name, folder);
    const { frames, left } = parseAll(bytes);
    expect(left).toBe(0);
    const bodyBytes = frames.reduce((n, f) => n + (f.body?.length ?? 0), 0);
    expect(bodyBytes).toBeLessThan(bytes.length);
    const expected = EXPECTED_FRAMES[name];
    if (expected && Object.keys(expected).length > 0) expect(countBy(frames.map((f) => f.contentType))).toEqual(expected);
    for (const e of events(frames)) expect(nameOf(e)).toMatch(/^[A-Za-z_:]+$/);
  });

  it.each(all)('gives the same frames for %s whatever the chunk boundaries', (name, folder) => {
    const bytes = capture(name, folder);
    const whole = parseAll(bytes).frames;
    let seed = name.length * 7919;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 700) + 1;
    for (const chunking of [() => 1, () => 2, () => 13, random]) {
      const split = parseAll(bytes, chunking);
      expect(split.left).toBe(0);
      expect(split.frames.map((f) => [f.contentType, f.body?.toString('hex') ?? null])).toEqual(whole.map((f) => [f.contentType, f.body?.toString('hex') ?? null]));
    }
  });

  it('reads a refused password: -ERR invalid, then the 67-byte goodbye', () => {
    const { frames } = parseAll(capture('auth-fail.raw'));
    expect(frames[1]!.headers.get('Reply-Text')).toBe('-ERR invalid');
    expect(frames[2]!.contentType).toBe('text/disconnect-notice');
    expect(frames[2]!.body!.toString()).toBe('Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n');
  });

  it('keeps api/response bodies exact, with or without a trailing newline', () => {
    const bodies = parseAll(capture('api-misc.raw')).frames.filter((f) => f.contentType === 'api/response').map((f) => f.body!.toString());
    expect(bodies[0]).toMatch(/^FreeSWITCH Version 1\.10\.12-release/);
    expect(bodies.slice(1, 3)).toEqual(['vm', '127.0.0.1']);
    expect(bodies).toContain('{"row_count": 0}\n');
    expect(bodies).toContain('-ERR no_such_command Command not found!\n');
    expect(bodies).toContain('-ERR No such channel!\n');
    expect(bodies).toContain('hello%20world');
    expect(bodies).toContain('true');
  });

  it('decodes the same call life cycle from json, plain and xml', () => {
    const counts = (file: string) => countBy(events(parseAll(capture(file)).frames).map(nameOf));
    expect(counts('events-json-call-lifecycle.raw')).toEqual(LIFECYCLE_EVENTS);
    expect(counts('events-plain-call-lifecycle.raw')).toEqual({ ...LIFECYCLE_EVENTS, 'verto::client_connect': 1, 'verto::client_disconnect': 1 });
    const { HEARTBEAT: _h, RE_SCHEDULE: _r, ...xml } = LIFECYCLE_EVENTS;
    expect(counts('events-xml-call-lifecycle.raw')).toEqual({ ...xml, API: 10 });
  });

  it('URL-decodes plain values lazily and leaves json values as they are', () => {
    const plain = events(parseAll(capture('events-plain-call-lifecycle.raw')).frames).find((e) => e.name === 'CHANNEL_CREATE')!;
    expect(plain.headers.get('FreeSWITCH-IPv6')).toBe('fd00::2');
    expect(plain.headers.get('Event-Date-Local')).toMatch(/^2026-11-21 \d\d:\d\d:\d\d$/);
    const json = events(parseAll(capture('events-json-call-lifecycle.raw')).frames).find((e) => e.name === 'CHANNEL_CREATE')!;
    expect(json.headers.get('FreeSWITCH-IPv6')).toBe('fd00::2');
    expect(json.headers.get('Caller-Caller-ID-Name')).toBe('Alice');
  });

  it('reads every json field exactly as JSON.parse would, arrays included', () => {
    const files = [...captureNames('esl', '.raw').map((n) => capture(n)), ...captureNames('freeswitch-http', '.raw').map((n) => capture(n, 'freeswitch-http'))];
    let checked = 0;
    for (const bytes of files) {
      for (const f of parseAll(bytes).frames.filter((x) => eventFormatOf(x) === 'json')) {
        const { _body: body, ...expected } = JSON.parse(f.body!.toString('utf8')) as Record<string, unknown>;
        const want = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        const event = decodeEvent('json', f.body!);
        expect(event.headers.toObject()).toEqual(want);
        if (body !== undefined) expect('body' in event && event.body).toBe(body);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    const withArray = events(parseAll(capture('esl-dialplan-refuse-json.raw', 'freeswitch-http')).frames).find((e) => e.headers.has('variable_DP_MATCH'))!;
    expect(withArray.headers.get('variable_DP_MATCH')).toBe('["15551234567","15551234567"]');
  });

  it('reads every plain field exactly as a line-by-line decode would, variables included', () => {
    let checked = 0;
    for (const name of captureNames('esl', '.raw')) {
      for (const f of parseAll(capture(name)).frames.filter((x) => eventFormatOf(x) === 'plain')) {
        const text = f.body!.toString('utf8');
        const block = text.slice(0, text.indexOf('\n\n') < 0 ? undefined : text.indexOf('\n\n'));
        const want = Object.fromEntries(block.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(': ')), decodeURIComponent(l.slice(l.indexOf(': ') + 2))]));
        const event = decodeEvent('plain', f.body!);
        // a variable read first must be found just the same
        const someVariable = Object.keys(want).find((k) => k.startsWith('variable_'));
        if (someVariable) expect(decodeEvent('plain', f.body!).headers.get(someVariable)).toBe(want[someVariable]);
        expect(event.headers.toObject()).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('reads escaped json values', () => {
    const e = decodeEvent('json', Buffer.from('{"Event-Name":"CUSTOM","Event-Subclass":"x::y","Note":"say \\"hi\\"\\n\\u00e9","Path":"a\\\\b"}'));
    expect(e.headers.get('Note')).toBe('say "hi"\né');
    expect(e.headers.get('Path')).toBe('a\\b');
    expect(() => decodeEvent('json', Buffer.from('{"Event-Name":"X","a":"unterminated}')).headers.get('a')).toThrow(EslProtocolError);
  });

  it('gives background jobs their own body, in all three formats', () => {
    const jobs = (file: string) => events(parseAll(capture(file)).frames).filter((e) => e.name === 'BACKGROUND_JOB');
    const status = jobs('bgapi-status.raw');
    expect(status.map((j) => j.name === 'BACKGROUND_JOB' && j.jobUuid)).toEqual(['569938e6-1b03-46c4-9641-2451f75d4d18', '11111111-2222-3333-4444-555555555555']);
    const [first, second] = status;
    expect(first!.body).toMatch(/^UP 0 years[\s\S]*1000 session\(s\) max\n[\s\S]*Current Stack Size\/Max 240K\/8192K\n$/);
    expect(second!.body).toMatch(/^FreeSWITCH Version 1\.10\.12/);
    const originate = jobs('bgapi-originate.raw');
    expect(originate.map((j) => j.body)).toEqual([expect.stringMatching(/^\+OK [0-9a-f-]{36}\n$/), '-ERR INVALID_GATEWAY\n']);
    for (const file of ['events-json-call-lifecycle.raw', 'events-xml-call-lifecycle.raw']) {
      const bodies = (jobs(file)).map((j) => j.body);
      expect(bodies[0]).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
      expect(bodies[1]).toMatch(/^UP /);
    }
  });

  it('types hangups with their cause and bridges with the other leg', () => {
    const evs = events(parseAll(capture('esl-dialplan-sched-hangup-json.raw', 'freeswitch-http')).frames);
    const hangups = evs.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(hangups.map((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.cause).sort()).toEqual(['ALLOTTED_TIMEOUT', 'NORMAL_CLEARING']);
    const bridge = evs.find((e) => e.name === 'CHANNEL_BRIDGE');
    expect(bridge).toMatchObject({ uuid: '6e957363-cd81-4598-a9f1-b880e9399fb9', otherUuid: 'f269d731-a67c-4fa6-877a-c42455552f16' });
    const gateway = events(parseAll(capture('sofia-gateway-call-plain.raw')).frames).filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(gateway.map((e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && e.cause)).toEqual(['NORMAL_CLEARING', 'USER_BUSY']);
    expect(gateway[1]!.headers.get('variable_sip_term_status')).toBe('486');
  });

  it('sniffs the event name without decoding, in every format', () => {
    for (const [file, format] of [['events-json-call-lifecycle.raw', 'json'], ['events-plain-call-lifecycle.raw', 'plain'], ['events-xml-call-lifecycle.raw', 'xml']] as const) {
      for (const f of parseAll(capture(file)).frames.filter((x) => eventFormatOf(x) === format)) {
        const e = decodeEvent(format, f.body!);
        expect(sniffEventName(format, f.body!)).toBe(e.name === 'OTHER' ? e.eventName : e.name.startsWith('sofia::') ? 'CUSTOM' : e.name);
      }
    }
  });
});

describe('ESL framing limits', () => {
  const bad = (text: string | Buffer, limits?: ConstructorParameters<typeof FrameParser>[0]) => () => new FrameParser(limits).push(Buffer.isBuffer(text) ? text : Buffer.from(text));

  it.each([
    ['a negative Content-Length', 'Content-Type: api/response\nContent-Length: -1\n\n'],
    ['a non-numeric Content-Length', 'Content-Type: api/response\nContent-Length: 12abc\n\n'],
    ['an oversized Content-Length', 'Content-Type: api/response\nContent-Length: 99999999999\n\n'],
    ['a header line without a colon', 'Content-Type: api/response\ngarbage\n\n'],
    ['a frame without Content-Type', 'Reply-Text: +OK\n\n'],
  ])('refuses %s', (_what, text) => {
    expect(bad(text)).toThrow(EslProtocolError);
  });

  it('hands over, with the error, the good frames before a bad one in the same chunk', () => {
    const parser = new FrameParser();
    const good = 'Content-Type: command/reply\nReply-Text: +OK\n\nContent-Type: api/response\nContent-Length: 2\n\nhi';
    let caught: unknown;
    try {
      parser.push(Buffer.from(`${good}Content-Type: api/response\nContent-Length: x\n\n`));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EslProtocolError);
    expect((caught as EslProtocolError).completed.map((f) => [f.contentType, f.body?.toString() ?? null])).toEqual([
      ['command/reply', null],
      ['api/response', 'hi'],
    ]);
  });

  it('refuses a body above the configured cap', () => {
    expect(bad('Content-Type: api/response\nContent-Length: 2048\n\n', { maxHeaderBytes: 4096, maxLineBytes: 1024, maxBodyBytes: 1024 })).toThrow(/above the 1024 byte limit/);
  });

  it('refuses an endless header block instead of buffering it', () => {
    const parser = new FrameParser({ maxHeaderBytes: 1024, maxLineBytes: 512, maxBodyBytes: 4096 });
    expect(() => {
      for (let i = 0; i < 100; i++) parser.push(Buffer.from('X-Header: value\n'));
    }).toThrow(/header block longer than 1024/);
  });

  it('refuses an overlong header line', () => {
    expect(bad(`Content-Type: api/response\nX: ${'a'.repeat(600)}\n\n`, { maxHeaderBytes: 4096, maxLineBytes: 512, maxBodyBytes: 4096 })).toThrow(/header line longer/);
  });
});
