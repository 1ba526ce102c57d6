// A real FreeSWITCH for the tests and benchmarks that need one: the binary
// SIPCALL_TEST_FREESWITCH names, run with the repository's freeswitch/
// configuration (its own folders under a scratch directory), pointed at a
// SIPCall backend, on 127.0.0.1 (SIP 5060 and 5080, WS 5066, ESL 8021).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Proc, root } from './stack.js';

export interface SwitchOptions {
  binary: string;
  /** A scratch folder: the switch's log, db, run, certs, cache, storage and call-record spool go beneath it. */
  dir: string;
  backendUrl: string;
  eslPassword: string;
  switchHttpPassword: string;
  /** More SIPCALL_* settings for freeswitch/vars.xml (the switch's limits follow SIPCall's caps). */
  env?: Record<string, string>;
  /** Keep the switch's console (its log on stdout, shown when a test fails). */
  console?: boolean;
}

/** What a backend needs to drive the switch `startFreeSwitch` runs. */
export function switchBackendEnv(eslPassword: string, switchHttpPassword: string): Record<string, string> {
  return {
    FREESWITCH_NODES: `esl://:${eslPassword}@127.0.0.1:8021`,
    SWITCH_HTTP_PASSWORD: switchHttpPassword,
    SIP_DOMAIN: '127.0.0.1',
    SIP_WSS_URL: 'ws://127.0.0.1:5066',
  };
}

/**
 * The modules freeswitch/ loads (autoload_configs/modules.conf.xml) that the
 * binary's build lacks, said as the reason the switch would not do its part
 * (no mod_json_cdr: no call records, and tests waiting for them time out);
 * null when it has them all, or when its module folder is not where a build
 * or Debian's packages put it (the switch's own log then says).
 */
export function switchModulesMissing(binary: string): string | null {
  const conf = readFileSync(path.join(root, 'freeswitch/autoload_configs/modules.conf.xml'), 'utf8');
  const wanted = [...conf.matchAll(/<load module="([a-z0-9_]+)"/g)].map((m) => m[1]!);
  const bin = path.dirname(binary);
  const dir = [path.resolve(bin, '../mod'), path.resolve(bin, '../lib/freeswitch/mod'), '/usr/lib/freeswitch/mod'].find((d) => existsSync(d));
  if (!dir) return null;
  const missing = wanted.filter((m) => !existsSync(path.join(dir, `${m}.so`)));
  return missing.length === 0 ? null : `the FreeSWITCH at ${binary} has no ${missing.join(', ')} in ${dir}, which freeswitch/autoload_configs/modules.conf.xml loads`;
}

export function startFreeSwitch(o: SwitchOptions): Proc {
  const folder = (name: string) => {
    const f = path.join(o.dir, name);
    mkdirSync(f, { recursive: true });
    return f;
  };
  const args = ['-nonat', '-nf', ...(o.console ? [] : ['-nc']), '-conf', path.join(root, 'freeswitch')];
  for (const name of ['log', 'db', 'run', 'certs', 'cache', 'storage']) args.push(`-${name}`, folder(name));
  return new Proc(
    'freeswitch',
    spawn(o.binary, args, {
      env: {
        PATH: process.env['PATH'] ?? '',
        SIPCALL_ESL_PASSWORD: o.eslPassword,
        SIPCALL_SWITCH_HTTP_PASSWORD: o.switchHttpPassword,
        SIPCALL_BACKEND_URL: o.backendUrl,
        SIPCALL_CDR_SPOOL: folder('spool'),
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}
