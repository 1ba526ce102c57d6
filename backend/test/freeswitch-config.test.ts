// freeswitch/ is data the project owns: every file must be well-formed XML a
// stock FreeSWITCH 1.10 loads, carry the modules and profiles the design
// needs, and contain no default password and no non-loopback default bind.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../freeswitch');
const files = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? walk(full) : f.endsWith('.xml') ? [full] : [];
  });
})(DIR);
const rel = (f: string) => path.relative(DIR, f);
const text = (name: string) => readFileSync(path.join(DIR, name), 'utf8');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['param', 'load', 'node', 'list', 'X-PRE-PROCESS', 'profile', 'gateway', 'context', 'extension', 'action'].includes(name) });
const parse = (name: string) => parser.parse(text(name)) as Record<string, unknown>;

/** name → value of every <param> in a file. */
function params(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text(name).matchAll(/<param name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Variables vars.xml defines, and the value each starts with before the environment is read. */
function definedVars(): Map<string, string | null> {
  const vars = new Map<string, string | null>();
  for (const m of text('vars.xml').matchAll(/<X-PRE-PROCESS cmd="(set|env-set|exec-set)" data="([^=]+)=([^"]*)"/g)) {
    const [, cmd, name, value] = m;
    if (!vars.has(name!) || cmd === 'set') vars.set(name!, cmd === 'set' ? value! : vars.get(name!) ?? null);
  }
  return vars;
}

// Set by the FreeSWITCH core itself.
const CORE_VARS = new Set(['certs_dir', 'base_dir', 'conf_dir', 'log_dir', 'run_dir', 'db_dir', 'sounds_dir', 'storage_dir', 'temp_dir', 'local_ip_v4', 'hostname']);

describe('freeswitch/', () => {
  it('has the files a stock FreeSWITCH loads', () => {
    expect(files.map(rel).sort()).toEqual(
      [
        'autoload_configs/acl.conf.xml',
        'autoload_configs/console.conf.xml',
        'autoload_configs/event_socket.conf.xml',
        'autoload_configs/json_cdr.conf.xml',
        'autoload_configs/logfile.conf.xml',
        'autoload_configs/modules.conf.xml',
        'autoload_configs/opus.conf.xml',
        'autoload_configs/sofia.conf.xml',
        'autoload_configs/switch.conf.xml',
        'autoload_configs/xml_curl.conf.xml',
        'dialplan/fallback.xml',
        'directory/domain.xml',
        'freeswitch.xml',
        'sip_profiles/external.xml',
        'sip_profiles/external/trunk.xml',
        'sip_profiles/internal.xml',
        'vars.xml',
      ].sort(),
    );
  });

  it.each(files.map(rel))('%s is well-formed XML', (name) => {
    // Included fragments have several roots; FreeSWITCH splices them into a parent.
    expect(XMLValidator.validate(`<root>${text(name).replace(/^<\?xml[^>]*\?>/, '')}</root>`)).toBe(true);
  });

  it('loads the modules the design needs', () => {
    const modules = (parse('autoload_configs/modules.conf.xml') as { configuration: { modules: { load: Array<{ module: string }> } } }).configuration.modules.load.map((l) => l.module);
    for (const m of ['mod_event_socket', 'mod_sofia', 'mod_commands', 'mod_dptools', 'mod_dialplan_xml', 'mod_xml_curl', 'mod_json_cdr', 'mod_opus', 'mod_console', 'mod_logfile']) expect(modules).toContain(m);
  });

  it('asks the backend for directory and dialplan, with basic auth, and posts records back', () => {
    const curl = text('autoload_configs/xml_curl.conf.xml');
    expect(curl).toContain('<param name="gateway-url" value="$${sipcall_backend_url}/freeswitch/xml" bindings="directory|dialplan"/>');
    expect(params('autoload_configs/xml_curl.conf.xml')).toMatchObject({ 'auth-scheme': 'basic', 'gateway-credentials': 'freeswitch:$${sipcall_switch_http_password}' });
    expect(params('autoload_configs/json_cdr.conf.xml')).toMatchObject({
      url: '$${sipcall_backend_url}/freeswitch/cdr',
      'auth-scheme': 'basic',
      cred: 'freeswitch:$${sipcall_switch_http_password}',
      encode: 'false',
      'log-b-leg': 'true',
      retries: '2',
      'err-log-dir': '$${sipcall_cdr_spool}',
    });
    // The user name the switch sends is the one the backend expects by default.
    expect(loadConfig({ NODE_ENV: 'test' }, { persistDevelopmentSecrets: false }).switchHttp.username).toBe('freeswitch');
  });

  it('authenticates every browser request and accepts calls unauthenticated only from the carrier', () => {
    const internal = params('sip_profiles/internal.xml');
    expect(internal).toMatchObject({ 'auth-calls': 'true', 'auth-messages': 'true', 'auth-subscriptions': 'true', 'accept-blind-reg': 'false', 'accept-blind-auth': 'false', 'ws-binding': ':5066', 'wss-binding': ':7443', context: 'default' });
    const external = params('sip_profiles/external.xml');
    expect(external).toMatchObject({ context: 'public', 'auth-calls': 'true', 'apply-inbound-acl': 'sipcall_carrier' });
    expect(params('autoload_configs/event_socket.conf.xml')).toMatchObject({ 'apply-inbound-acl': 'sipcall_backend', 'listen-ip': '$${sipcall_esl_ip}' });
    const acl = text('autoload_configs/acl.conf.xml');
    expect(acl).toMatch(/<list name="sipcall_backend" default="deny">/);
    expect(acl).toMatch(/<list name="sipcall_carrier" default="deny">/);
  });

  it('names its gateway as the backend bridges to it, and routes the contexts the backend answers for', () => {
    expect(text('sip_profiles/external/trunk.xml')).toContain(`<gateway name="${loadConfig({}, { persistDevelopmentSecrets: false }).routing.gateway}">`);
    const contexts = (parse('dialplan/fallback.xml') as { include: { context: Array<{ name: string; extension: Array<{ condition: { action: Array<{ application: string }> } }> }> } }).include.context;
    expect(contexts.map((c) => c.name).sort()).toEqual(['default', 'public']);
    // the fallback never bridges
    for (const c of contexts) for (const e of c.extension) expect(e.condition.action.map((a) => a.application)).not.toContain('bridge');
  });

  it('carries no default password: every secret comes from the environment or is random', () => {
    for (const f of files) {
      const t = readFileSync(f, 'utf8');
      expect(t, rel(f)).not.toMatch(/ClueCon/i);
      expect(t, rel(f)).not.toMatch(/value="1234"/);
      for (const m of t.matchAll(/<param name="(password|cred|gateway-credentials)" value="([^"]*)"/g)) expect(m[2], `${rel(f)} ${m[1]}`).toMatch(/\$\$\{sipcall_[a-z_]+\}/);
    }
    const vars = text('vars.xml');
    for (const secret of ['sipcall_esl_password', 'sipcall_switch_http_password', 'sipcall_trunk_password']) {
      expect(vars).toMatch(new RegExp(`cmd="exec-set" data="${secret}=od -An -N24 -tx1 /dev/urandom`));
      expect(vars).toContain(`cmd="env-set" data="${secret}=$SIPCALL_${secret.replace('sipcall_', '').toUpperCase()}"`);
      expect(vars).not.toMatch(new RegExp(`cmd="set" data="${secret}=`));
    }
  });

  it('binds to loopback unless told otherwise, and asks no STUN server on the internet', () => {
    const vars = definedVars();
    for (const name of ['sipcall_esl_ip', 'sipcall_sip_ip']) expect(vars.get(name), name).toBe('127.0.0.1');
    expect(vars.get('sipcall_backend_cidrs')).toBe('127.0.0.1/32');
    expect(vars.get('sipcall_carrier_cidrs')).toBe('127.0.0.1/32');
    for (const f of files) {
      const t = readFileSync(f, 'utf8');
      expect(t, rel(f)).not.toMatch(/stun:|stun-set/);
      expect(t, rel(f)).not.toMatch(/value="(0\.0\.0\.0|::|auto|\$\$\{local_ip_v4\})"/);
    }
  });

  it('defines every $${variable} it uses', () => {
    const vars = definedVars();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\$\$\{([A-Za-z0-9_]+)\}/g)) {
        expect(vars.has(m[1]!) || CORE_VARS.has(m[1]!), `${rel(f)} uses $\${${m[1]}}`).toBe(true);
      }
    }
  });

  describe('capacity', () => {
    const core = params('autoload_configs/switch.conf.xml');
    /** The switch's own limits for an environment, as vars.xml and switch.conf.xml give them. */
    const limits = (env: Record<string, string>) => {
      const vars = preprocessVars(env);
      const value = (param: string) => Number(core[param]!.replace(/\$\$\{([a-z_]+)\}/g, (_, name: string) => vars.get(name) ?? ''));
      return { maxSessions: value('max-sessions'), sessionsPerSecond: value('sessions-per-second'), rtpStart: value('rtp-start-port'), rtpEnd: value('rtp-end-port') };
    };

    it('takes its limits from the variables, not from numbers of its own', () => {
      for (const param of ['max-sessions', 'sessions-per-second', 'rtp-start-port', 'rtp-end-port']) expect(core[param], param).toMatch(/^\$\$\{sipcall_[a-z_]+\}$/);
    });

    it("starts from SIPCall's own default caps", () => {
      const backend = loadConfig({}, { persistDevelopmentSecrets: false }).routing;
      const vars = preprocessVars({});
      expect(Number(vars.get('sipcall_max_calls'))).toBe(backend.globalMaxConcurrent);
      expect(Number(vars.get('sipcall_calls_per_second'))).toBe(backend.globalCallsPerSecond);
    });

    it.each<[string, Record<string, string>]>([
      ['the defaults', {}],
      ['one call', { SIPCALL_MAX_CALLS: '1', SIPCALL_CALLS_PER_SECOND: '1' }],
      ['the calls a 2-core switch carries', { SIPCALL_MAX_CALLS: '300', SIPCALL_CALLS_PER_SECOND: '30' }],
      ['a large switch', { SIPCALL_MAX_CALLS: '5000', SIPCALL_CALLS_PER_SECOND: '1000' }],
      ['another RTP range start', { SIPCALL_MAX_CALLS: '200', SIPCALL_RTP_START: '20000' }],
    ])("sits above SIPCall's caps with %s: sessions, sessions a second, RTP ports", (_what, env) => {
      const fs = limits(env);
      const caps = loadConfig(
        { GLOBAL_MAX_CONCURRENT_CALLS: env['SIPCALL_MAX_CALLS'] ?? '', GLOBAL_CALLS_PER_SECOND: env['SIPCALL_CALLS_PER_SECOND'] ?? '' },
        { persistDevelopmentSecrets: false },
      ).routing;
      // Two legs a call, each needing a session; each new call two sessions within its second.
      expect(fs.maxSessions).toBeGreaterThan(2 * caps.globalMaxConcurrent);
      expect(fs.sessionsPerSecond).toBeGreaterThan(2 * caps.globalCallsPerSecond);
      // Two legs a call, each with a pair of ports (RTP and RTCP) for audio and one for video.
      expect(fs.rtpEnd - fs.rtpStart + 1).toBeGreaterThanOrEqual(8 * caps.globalMaxConcurrent);
      expect(fs.rtpStart).toBe(Number(env['SIPCALL_RTP_START'] ?? 16384));
    });

    it('keeps the RTP range inside the port space, and takes an explicit end as given', () => {
      expect(limits({ SIPCALL_MAX_CALLS: '100000', SIPCALL_RTP_START: '40000' }).rtpEnd).toBe(65534);
      expect(limits({ SIPCALL_RTP_END: '30000' }).rtpEnd).toBe(30000);
      // Blank, as compose passes an unset RTP_END: derived.
      expect(limits({ SIPCALL_RTP_END: '' }).rtpEnd).toBe(limits({}).rtpEnd);
    });

    it('falls back to the defaults for values that are not whole numbers, and runs nothing they carry', () => {
      const marker = path.join(tmpdir(), `sipcall-vars-${process.pid}`);
      expect(limits({ SIPCALL_MAX_CALLS: `1; touch ${marker}`, SIPCALL_CALLS_PER_SECOND: '$(touch x)', SIPCALL_RTP_START: 'abc', SIPCALL_RTP_END: `2; touch ${marker}` })).toEqual(limits({}));
      expect(existsSync(marker)).toBe(false);
    });
  });
});

