// bench:switch — what a core of FreeSWITCH carries with SIPCall routing its
// calls, on a real switch (SIPCALL_TEST_FREESWITCH names its binary; without
// one this says so and ends). A SIPCall user's desk phone (SIPp, answering
// the digest challenge with the user's session SIP credentials) places calls
// to German numbers at rising rates; for each, the switch asks SIPCall's
// directory and dialplan, bridges to a SIPp carrier that takes G.711, holds
// the call HOLD_MS, and posts two call records. For each rate: calls
// answered and failed, and the CPU time the switch and the backend spent per
// call (from /proc), hence calls set up a second per core of each. It sizes
// deployments (freeswitch/README.md); it is no target. Everything binds to
// 127.0.0.1 (SIP 5060, 5080, 5090; ESL 8021). The last line is one JSON object.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Carrier, sippMissing } from '../frontend/e2e/support/carrier.js';
import { phoneScenario } from '../frontend/e2e/support/phones.js';
import { Backend, freePort, type Proc } from '../frontend/e2e/support/stack.js';
import { startFreeSwitch, switchBackendEnv, switchModulesMissing } from '../frontend/e2e/support/switch.js';

const binary = process.env['SIPCALL_TEST_FREESWITCH'];
const RATES = (process.env['BENCH_RATES'] ?? '5,10,20,40').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const HOLD_MS = 2000;
const progress = (msg: string) => process.stderr.write(`${msg}\n`);

const missing = !binary ? 'set SIPCALL_TEST_FREESWITCH to a FreeSWITCH 1.10 binary' : sippMissing();
const unusable = binary ? switchModulesMissing(binary) : null;
if (unusable) throw new Error(`bench:switch: ${unusable}`);
if (missing) {
  progress(`bench:switch: skipped: ${missing}`);
  process.stdout.write(`${JSON.stringify({ bench: 'switch', skipped: missing })}\n`);
  process.exit(0);
}

const ESL_PASSWORD = 'bench-esl-password-4711';
const SWITCH_HTTP_PASSWORD = 'bench-switch-http-password';
const ADMIN = { email: 'bench@example.test', password: 'the bench admin has a long password', name: 'Bench' };

/** CPU seconds a process has used so far (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-bench-switch-'));
let freeswitch: Proc | null = null;
let backend: Backend | null = null;
let carrier: Carrier | null = null;
try {
  progress('starting the backend and the switch…');
  const backendPort = await freePort();
  backend = new Backend({
    port: backendPort,
    env: {
      ...switchBackendEnv(ESL_PASSWORD, SWITCH_HTTP_PASSWORD),
      SIPCALL_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      SIPCALL_BOOTSTRAP_ADMIN_NAME: ADMIN.name,
      GLOBAL_MAX_CONCURRENT_CALLS: '1000',
      GLOBAL_CALLS_PER_SECOND: '1000',
      USER_MAX_CONCURRENT_CALLS: '100',
      USER_CALLS_PER_SECOND: '100',
    },
  });
  freeswitch = startFreeSwitch({
    binary: binary!,
    dir,
    backendUrl: `http://127.0.0.1:${backendPort}`,
    eslPassword: ESL_PASSWORD,
    switchHttpPassword: SWITCH_HTTP_PASSWORD,
    env: { SIPCALL_MAX_CALLS: '1000', SIPCALL_CALLS_PER_SECOND: '1000' },
  });
  await backend.start();
  carrier = new Carrier(5090, 'g711');
  await carrier.start();
  const { accessToken } = await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: ADMIN.email, password: ADMIN.password });
  const sip = await backend.api<{ username: string; password: string }>('POST', '/api/sip/credentials', accessToken);
  writeFileSync(path.join(dir, 'phone.xml'), phoneScenario({ switchPort: 5060, mediaPort: '[media_port]', end: { holdMs: HOLD_MS } }));
  const fsPid = freeswitch.child.pid!;
  const backendPid = backend.proc!.child.pid!;

  const results: Array<{ cps: number; calls: number; answered: number; failed: number; fs_cpu_ms_per_call: number; backend_cpu_ms_per_call: number }> = [];
  for (const cps of RATES) {
    const calls = cps * SECONDS;
    progress(`${calls} calls at ${cps} a second, each held ${HOLD_MS} ms…`);
    const [fs0, be0] = [cpuSeconds(fsPid), cpuSeconds(backendPid)];
    const r = spawnSync(
      'sipp',
      ['127.0.0.1:5060', '-sf', 'phone.xml', '-s', sip.username, '-key', 'number', '+4930555000', '-au', sip.username, '-ap', sip.password, '-i', '127.0.0.1', '-mi', '127.0.0.1', '-p', '0', '-r', String(cps), '-m', String(calls), '-l', String(Math.ceil(cps * (HOLD_MS / 1000 + 2))), '-nostdin', '-timeout', `${SECONDS * 6 + 30}s`],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const [fs1, be1] = [cpuSeconds(fsPid), cpuSeconds(backendPid)];
    const count = (label: string) => Number(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(r.stdout)?.[1] ?? NaN);
    const answered = count('Successful call');
    const failed = count('Failed call');
    const perCall = (seconds: number) => Math.round((seconds * 1000 * 100) / Math.max(1, answered)) / 100;
    results.push({ cps, calls, answered, failed, fs_cpu_ms_per_call: perCall(fs1 - fs0), backend_cpu_ms_per_call: perCall(be1 - be0) });
    progress(`  answered ${answered}, failed ${failed}; switch ${perCall(fs1 - fs0)} ms CPU a call, backend ${perCall(be1 - be0)} ms`);
  }
  // The busiest rate at which every call was answered is the one to read.
  const clean = results.filter((x) => x.failed === 0 && x.answered === x.calls).at(-1) ?? results[0]!;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'switch',
      hold_ms: HOLD_MS,
      rates: results,
      fs_cps_per_core: Math.round(1000 / clean.fs_cpu_ms_per_call),
      backend_cps_per_core: Math.round(1000 / clean.backend_cpu_ms_per_call),
    })}\n`,
  );
} finally {
  await carrier?.dispose();
  await freeswitch?.stop();
  await backend?.dispose();
  rmSync(dir, { recursive: true, force: true });
}
