// Desk phones of SIPCall users, as many at once as a test wants: SIPp calls
// through the switch's user profile, answering its digest challenge with each
// user's own session SIP credentials (one SIPp a phone: SIPp takes digest
// credentials from its command line only). The phones' audio is this
// process's: the offer points the switch at a socket here, SIPp writes down where
// the switch's answer wants the audio, and from then on the socket sends each
// call a G.711 tone from the address it offered (symmetric RTP, as phones
// behind NAT must, so the switch keeps sending there) and counts what comes
// back. The calls last until the switch ends them (a BYE).
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countRtp, type RtpStream } from './carrier.js';
import { Proc } from './stack.js';

export interface DeskPhone {
  /** The SIP user name: the SIPCall user's id. */
  username: string;
  password: string;
  /** What it dials. */
  number: string;
}

/** One second of a 440 Hz tone, µ-law (RTP payload type 0), 8 kHz: fifty packets of 20 ms. */
function toneUlaw(): Buffer {
  const out = Buffer.alloc(8000);
  for (let i = 0; i < out.length; i++) out[i] = linearToUlaw(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  return out;
}

/** G.711 µ-law encoding of one 16-bit sample (ITU-T G.711). */
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa);
  return s & 0xff;
}

/** How a phone's call ends: it waits for the switch's BYE, or it hangs up itself after holding the call. */
export type CallEnd = { waitForBye: true } | { holdMs: number };

/**
 * A SIPp scenario for one call from a SIPCall user's phone: the INVITE, the
 * switch's digest challenge answered (SIPp's -au/-ap), the answer, then the
 * end. `[service]` is the SIP user, `[number]` (a -key) what it dials;
 * with `noteAnswer` the media port of the switch's answer is written to the
 * file `[answerfile]` (a -key) names.
 */
