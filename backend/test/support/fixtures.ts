import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** A capture from a real FreeSWITCH 1.10.12, byte for byte (see test/fixtures/README.md). */
export function capture(name: string, folder: 'esl' | 'freeswitch-http' = 'esl'): Buffer {
  return readFileSync(path.join(DIR, folder, name));
}

export function captureNames(folder: 'esl' | 'freeswitch-http', ext: string): string[] {
  return readdirSync(path.join(DIR, folder)).filter((f) => f.endsWith(ext)).sort();
}

/** Cuts ESL bytes into whole frames (header block + body), as raw bytes. */
export function rawFrames(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const end = bytes.indexOf('\n\n', pos);
    if (end < 0) break;
    const length = /(?:^|\n)Content-Length: (\d+)/.exec(bytes.toString('latin1', pos, end));
    const next = end + 2 + (length ? Number(length[1]) : 0);
    out.push(bytes.subarray(pos, next));
    pos = next;
  }
  return out;
}

/** The Content-Type of a raw frame. */
export function frameType(frame: Buffer): string | undefined {
  const end = frame.indexOf('\n\n');
  return /(?:^|\n)Content-Type: ([^\n]+)/.exec(frame.toString('latin1', 0, end < 0 ? frame.length : end))?.[1];
}

/** A captured HTTP request: its headers and its body, byte for byte. */
export function httpCapture(name: string): { requestLine: string; headers: Record<string, string>; body: Buffer } {
  const raw = capture(name, 'freeswitch-http');
  const split = raw.indexOf('\r\n\r\n');
  const [requestLine, ...lines] = raw.toString('latin1', 0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { requestLine: requestLine!, headers, body: raw.subarray(split + 4) };
}

/** A captured xml_curl form, with some fields replaced. */
export function captureForm(name: string, replace: Record<string, string> = {}): string {
  const params = new URLSearchParams(httpCapture(name).body.toString('latin1'));
  for (const [k, v] of Object.entries(replace)) params.set(k, v);
  return params.toString();
}

/**
 * The `api` commands of a captured session with the switch's answer to each,
 * in order: the client's lines from NAME.sent, the api/response bodies from
 * NAME.raw (the switch answers strictly in sequence).
 */
export function apiReplies(name: string): Array<[command: string, reply: string]> {
  const commands = capture(name.replace(/\.raw$/, '.sent'))
    .toString('utf8')
    .split('\n\n')
    .filter((c) => c.startsWith('api '))
    .map((c) => c.slice(4));
  const replies = rawFrames(capture(name))
    .filter((f) => frameType(f) === 'api/response')
    .map((f) => f.subarray(f.indexOf('\n\n') + 2).toString('utf8'));
  if (commands.length !== replies.length) throw new Error(`${name}: ${commands.length} api commands, ${replies.length} answers`);
  return commands.map((c, i) => [c, replies[i]!]);
}

/** The switch's answer to one `api` command of a captured session. */
export function apiReply(name: string, command: string | RegExp): string {
  const hit = apiReplies(name).find(([c]) => (typeof command === 'string' ? c === command : command.test(c)));
  if (!hit) throw new Error(`${name}: no api ${String(command)}`);
  return hit[1];
}
