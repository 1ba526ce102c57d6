// Reading call records beside the event loop: the worker threads run the very
// function the in-thread path runs, give the same answers, and a worker that
// dies fails only the records it held, then is replaced.
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CdrExtractor } from '../src/cdr/extract-pool.js';
import { httpCapture } from './support/fixtures.js';

const TEXT = httpCapture('json-cdr-bridged-sched-hangup-bleg.http').body.toString('utf8');

describe('call-record extraction', () => {
  const inThread = new CdrExtractor(0);
  const pooled = new CdrExtractor(2);
  afterAll(() => pooled.close());

  it('picks the read variables and the caller profile, and keeps the text deflated, the same on a worker as in-thread', async () => {
    const [a, b] = await Promise.all([inThread.extract(TEXT), pooled.extract(TEXT)]);
    if (!a.ok || !b.ok) throw new Error('not extracted');
    expect({ ...a.cdr, raw: null }).toEqual({ ...b.cdr, raw: null });
    expect(Buffer.from(b.cdr.raw).equals(Buffer.from(a.cdr.raw))).toBe(true);
    expect(a.cdr.variables['uuid']).toBe('f269d731-a67c-4fa6-877a-c42455552f16');
    expect(a.cdr.variables['originating_leg_uuid']).toBe('6e957363-cd81-4598-a9f1-b880e9399fb9');
    expect(Object.keys(a.cdr.variables)).not.toContain('rtp_local_sdp_str');
    expect(b.cdr.raw).toBeInstanceOf(Uint8Array);
    expect(inflateRawSync(b.cdr.raw).toString('utf8')).toBe(TEXT.trimEnd());
  });

  it('answers many records at once, each with its own', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => TEXT.replaceAll('f269d731-a67c-4fa6-877a-c42455552f16', `f269d731-a67c-4fa6-877a-${String(i).padStart(12, '0')}`));
    const results = await Promise.all(texts.map((t) => pooled.extract(t)));
    results.forEach((r, i) => expect(r.ok && r.cdr.variables['uuid']).toBe(`f269d731-a67c-4fa6-877a-${String(i).padStart(12, '0')}`));
  });

  it.each([
    ['not JSON', '{"variables": {', 'not_json'],
    ['not an object', '[1,2]', 'not_a_cdr'],
    ['variables that are not an object', '{"variables": "x"}', 'not_a_cdr'],
    ['too many variables', JSON.stringify({ variables: Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`v${i}`, 'x'])) }), 'not_a_cdr'],
    ['a call flow of text', '{"variables": {}, "callflow": "x"}', 'not_a_cdr'],
    ['a caller profile of text', '{"variables": {}, "callflow": [{"caller_profile": "x"}]}', 'not_a_cdr'],
  ])('refuses %s, on a worker and in-thread alike', async (_what, text, reason) => {
    expect(await pooled.extract(text)).toEqual({ ok: false, reason });
    expect(await inThread.extract(text)).toEqual({ ok: false, reason });
  });

  it('fails the records a dying worker held, and the next record gets a new worker', async () => {
    const one = new CdrExtractor(1);
    try {
      expect((await one.extract(TEXT)).ok).toBe(true);
      // Reach the worker and end it, as a crash would.
      const worker = (one as unknown as { workers: Array<{ worker: { terminate(): Promise<number> } }> }).workers[0]!.worker;
      // A record big enough to keep the worker busy while it is ended.
      const held = one.extract(JSON.stringify({ variables: { pad: 'x'.repeat(50_000_000) } }));
      await worker.terminate();
      await expect(held).rejects.toThrow(/exited/);
      expect((await one.extract(TEXT)).ok).toBe(true);
    } finally {
      await one.close();
    }
  });
});