export function phoneScenario(o: { switchPort: number; mediaPort: number | string; end: CallEnd; noteAnswer?: boolean }): string {
  const sdp = ['v=0', 'o=phone 1 1 IN IP4 127.0.0.1', 's=phone', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${o.mediaPort} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=ptime:20', 'a=sendrecv', ''].join('\n');
  const uri = `sip:[number]@127.0.0.1:${o.switchPort}`;
  const from = 'From: <sip:[service]@127.0.0.1>;tag=[pid]phone[call_number]';
  const invite = (cseq: number, auth: boolean) =>
    [
      `INVITE ${uri} SIP/2.0`,
      'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]',
      from,
      'To: <sip:[number]@127.0.0.1>',
      'Call-ID: [call_id]',
      `CSeq: ${cseq} INVITE`,
      'Contact: <sip:[service]@[local_ip]:[local_port]>',
      'Max-Forwards: 70',
      ...(auth ? ['[authentication]'] : []),
      'Content-Type: application/sdp',
      'Content-Length: [len]',
      '',
      sdp,
    ].join('\n');
  const ack = (cseq: number) => [`ACK ${uri} SIP/2.0`, '[last_Via:]', from, '[last_To:]', 'Call-ID: [call_id]', `CSeq: ${cseq} ACK`, 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n');
  const noted = o.noteAnswer
    ? `<action><ereg regexp="m=audio ([0-9]+)" search_in="body" check_it="true" assign_to="media,port"/><exec command="echo 'answer [$port] ([$media])' | tee [answerfile]"/></action>`
    : '';
  const bye = [`BYE ${uri} SIP/2.0`, 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]', from, '[last_To:]', 'Call-ID: [call_id]', 'CSeq: 3 BYE', 'Max-Forwards: 70', 'Content-Length: 0', ''].join('\n');
  const ending =
    'waitForBye' in o.end
      ? `  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>`
      : `  <pause milliseconds="${o.end.holdMs}"/>
  <send retrans="500"><![CDATA[
${bye}]]></send>
  <recv response="200"/>`;
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<scenario name="a SIPCall user's phone">
  <send retrans="500"><![CDATA[
${invite(1, false)}]]></send>
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  <send><![CDATA[
${ack(1)}]]></send>
  <send retrans="500"><![CDATA[
${invite(2, true)}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true">${noted}</recv>
  <send><![CDATA[
${ack(2)}]]></send>
${ending}
</scenario>
`;
}

export class DeskPhones {
  private readonly procs: Proc[] = [];
  private readonly watchers: NodeJS.Timeout[] = [];
  private sender: NodeJS.Timeout | undefined;
  private media: Socket | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sipcall-phones-'));
  /** What the switch sent the phones, by source (one call each). */
  readonly streams = new Map<string, RtpStream>();
  /** Resolves, once every phone's call has ended, to how many ended otherwise than by the switch's BYE. */
  exited: Promise<number> = Promise.resolve(0);

  constructor(
    /** The switch's user profile (UDP). */
    readonly switchPort: number,
  ) {}

  /** Places one call per phone, `perSecond` a second; resolves once every SIPp is started. */
  async call(phones: readonly DeskPhone[], perSecond: number): Promise<void> {
    const media = createSocket('udp4');
    media.on('message', (packet, from) => countRtp(this.streams, packet, from));
    await new Promise<void>((resolve) => media.bind(0, '127.0.0.1', resolve));
    this.media = media;
    const tone = toneUlaw();
    const streams: Array<{ port: number; seq: number; ssrc: number }> = [];
    this.sender = setInterval(() => {
      for (const st of streams) {
        // 20 ms of the tone: 160 samples, a 12-byte RTP header (version 2, PCMU).
        const packet = Buffer.alloc(172);
        packet[0] = 0x80;
        packet[1] = 0;
        packet.writeUInt16BE(st.seq & 0xffff, 2);
        packet.writeUInt32BE((st.seq * 160) >>> 0, 4);
        packet.writeUInt32BE(st.ssrc, 8);
        tone.copy(packet, 12, (st.seq % 50) * 160, (st.seq % 50) * 160 + 160);
        st.seq++;
        media.send(packet, st.port, '127.0.0.1');
      }
    }, 20);
    writeFileSync(path.join(this.dir, 'phone.xml'), phoneScenario({ switchPort: this.switchPort, mediaPort: media.address().port, end: { waitForBye: true }, noteAnswer: true }));
    const exits: Array<Promise<number>> = [];
    for (const [i, phone] of phones.entries()) {
      const child = spawn(
        'sipp',
        [`127.0.0.1:${this.switchPort}`, '-sf', 'phone.xml', '-s', phone.username, '-au', phone.username, '-ap', phone.password, '-key', 'number', phone.number, '-i', '127.0.0.1', '-p', '0', '-m', '1', '-nostdin', '-trace_err', '-error_file', `errors-${i}.log`, '-key', 'answerfile', `answer-${i}.txt`],
        { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const proc = new Proc(`phone-${i}`, child);
      this.procs.push(proc);
      this.watchAnswer(path.join(this.dir, `answer-${i}.txt`), (port) => streams.push({ port, seq: 0, ssrc: 0x5a000000 + i }));
      exits.push(new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1))));
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
    this.exited = Promise.all(exits).then((codes) => codes.filter((c) => c !== 0).length);
  }

  /** Calls back once with the media port the switch's answer names, as SIPp wrote it down. */
  private watchAnswer(file: string, found: (port: number) => void): void {
    const timer = setInterval(() => {
      const m = existsSync(file) ? /answer (\d+)/.exec(readFileSync(file, 'utf8')) : null;
      if (!m) return;
      clearInterval(timer);
      found(Number(m[1]));
    }, 50);
    this.watchers.push(timer);
  }

  /** What the SIPps that failed said, and the messages they did not expect, for a failure message. */
  tail(): string {
    return this.procs
      .map((p, i) => {
        const errors = path.join(this.dir, `errors-${i}.log`);
        return p.child.exitCode === 0 ? '' : `${p.name}: ${p.tail(8)}\n${existsSync(errors) ? readFileSync(errors, 'utf8').slice(-1500) : ''}`;
      })
      .filter(Boolean)
      .slice(0, 3)
      .join('\n');
  }

  received(): RtpStream[] {
    return [...this.streams.values()].sort((a, b) => b.packets - a.packets);
  }

  async dispose(): Promise<void> {
    clearInterval(this.sender);
    this.watchers.forEach((w) => clearInterval(w));
    await Promise.all(this.procs.map((p) => p.stop()));
    this.media?.close();
    this.media = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
