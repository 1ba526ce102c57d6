// A carrier at the far end of the trunk, offering what real ones offer: SIPp
// answers the switch's calls (100, 180, 200 with SDP; then the BYE) with
// G.711 only, or with opus when the switch offers it. The answer points the
// media at an echo in this process, which counts what arrives per call and
// payload type and sends each packet back, so audio flows both ways through
// the switch and both directions are measured.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Proc } from './stack.js';

export type CarrierCodecs = 'g711' | 'opus';

/** RTP seen from one source (one call's leg). */
export interface RtpStream {
  source: string;
  packets: number;
  payloadTypes: Set<number>;
}

/** Counts an RTP packet (version 2) by its source into `streams`; false for anything else. */
export function countRtp(streams: Map<string, RtpStream>, packet: Buffer, from: { address: string; port: number }): boolean {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return false;
  const source = `${from.address}:${from.port}`;
  let s = streams.get(source);
  if (!s) streams.set(source, (s = { source, packets: 0, payloadTypes: new Set() }));
  s.packets++;
  s.payloadTypes.add(packet[1]! & 0x7f);
  return true;
}

/** RTP payload types of the answer: PCMU is 0; opus takes whatever type the offer gave it. */
function answerSdp(codecs: CarrierCodecs, mediaPort: number): string {
  const media =
    codecs === 'g711'
      ? [`m=audio ${mediaPort} RTP/AVP 0 8 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000']
      : // [$offered] is the offer's own line, "a=rtpmap:<type> opus/48000".
        [`m=audio ${mediaPort} RTP/AVP [$opus] 101`, '[$offered]/2', 'a=fmtp:[$opus] useinbandfec=1'];
  return ['v=0', 'o=carrier 1 1 IN IP4 127.0.0.1', 's=carrier', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv', ''].join('\n');
}

/** One answer of the scenario; SIPp fills the [fields] and turns the line ends into CRLF. */
function reply(status: string, extra: string[] = [], sdp = ''): string {
  const head = [`SIP/2.0 ${status}`, '[last_Via:]', '[last_From:]', '[last_To:];tag=[pid]carrier[call_number]', '[last_Call-ID:]', '[last_CSeq:]', ...extra];
  if (sdp) head.push('Content-Type: application/sdp');
  return `\n${[...head, 'Content-Length: [len]', '', sdp].join('\n')}`;
}

function scenario(codecs: CarrierCodecs, mediaPort: number): string {
  // The opus answer takes the payload type the switch offered opus with.
  const pick = codecs === 'opus' ? '<action><ereg regexp="a=rtpmap:([0-9]+) opus/48000" search_in="body" check_it="true" assign_to="offered,opus"/></action>' : '';
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<scenario name="carrier ${codecs}">
  <recv request="INVITE" crlf="true">${pick}</recv>
  <send><![CDATA[${reply('100 Trying')}]]></send>
  <send><![CDATA[${reply('180 Ringing')}]]></send>
  <pause milliseconds="300"/>
  <send retrans="500"><![CDATA[${reply('200 OK', ['Contact: <sip:carrier@[local_ip]:[local_port];transport=[transport]>'], answerSdp(codecs, mediaPort))}]]></send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[${reply('200 OK')}]]></send>
</scenario>
`;
}

export class Carrier {
  private proc: Proc | null = null;
  private echo: Socket | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'sipcall-carrier-'));
  readonly streams = new Map<string, RtpStream>();

  constructor(
    /** Where the switch's trunk gateway sends its calls (SIPCALL_TRUNK_PROXY). */
    readonly sipPort: number,
    readonly codecs: CarrierCodecs,
  ) {}

  async start(): Promise<void> {
    const echo = createSocket('udp4');
    echo.on('message', (packet, from) => {
      if (!countRtp(this.streams, packet, from)) return;
      // Back to where it came from, under a source of its own.
      packet.writeUInt32BE(0x0ca441e5, 8);
      echo.send(packet, from.port, from.address);
    });
    await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
    this.echo = echo;
    const file = path.join(this.dir, 'carrier.xml');
    writeFileSync(file, scenario(this.codecs, echo.address().port));
    const child = spawn('sipp', ['-sf', file, '-i', '127.0.0.1', '-p', String(this.sipPort), '-nostdin', '-trace_err', '-error_file', path.join(this.dir, 'errors.log')], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = new Proc(`carrier-${this.codecs}`, child);
    // Ready once SIPp holds its SIP port (an early exit is a bad scenario or a taken port).
    const deadline = Date.now() + 15_000;
    while (!udpListening(this.sipPort)) {
      if (child.exitCode !== null) throw new Error(`SIPp exited (${child.exitCode}): ${this.proc.tail()}`);
      if (Date.now() > deadline) throw new Error(`SIPp did not bind 127.0.0.1:${this.sipPort}: ${this.proc.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Streams the switch sent to this carrier, busiest first. */
  received(): RtpStream[] {
    return [...this.streams.values()].sort((a, b) => b.packets - a.packets);
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
    this.echo?.close();
    this.echo = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function udpListening(port: number): boolean {
  return spawnSync('ss', ['-Huln', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim() !== '';
}

/** Why SIPp cannot run here, or null when it can. */
export function sippMissing(): string | null {
  const found = (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => existsSync(path.join(dir, 'sipp')));
  return found ? null : 'SIPp is not installed (apt-get install sip-tester)';
}
