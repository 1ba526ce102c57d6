// bench:esl-ingest — how fast the backend takes in switch events.
//
// A local server replays the real captured call events (json, then plain) at
// full speed to (a) our ESL client with the live-call registry attached,
// (b) modesl, the old npm client, (c) esl-lite, the maintained npm client, and
// (d) a bare Content-Length splitter that does nothing but cut frames. A
// round a client library cannot take in full is counted as failed, with the
// reason, and left out of its median (null if no round finished). Then: RSS
// of a process holding 10,000 live calls in the registry, and the time to
// reconcile 1,000 calls from the test peer over a real ESL link. The last
// line is one JSON object.
import { spawn, spawnSync } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FreeSwitchClient } from 'esl-lite';
import modesl from 'modesl';
import { CallTracker } from '../backend/src/calls/call-tracker.js';
import { MemoryLiveCallStore } from '../backend/src/calls/live-call-store.js';
import { EslClient } from '../backend/src/switch/esl/client.js';
import { CALL_EVENT_NAMES } from '../backend/src/switch/event-names.js';
import { channelEventOf } from '../backend/src/switch/events.js';
import { SwitchPool } from '../backend/src/switch/switches.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics/metrics.js';
import { FreeSwitchPeer, PEER_PASSWORD } from '../backend/test/support/freeswitch-peer.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 60_000);
const ROUNDS = 5;
const WARM_UP = 5_000;
/** For profiling one contender: BENCH_ONLY=ours (the comparison then is incomplete). */
const ONLY = process.env['BENCH_ONLY'];
const log = createLogger('silent');
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

type Format = 'json' | 'plain';
type Contender = 'ours' | 'modesl' | 'esl-lite' | 'raw';
const CONTENDERS: readonly Contender[] = ['raw', 'ours', 'modesl', 'esl-lite'];
/** A round that has seen no event for this long has stalled: the contender lost or refused the rest. */
const STALL_MS = 5_000;

/**
 * The replay server runs in its own process, so the client under test has a
 * core to itself and the server's writes never share its event loop.
 */
async function replayServer(format: Format, total: number): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./esl-replay-server.ts', import.meta.url)), format, String(total)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`replay server exited (${code})`)));
  });
  return { port, stop: () => child.kill() };
}

/** Events per second for one contender receiving `total` events. */
async function run(contender: Contender, format: Format, port: number, total: number): Promise<number> {
  const seconds =
    contender === 'ours'
      ? await ours(port, format, total)
      : contender === 'modesl'
        ? await viaModesl(port, format, total)
        : contender === 'esl-lite'
          ? await viaEslLite(port, format, total)
          : await raw(port, format, total);
  return Math.round(total / seconds);
}

async function ours(port: number, format: Format, total: number): Promise<number> {
  let count = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const client = await EslClient.connect({
    host: '127.0.0.1',
    port,
    password: 'x',
    observer: {
      event: () => {
        if (++count === total) resolveDone();
      },
    },
  });
  // The registry attached as in production: the tracked events decoded and applied, the rest skipped.
  const tracker = new CallTracker({ store: new MemoryLiveCallStore(), metrics: createMetrics(), log });
  for (const name of CALL_EVENT_NAMES) {
    client.on(name, (e) => void tracker.apply('bench', channelEventOf(e)!));
  }
  const started = performance.now();
  await client.subscribe(['ALL'], format);
  await done;
  const seconds = (performance.now() - started) / 1000;
  await tracker.settled('bench');
  client.destroy('bench done');
  return seconds;
}

async function viaModesl(port: number, format: Format, total: number): Promise<number> {
  return new Promise((resolve) => {
    let count = 0;
    let started = 0;
    const conn = new modesl.Connection('127.0.0.1', port, 'x', () => {
      started = performance.now();
      conn.events(format, 'all');
    });
    conn.on('esl::event::**', (_event: unknown, headers: Record<string, string> | undefined) => {
      if (!headers?.['Content-Type']?.startsWith('text/event-')) return;
      if (++count === total) {
        const seconds = (performance.now() - started) / 1000;
        conn.disconnect();
        resolve(seconds);
      }
    });
    conn.on('error', () => undefined);
  });
}

