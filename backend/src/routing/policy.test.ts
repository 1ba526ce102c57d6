import { describe, expect, it } from 'vitest';
import { MemoryState } from '../state/memory.js';
import { MemoryCallSlots } from './call-slots.js';
import { classify } from '../core/phone-numbers.js';
import { decide, evaluateDestination, type DestinationPolicy } from './policy.js';
import type { Config } from '../config/settings.js';
import { ROUTING } from '../../test/support/routing.js';

const POLICY: DestinationPolicy = {
  allowedCountries: ['DE', 'AT'],
  allowedPrefixes: ['+4131'],
  blockedPrefixes: ['+49137'],
  emergencyPolicy: 'allow',
  maxCallSeconds: 3600,
};
const classifyDe = (dialled: string, extensions: string[] = []) =>
  classify(dialled, { defaultCountry: 'DE', emergencyNumbers: ['112', '110'], isExtension: (e) => extensions.includes(e) });

describe('destination policy', () => {
  it.each([
    ['a German landline, national format', '030 1234567', 'allow', 'allowed', '+49301234567'],
    ['a German mobile, international format', '+49 151 23456789', 'allow', 'allowed', '+4915123456789'],
    ['an Austrian number with 00', '0043 1 5131234', 'allow', 'allowed', '+4315131234'],
    ['a Swiss number inside an allowed prefix', '+41 31 1234567', 'allow', 'allowed', '+41311234567'],
    ['a Swiss number outside it', '+41 44 1234567', 'refuse', 'destination_not_allowed', null],
    ['a French number (default deny)', '+33 1 23 45 67 89', 'refuse', 'destination_not_allowed', null],
    ['German premium rate 0900', '0900 1234567', 'refuse', 'premium_rate', null],
    ['German shared cost 0180', '01801 234567', 'refuse', 'premium_rate', null],
    ['UK premium rate', '+44 909 8790879', 'refuse', 'premium_rate', null],
    ['US premium rate', '+1 900 555 0123', 'refuse', 'premium_rate', null],
    ['a satellite number', '+881 631234567', 'refuse', 'fraud_prefix', null],
    ['an international network number', '+882 16 12345678', 'refuse', 'fraud_prefix', null],
    ['a configured blocked prefix', '+49 137 1234567', 'refuse', 'fraud_prefix', null],
    ['letters', 'abc', 'refuse', 'invalid_number', null],
    ['40 digits', '1'.repeat(40), 'refuse', 'invalid_number', null],
    ['a lone +', '+', 'refuse', 'invalid_number', null],
    ['SQL metacharacters', "030'; DROP TABLE users;--", 'refuse', 'invalid_number', null],
    ['XML metacharacters', '030<bridge/>', 'refuse', 'invalid_number', null],
    ['FreeSWITCH variable syntax', '${system(id)}', 'refuse', 'invalid_number', null],
    ['an empty string', '', 'refuse', 'invalid_number', null],
    ['an impossible number', '+49 1', 'refuse', 'invalid_number', null],
    ['an emergency number', '112', 'allow', 'emergency', '112'],
  ])('%s → %s (%s)', (_what, dialled, decision, reason, number) => {
    const d = evaluateDestination(classifyDe(dialled), POLICY, null);
    expect(d).toMatchObject({ decision, reason });
    if (number) expect(d.decision === 'allow' && d.target.kind === 'trunk' && d.target.number).toBe(number);
  });

  it('refuses emergency numbers when the policy says so', () => {
    expect(evaluateDestination(classifyDe('112'), { ...POLICY, emergencyPolicy: 'refuse' }, null)).toMatchObject({ decision: 'refuse', reason: 'emergency_refused', status: 403 });
  });

  it('routes an extension to its owner without the trunk, and refuses an unknown one', () => {
    expect(evaluateDestination(classifyDe('2001', ['2001']), POLICY, 'user-1')).toMatchObject({ decision: 'allow', reason: 'extension', target: { kind: 'user', userId: 'user-1' } });
    // A short number that is no one's extension is just an invalid phone number.
    expect(evaluateDestination(classifyDe('2002', ['2001']), POLICY, null)).toMatchObject({ decision: 'refuse', reason: 'invalid_number' });
  });

  it('never lets an allow-list open a fraud range or a premium type', () => {
    const open = { ...POLICY, allowedPrefixes: ['+881', '+49900'] };
    expect(evaluateDestination(classifyDe('+881 631234567'), open, null)).toMatchObject({ reason: 'fraud_prefix' });
    expect(evaluateDestination(classifyDe('0900 1234567'), open, null)).toMatchObject({ reason: 'premium_rate' });
  });

  it('answers each refusal with the SIP status the browser explains', () => {
    expect(evaluateDestination(classifyDe('+33123456789'), POLICY, null)).toMatchObject({ status: 403, text: 'Forbidden' });
    expect(evaluateDestination(classifyDe('abc'), POLICY, null)).toMatchObject({ status: 404, text: 'Not Found' });
  });
});

