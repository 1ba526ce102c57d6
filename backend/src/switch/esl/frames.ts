// Event Socket framing: a block of `Name: value` lines up to a blank line,
// then exactly Content-Length bytes of body when that header is present.
// Nothing else is assumed: header order varies, an api/response body is not
// followed by a blank line and may not end in a newline, and command/reply
// frames have no Content-Length at all.

export interface EslFrame {
  /** Outer headers, as sent (values are not URL-decoded at this level). */
  readonly headers: ReadonlyMap<string, string>;
  readonly contentType: string;
  /** Null when the frame has no Content-Length. */
  readonly body: Buffer | null;
}

export interface FrameLimits {
  /** Longest header block, including its lines and the blank line. */
  maxHeaderBytes: number;
  /** Longest single header line. */
  maxLineBytes: number;
  /** Largest Content-Length accepted (a `show channels as json` of thousands of calls is several MB). */
  maxBodyBytes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxHeaderBytes: 64 * 1024,
  maxLineBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024 * 1024,
};

/** The peer broke the protocol; the connection cannot be trusted any more. */
export class EslProtocolError extends Error {
  /**
   * Frames that were complete, in the same delivery, before the bad one:
   * they are good, and whoever handles the error handles them first.
   */
  completed: readonly EslFrame[] = [];

  constructor(readonly reason: string) {
    super(`ESL protocol error: ${reason}`);
    this.name = 'EslProtocolError';
  }
}

const LF = 0x0a;
const CONTENT_LENGTH = /^\d{1,10}$/;
const EMPTY = Buffer.alloc(0);

/**
 * Incremental parser: feed it whatever the socket delivers, in any chunking,
 * and it returns the frames completed so far. It never buffers more than one
 * header block plus one body, both capped. A bad frame throws, carrying the
 * good frames completed before it in the same delivery.
 */
export class FrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Headers of the frame whose body we are waiting for. */
  private pending: { headers: Map<string, string>; length: number } | null = null;
  private bodyChunks: Buffer[] = [];
  private bodyBytes = 0;
  /** Where to resume the search for the blank line, so a slow header block is not rescanned. */
  private scanFrom = 0;

  constructor(private readonly limits: FrameLimits = DEFAULT_FRAME_LIMITS) {}

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.buffer.length + this.bodyBytes;
  }

  push(chunk: Buffer): EslFrame[] {
    const frames: EslFrame[] = [];
    if (this.pending) {
      this.bodyChunks.push(chunk);
      this.bodyBytes += chunk.length;
      if (this.bodyBytes < this.pending.length) return frames;
      const all = Buffer.concat(this.bodyChunks, this.bodyBytes);
      this.bodyChunks = [];
      this.bodyBytes = 0;
      const { headers, length } = this.pending;
      this.pending = null;
      frames.push(frame(headers, all.subarray(0, length)));
      this.buffer = all.subarray(length);
    } else {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    }
    try {
      this.drain(frames);
    } catch (err) {
      if (err instanceof EslProtocolError) err.completed = frames;
      throw err;
    }
    return frames;
  }

  /** Cuts every complete frame out of the buffer; keeps the rest (one view per push, not per frame). */
  private drain(frames: EslFrame[]): void {
    const buf = this.buffer;
    let pos = 0;
    for (;;) {
      // A frame never starts with a newline; stray blank lines between frames are skipped.
      while (pos < buf.length && buf[pos] === LF) pos++;
      const end = buf.indexOf('\n\n', Math.max(pos, this.scanFrom - 1), 'latin1');
      if (end < 0) {
        if (buf.length - pos > this.limits.maxHeaderBytes) throw new EslProtocolError(`header block longer than ${this.limits.maxHeaderBytes} bytes`);
        this.scanFrom = buf.length;
        break;
      }
      if (end + 2 - pos > this.limits.maxHeaderBytes) throw new EslProtocolError(`header block longer than ${this.limits.maxHeaderBytes} bytes`);
      const headers = this.parseHeaders(buf, pos, end);
      const bodyStart = end + 2;
      this.scanFrom = 0;
      const lengthText = headers.get('Content-Length');
      if (lengthText === undefined) {
        frames.push(frame(headers, null));
        pos = bodyStart;
        continue;
      }
      if (!CONTENT_LENGTH.test(lengthText)) throw new EslProtocolError(`bad Content-Length "${lengthText.slice(0, 32)}"`);
      const length = Number(lengthText);
      if (length > this.limits.maxBodyBytes) throw new EslProtocolError(`Content-Length ${length} above the ${this.limits.maxBodyBytes} byte limit`);
      if (buf.length - bodyStart >= length) {
        frames.push(frame(headers, buf.subarray(bodyStart, bodyStart + length)));
        pos = bodyStart + length;
        continue;
      }
      // Body incomplete: collect chunks until it is, then join once.
      this.pending = { headers, length };
      const rest = buf.subarray(bodyStart);
      this.bodyChunks = rest.length > 0 ? [rest] : [];
      this.bodyBytes = rest.length;
      this.buffer = EMPTY;
      this.scanFrom = 0;
      return;
    }
    this.scanFrom = Math.max(0, this.scanFrom - pos);
    this.buffer = pos === 0 ? buf : pos >= buf.length ? EMPTY : buf.subarray(pos);
  }

  private parseHeaders(buf: Buffer, from: number, end: number): Map<string, string> {
    const headers = new Map<string, string>();
    const text = buf.toString('utf8', from, end);
    let lineStart = 0;
    while (lineStart <= text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      if (lineEnd - lineStart > this.limits.maxLineBytes) throw new EslProtocolError(`header line longer than ${this.limits.maxLineBytes} bytes`);
      const colon = text.indexOf(': ', lineStart);
      if (colon < 0 || colon >= lineEnd || colon === lineStart) {
        throw new EslProtocolError(`malformed header line "${text.slice(lineStart, Math.min(lineEnd, lineStart + 40))}"`);
      }
      headers.set(text.slice(lineStart, colon), text.slice(colon + 2, lineEnd));
      lineStart = lineEnd + 1;
    }
    if (!headers.has('Content-Type')) throw new EslProtocolError('frame without Content-Type');
    return headers;
  }
}

function frame(headers: Map<string, string>, body: Buffer | null): EslFrame {
  return { headers, contentType: headers.get('Content-Type')!, body };
}