/**
 * esl-lite subscribes with `event json NAME` whenever a handler is added, and
 * again after every (re)connection; its API has no plain subscription. Its
 * parser does decode text/event-plain, so the plain round asks for it through
 * `send`, which the library keeps protected for subclasses. On a real switch
 * the last `event` command sets the format, so this holds only until the next
 * reconnection, when esl-lite subscribes in JSON again.
 */
class EslLiteClient extends FreeSwitchClient {
  subscribePlain(timeoutMs: number) {
    return this.send('event plain ALL', {}, undefined, timeoutMs);
  }
}

function eslLiteTroubles(client: EslLiteClient): string {
  const s = client.stats;
  return `connections ${s.authRequest}, frames without Content-Type ${s.missingContentType}, without Event-Name ${s.missingEventName}, bad bodies ${s.bodyParseErrors}, unhandled ${s.unhandled}`;
}

async function viaEslLite(port: number, format: Format, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    // esl-lite connects on its own from the constructor, so the clock starts here (connect and auth included, as for raw).
    const started = performance.now();
    const client = new EslLiteClient({ host: '127.0.0.1', port, password: 'x', logger: log });
    let seen = -1;
    const watchdog = setInterval(() => {
      if (count !== seen) {
        seen = count;
        return;
      }
      clearInterval(watchdog);
      client.end();
      reject(new Error(`stalled at ${count} of ${total} events (${eslLiteTroubles(client)})`));
    }, STALL_MS);
    client.on('ALL', () => {
      if (++count === total) {
        const seconds = (performance.now() - started) / 1000;
        clearInterval(watchdog);
        client.end();
        // A frame it cannot read makes esl-lite drop the connection and reconnect; a new connection must not fill the count.
        const s = client.stats;
        if (s.authRequest !== 1n || s.missingContentType + s.missingEventName + s.bodyParseErrors + s.unhandled > 0n) reject(new Error(`counted ${total} events, but ${eslLiteTroubles(client)}`));
        else resolve(seconds);
      }
    });
    if (format === 'plain') {
      void client.subscribePlain(STALL_MS).then((reply) => {
        if (reply instanceof Error) progress(`  esl-lite: event plain ALL answered ${reply.name}: ${reply.message}`);
      });
    }
  });
}

/** The floor: cut frames by Content-Length and count them, nothing else. */
async function raw(port: number, format: Format, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    let buffer: Buffer = Buffer.alloc(0);
    let count = -3; // auth/request and two command replies precede the events
    let started = 0;
    socket.on('connect', () => {
      started = performance.now();
      socket.write(`auth x\n\nevent ${format} ALL\n\n`);
    });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let pos = 0;
      for (;;) {
        const end = buffer.indexOf('\n\n', pos);
        if (end < 0) break;
        const m = /Content-Length: (\d+)/.exec(buffer.toString('latin1', pos, end));
        const next = end + 2 + (m ? Number(m[1]) : 0);
        if (next > buffer.length) break;
        pos = next;
        if (++count === total) {
          socket.destroy();
          resolve((performance.now() - started) / 1000);
          return;
        }
      }
      buffer = buffer.subarray(pos);
    });
  });
}