/**
 * vars.xml as FreeSWITCH's preprocessor reads it (src/switch_xml.c): in
 * order, $${var} expanded first; `set` assigns, `env-set` assigns when the
 * environment has the variable, `exec-set` assigns what a shell command
 * prints (popen, so /bin/sh with the switch's environment), trailing
 * whitespace trimmed.
 */
function preprocessVars(env: Record<string, string>): Map<string, string> {
  const vars = new Map<string, string>();
  const shellEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env };
  for (const m of text('vars.xml').matchAll(/<X-PRE-PROCESS cmd="(set|env-set|exec-set)" data="([^"]*)"\/>/g)) {
    const data = m[2]!.replace(/\$\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => vars.get(name) ?? '');
    const eq = data.indexOf('=');
    const name = data.slice(0, eq).trim();
    const value = data.slice(eq + 1).trimStart();
    if (m[1] === 'set') vars.set(name, value);
    else if (m[1] === 'env-set') {
      const from = value.startsWith('$') ? env[value.slice(1)] : undefined;
      if (from !== undefined) vars.set(name, from);
    } else {
      const out = execFileSync('/bin/sh', ['-c', value], { env: shellEnv, encoding: 'utf8' }).replace(/[ \n]+$/, '');
      if (out !== '') vars.set(name, out);
    }
  }
  return vars;
}
