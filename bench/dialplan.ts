// bench:dialplan — how fast the backend answers FreeSWITCH's "what do I do
// with this call?". The real captured mod_xml_curl dialplan request (each with
// a new call id and one of 1,000 users, dialling a German number) is posted
// flat out, to a bare Express endpoint that parses the same form and then to
// the application; then both at a fixed half of the bare endpoint's max rate
// (open loop, latency from the scheduled send time), and the application again
// at that rate with prepaid callers (each decision locks the caller's account,
// prices the number by a 50,000-row sell deck and holds what the call may cost). The rate is taken from
// the same run because the machine's speed varies from day to day. The server
// runs in its own process. The last line is one JSON object.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { httpCapture } from '../backend/test/support/fixtures.js';
import { fixedRate, maxRate, type Target } from './load.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

const child = spawn(process.execPath, [...process.execArgv, ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['BENCH_PROFILE']] : []), fileURLToPath(new URL('./dialplan-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise<{ app: number; bare: number; users: number }>((resolve, reject) => {
  child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { app: number; bare: number; users: number }));
  child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
});

// Bodies are made before the clock starts: the generator must not be the bottleneck.
const template = new URLSearchParams(httpCapture('xml-curl-dialplan-internal-user.http').body.toString('latin1'));
const BODIES = 20_000;
/** The first thousand users are billed to no account; the second thousand are prepaid. */
const bodiesOf = (firstUser: number) =>
  Array.from({ length: BODIES }, (_, i) => {
    const form = new URLSearchParams(template);
    form.set('Unique-ID', randomUUID());
    form.set('variable_sipcall_user_id', `00000000-0000-4000-8000-${String((i % ports.users) + firstUser).padStart(12, '0')}`);
    form.set('Hunt-Destination-Number', '030 1234567');
    return form.toString();
  });
const bodies = bodiesOf(1);
const prepaidBodies = bodiesOf(ports.users + 1);
let round = 0;
let reported = false;
const randomTail = randomUUID().slice(-12);
const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('freeswitch:bench-switch-password').toString('base64')}` };
/** Each run gets call ids never used before (a repeated id would find its slot taken already). */
const target = (port: number, callers = bodies): Target => {
  const offset = round++ * 1_000_000;
  return {
    port,
    path: '/freeswitch/xml',
    headers,
    body: (n) => callers[n % BODIES]!.replace(/Unique-ID=[0-9a-f-]{36}/, `Unique-ID=${(offset + n).toString(16).padStart(8, '0')}-0000-4000-8000-${randomTail}`),
    check: (status, body) => {
      const ok = status === 200 && (port !== ports.app || body.includes('sofia/gateway/trunk/+49301234567'));
      if (!ok && !reported) {
        reported = true;
        progress(`  first unexpected answer: ${status} ${body.slice(0, 300)}`);
      }
      return ok;
    },
  };
};

try {
  progress('warming up…');
  await maxRate(target(ports.app), 8, 3);
  await maxRate(target(ports.bare), 8, 2);

  progress(`bare Express flat out (16 connections) for ${SECONDS} s…`);
  const bare = await maxRate(target(ports.bare), 16, SECONDS);
  progress(`  ${bare.rps} req/s, p99 ${bare.p99} ms`);

  progress(`ours flat out (16 connections) for ${SECONDS} s…`);
  const max = await maxRate(target(ports.app), 16, SECONDS);
  progress(`  ${max.rps} req/s, errors ${max.errors}, p99 ${max.p99} ms`);
  progress(`ours/bare: ${((100 * max.rps) / bare.rps).toFixed(0)}%`);

  const half = Math.max(1, Math.round(bare.rps / 2));
  if (half > max.rps) progress(`  note: half the bare maximum is above ours' maximum, so ours queues at that rate and its p99 measures the queue`);
  progress(`ours at a fixed ${half} req/s (half the bare maximum) for ${SECONDS} s…`);
  const fixed = await fixedRate(target(ports.app), half, SECONDS);
  progress(`  sent ${fixed.sent}, errors ${fixed.errors}, p50 ${fixed.p50} ms, p99 ${fixed.p99} ms, p99.9 ${fixed.p999} ms, max ${fixed.max} ms`);

  progress(`bare Express at a fixed ${half} req/s for ${SECONDS} s…`);
  const bareFixed = await fixedRate(target(ports.bare), half, SECONDS);
  progress(`  p50 ${bareFixed.p50} ms, p99 ${bareFixed.p99} ms, p99.9 ${bareFixed.p999} ms`);

  progress(`ours with prepaid callers flat out (16 connections) for ${SECONDS} s…`);
  const prepaidMax = await maxRate(target(ports.app, prepaidBodies), 16, SECONDS);
  progress(`  ${prepaidMax.rps} req/s, errors ${prepaidMax.errors}, p99 ${prepaidMax.p99} ms`);
  progress(`ours with prepaid callers at a fixed ${half} req/s for ${SECONDS} s…`);
  const prepaid = await fixedRate(target(ports.app, prepaidBodies), half, SECONDS);
  progress(`  sent ${prepaid.sent}, errors ${prepaid.errors}, p50 ${prepaid.p50} ms, p99 ${prepaid.p99} ms, p99.9 ${prepaid.p999} ms, max ${prepaid.max} ms`);

  if (fixed.errors > 0 || max.errors > 0 || prepaid.errors > 0 || prepaidMax.errors > 0) throw new Error(`${fixed.errors + max.errors + prepaid.errors + prepaidMax.errors} answers were not a bridge to the trunk`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'dialplan', max_rps: max.rps, bare_rps: bare.rps, half_rps: half, p99_ms_at_half: fixed.p99, bare_p99_ms_at_half: bareFixed.p99, prepaid_max_rps: prepaidMax.rps, prepaid_p99_ms: prepaid.p99 })}\n`,
  );
} finally {
  child.kill();
}
