// Feeds the parser and event decoder 100,000+ mutated frames cut from the real
// captures: bit flips, truncations, splices, duplicated and dropped bytes, in
// random chunk boundaries. The only acceptable failure is EslProtocolError
// (which closes the connection); nothing else may escape, and the parser may
// never hold more than one capped header block plus one capped body.
import { describe, expect, it } from 'vitest';
import { capture, captureNames, rawFrames } from '../../../test/support/fixtures.js';
import { decodeEvent, eventFormatOf } from './events.js';
import { EslProtocolError, FrameParser, type FrameLimits } from './frames.js';

const LIMITS: FrameLimits = { maxHeaderBytes: 16 * 1024, maxLineBytes: 4 * 1024, maxBodyBytes: 256 * 1024 };
const FRAMES_TO_FEED = 100_000;

function prng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe('ESL parser fuzzing', () => {
  it(`survives ${FRAMES_TO_FEED.toLocaleString('en')} mutated frames with only protocol errors`, () => {
    const corpus = captureNames('esl', '.raw').flatMap((n) => rawFrames(capture(n)));
    const rand = prng(0x5eed);
    const pick = () => corpus[rand(corpus.length)]!;

    const mutate = (frame: Buffer): Buffer => {
      const b = Buffer.from(frame);
      switch (rand(7)) {
        case 0: // bit flips
          for (let i = 0, n = 1 + rand(8); i < n; i++) b[rand(b.length)]! ^= 1 << rand(8);
          return b;
        case 1: // truncation
          return b.subarray(0, rand(b.length));
        case 2: { // splice of two frames
          const other = pick();
          return Buffer.concat([b.subarray(0, rand(b.length)), other.subarray(rand(other.length))]);
        }
        case 3: { // corrupt the Content-Length digits
          const text = b.toString('latin1').replace(/Content-Length: \d+/, () => `Content-Length: ${['-5', '1e3', '', '99999999999', String(rand(1_000_000)), '0x10'][rand(6)]}`);
          return Buffer.from(text, 'latin1');
        }
        case 4: { // duplicated slice
          const at = rand(b.length);
          return Buffer.concat([b.subarray(0, at), b.subarray(rand(at + 1)), b.subarray(at)]);
        }
        case 5: // random garbage
          return Buffer.from(Array.from({ length: 1 + rand(200) }, () => rand(256)));
        default: // intact
          return b;
      }
    };

    let fed = 0;
    let protocolErrors = 0;
    let decodedEvents = 0;
    let maxBuffered = 0;
    while (fed < FRAMES_TO_FEED) {
      const parser = new FrameParser(LIMITS);
      const pieces = Array.from({ length: 1 + rand(5) }, () => mutate(pick()));
      const stream = Buffer.concat(pieces);
      fed += pieces.length;
      try {
        for (let pos = 0; pos < stream.length; ) {
          const size = 1 + rand(rand(2) === 0 ? 16 : 4096);
          for (const frame of parser.push(stream.subarray(pos, pos + size))) {
            const format = eventFormatOf(frame);
            if (format && frame.body) {
              decodeEvent(format, frame.body);
              decodedEvents++;
            }
          }
          maxBuffered = Math.max(maxBuffered, parser.buffered);
          pos += size;
        }
      } catch (err) {
        if (!(err instanceof EslProtocolError)) throw err;
        protocolErrors++;
      }
    }
    expect(fed).toBeGreaterThanOrEqual(FRAMES_TO_FEED);
    expect(protocolErrors).toBeGreaterThan(1000);
    expect(decodedEvents).toBeGreaterThan(1000);
    expect(maxBuffered).toBeLessThanOrEqual(LIMITS.maxHeaderBytes + LIMITS.maxBodyBytes + 4096);
  }, 120_000);
});