/** RSS of a fresh process holding 10,000 live calls, measured in a child so nothing else counts. */
function rssWith10kCalls(): number {
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(new URL('./registry-rss.ts', import.meta.url))], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`registry-rss failed: ${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { rss_mb: number }).rss_mb;
}

/** Time to rebuild 1,000 calls (2,000 channels) from the test peer over a real ESL link. */
async function reconcile1k(): Promise<number> {
  const peer = await FreeSwitchPeer.start({ answerAfterMs: null });
  for (let i = 0; i < 1000; i++) peer.placeCall({ sipUser: `u${i}`, destination: `+4930${String(i).padStart(6, '0')}`, answer: false });
  const metrics = createMetrics();
  const pool = new SwitchPool({ nodes: [{ name: 'peer', host: '127.0.0.1', port: peer.port, password: PEER_PASSWORD }], log, metrics });
  pool.start();
  while (pool.states()['peer'] !== 'ready') await new Promise((r) => setTimeout(r, 10));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const store = new MemoryLiveCallStore();
    const tracker = new CallTracker({ store, metrics, log });
    const started = performance.now();
    await tracker.reconcile(pool.get('peer'));
    times.push(performance.now() - started);
    const calls = await store.list();
    if (calls.length !== 1000 || calls.some((c) => c.legs.length !== 2)) throw new Error(`reconcile built ${calls.length} calls`);
  }
  await pool.stop();
  await peer.stop();
  return Math.round(median(times));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const result: Record<Format, Record<Contender, number | null>> = {
    json: { ours: 0, modesl: 0, 'esl-lite': 0, raw: 0 },
    plain: { ours: 0, modesl: 0, 'esl-lite': 0, raw: 0 },
  };
  // Rounds a client library could not finish, and why: reported, never averaged in.
  const failedRounds: Record<Format, Partial<Record<Contender, number>>> = { json: {}, plain: {} };
  const failures = new Set<string>();
  for (const format of ['json', 'plain'] as const) {
    const warm = await replayServer(format, WARM_UP);
    const full = await replayServer(format, EVENTS);
    for (const contender of CONTENDERS.filter((c) => !ONLY || c === ONLY)) {
      const library = contender === 'modesl' || contender === 'esl-lite';
      if (library) failedRounds[format][contender] = 0;
      const rates: number[] = [];
      for (let i = -1; i < ROUNDS; i++) {
        try {
          // Round -1 warms up on the short replay and is not counted.
          const rate = await run(contender, format, i < 0 ? warm.port : full.port, i < 0 ? WARM_UP : EVENTS);
          if (i >= 0) rates.push(rate);
        } catch (err) {
          // Ours or the floor failing is a broken bench; a library failing is a finding.
          if (!library) throw err;
          const reason = `${format} ${contender}: ${(err as Error).message}`;
          failures.add(reason.replace(/\d+ of \d+ events/, 'N events'));
          if (i >= 0) failedRounds[format][contender]! += 1;
          progress(`${format.padEnd(5)} ${contender.padEnd(8)} ${i < 0 ? 'warm-up' : `round ${i + 1}`} failed: ${(err as Error).message}`);
        }
      }
      result[format][contender] = rates.length ? median(rates) : null;
      const failed = failedRounds[format][contender] ? `, ${failedRounds[format][contender]} of ${ROUNDS} rounds failed` : '';
      progress(`${format.padEnd(5)} ${contender.padEnd(8)} ${rates.length ? `${median(rates).toLocaleString('en')} events/s` : 'no round finished'} (rounds: ${rates.join(', ')}${failed})`);
    }
    warm.stop();
    full.stop();
    const r = result[format];
    const times = (other: number | null) => (r.ours && other ? `${(r.ours / other).toFixed(1)}x` : 'n/a');
    progress(`${format.padEnd(5)} ours/modesl ${times(r.modesl)}   ours/esl-lite ${times(r['esl-lite'])}   ours/raw ${r.ours && r.raw ? `${((100 * r.ours) / r.raw).toFixed(0)}%` : 'n/a'}`);
  }
  progress('registry: RSS with 10,000 live calls…');
  const rss = rssWith10kCalls();
  progress(`registry: ${rss} MB`);
  progress('reconcile: 1,000 calls from the test peer…');
  const reconcileMs = await reconcile1k();
  progress(`reconcile: ${reconcileMs} ms`);
  // The one line of results, on stdout; everything else went to stderr.
  process.stdout.write(
    `${JSON.stringify({ bench: 'esl-ingest', json: result.json, plain: result.plain, rss_mb_10k_calls: rss, reconcile_ms_1k_calls: reconcileMs, failed_rounds: failedRounds, ...(failures.size ? { failures: [...failures] } : {}) })}\n`,
  );
}

await main();