const caller = { id: '11111111-1111-4111-8111-111111111111', disabled: false, defaultCountry: null };
const callId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('decisions with caps and rate limits', () => {
  const deps = (over: Partial<Config['routing']> = {}) => ({
    config: { ...ROUTING, ...over },
    counters: new MemoryState().counters,
    slots: new MemoryCallSlots(),
    extensionOwner: async () => null,
  });

  it('allows exactly the cap when 50 calls arrive at once', async () => {
    const d = deps();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => decide(d, { callId: callId(i), caller, dialled: '030 1234567' })));
    expect(results.filter((r) => r.decision === 'allow')).toHaveLength(2);
    expect(results.filter((r) => r.decision === 'refuse').every((r) => r.reason === 'user_cap' && r.decision === 'refuse' && r.status === 486)).toBe(true);
  });

  it('gives a released slot to the next call, and the same call asking twice keeps one slot', async () => {
    const d = deps({ userMaxConcurrent: 1 });
    expect((await decide(d, { callId: callId(1), caller, dialled: '0301234567' })).decision).toBe('allow');
    expect((await decide(d, { callId: callId(1), caller, dialled: '0301234567' })).decision).toBe('allow');
    expect(await decide(d, { callId: callId(2), caller, dialled: '0301234567' })).toMatchObject({ reason: 'user_cap' });
    await d.slots.release(callId(1));
    expect((await decide(d, { callId: callId(2), caller, dialled: '0301234567' })).decision).toBe('allow');
  });

  it('enforces the global cap across users with 480', async () => {
    const d = deps({ globalMaxConcurrent: 1 });
    await decide(d, { callId: callId(1), caller, dialled: '0301234567' });
    const other = { ...caller, id: '22222222-2222-4222-8222-222222222222' };
    expect(await decide(d, { callId: callId(2), caller: other, dialled: '0301234567' })).toMatchObject({ reason: 'global_cap', status: 480 });
  });

  it('limits calls per second per user and overall', async () => {
    const d = deps({ userCallsPerSecond: 2, userMaxConcurrent: 50 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => decide(d, { callId: callId(i), caller, dialled: '0301234567' })));
    expect(results.map((r) => r.reason).sort()).toEqual(['allowed', 'allowed', 'user_cps', 'user_cps']);
    const g = deps({ globalCallsPerSecond: 1, userMaxConcurrent: 50 });
    await decide(g, { callId: callId(1), caller, dialled: '0301234567' });
    expect(await decide(g, { callId: callId(2), caller: { ...caller, id: '33333333-3333-4333-8333-333333333333' }, dialled: '0301234567' })).toMatchObject({ reason: 'global_cps' });
  });

  it('refuses an unknown or disabled caller before anything else', async () => {
    expect(await decide(deps(), { callId: callId(1), caller: null, dialled: '0301234567' })).toMatchObject({ reason: 'unknown_caller', status: 403 });
    expect(await decide(deps(), { callId: callId(1), caller: { ...caller, disabled: true }, dialled: '0301234567' })).toMatchObject({ reason: 'unknown_caller' });
  });

  it('uses the caller\'s own country for national numbers', async () => {
    const d = deps({ allowedCountries: ['DE', 'FR'] });
    const r = await decide(d, { callId: callId(1), caller: { ...caller, defaultCountry: 'FR' }, dialled: '01 23 45 67 89' });
    expect(r.decision === 'allow' && r.target.kind === 'trunk' && r.target.number).toBe('+33123456789');
  });

  it('takes no slot for emergency and extension calls', async () => {
    const d = { ...deps({ userMaxConcurrent: 1 }), extensionOwner: async (e: string) => (e === '2001' ? 'callee' : null) };
    await decide(d, { callId: callId(1), caller, dialled: '0301234567' });
    expect((await decide(d, { callId: callId(2), caller, dialled: '112' })).decision).toBe('allow');
    expect(await decide(d, { callId: callId(3), caller, dialled: '2001' })).toMatchObject({ decision: 'allow', reason: 'extension' });
    expect(await d.slots.count()).toBe(1);
  });
});
