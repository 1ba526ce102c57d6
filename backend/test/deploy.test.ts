// The compose stack and Dockerfiles are for users' Docker hosts; here they are
// parsed and checked against each other, against freeswitch/, prometheus/,
// grafana/ and the backend's configuration, and run through `docker compose
// config` when the client exists.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

interface Service {
  image?: string;
  build?: { dockerfile: string; secrets?: string[] };
  network_mode?: string;
  networks?: string[] | Record<string, { ipv4_address?: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  secrets?: Array<{ source: string; target: string }>;
  stop_grace_period?: string;
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, { ipam: { config: Array<{ subnet: string; gateway: string }> } }>;
  secrets: Record<string, { environment: string }>;
}
const composeText = read('docker-compose.yml');
const compose = parse(composeText) as Compose;
const service = (name: string) => compose.services[name]!;
const env = (name: string) => service(name).environment!;
const backendDockerfile = read('docker/backend.Dockerfile');
const switchDockerfile = read('docker/freeswitch.Dockerfile');

const SECRETS = [
  'POSTGRES_PASSWORD', 'JWT_SECRET', 'ENCRYPTION_MASTER_KEY', 'BLIND_INDEX_KEY', 'FREESWITCH_ESL_PASSWORD',
  'SWITCH_HTTP_PASSWORD', 'SIP_TRUNK_PASSWORD', 'METRICS_TOKEN', 'GRAFANA_ADMIN_PASSWORD',
];
/** Compose-style values for every required variable, for `docker compose config`. */
const FILLED = {
  ...Object.fromEntries(SECRETS.map((s) => [s, `${s.toLowerCase()}-${'x'.repeat(24)}`])),
  SIGNALWIRE_TOKEN: 'pat_example', SIP_IP: '192.0.2.10', SIP_DOMAIN: 'sip.example.com', SIP_WSS_URL: 'wss://sip.example.com:7443',
  SIP_TRUNK_PROXY: 'sip.carrier.example:5060', SIP_TRUNK_USERNAME: 'account', SIP_CARRIER_CIDRS: '198.51.100.0/24',
};

/** A compose value with the variables filled in as `docker compose` would from FILLED. */
const interpolate = (value: string): string =>
  value.replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => (FILLED as Record<string, string>)[name] ?? fallback ?? '');

/** `host:container[/proto]` volume or port entries as [source, target]. */
const mounts = (s: Service) => (s.volumes ?? []).map((v) => v.split(':') as [string, string, string?]);
const ipv4 = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split('/') as [string, string];
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return ((ipv4(ip) & mask) >>> 0) === ((ipv4(base) & mask) >>> 0);
};

describe('docker-compose.yml', () => {
  it('runs the whole stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['freeswitch', 'grafana', 'postgres', 'prometheus', 'redis', 'sipcall']);
  });

  it('gives every service a healthcheck and a restart policy', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.healthcheck?.test, `${name} healthcheck`).toBeDefined();
      expect(s.restart, `${name} restart`).toBe('unless-stopped');
    }
  });

  it('pins every image to a version, never latest, in compose and the Dockerfiles', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.image) expect(s.image, name).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
      else expect(s.build?.dockerfile, name).toBeDefined();
    }
    for (const file of [backendDockerfile, switchDockerfile]) {
      for (const [, image] of file.matchAll(/^FROM (\S+)/gm)) expect(image).toMatch(/:(?!latest\b)[\w.-]+$/);
    }
  });

  it('writes no secret inline: each one comes from .env and is required', () => {
    for (const secret of SECRETS) expect(composeText).toMatch(new RegExp(`\\$\\{${secret}:\\?set ${secret} in \\.env\\}`));
    expect(composeText).not.toMatch(/ClueCon|\b1234\b|changeme/);
    expect(env('sipcall')['NODE_ENV']).toBe('production');
    // the ones that go to files (Prometheus' token, the build's SignalWire token) are compose secrets, not build args
    expect(compose.secrets).toEqual({ signalwire_token: { environment: 'SIGNALWIRE_TOKEN' }, metrics_token: { environment: 'METRICS_TOKEN' } });
  });

  it('lists every variable it uses in .env.example, with no secret filled in', () => {
    const example = read('.env.example');
    const used = new Set([...composeText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    for (const s of Object.values(compose.secrets)) used.add(s.environment);
    const documented = new Set([...example.matchAll(/^(\w+)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
    for (const secret of [...SECRETS, 'SIGNALWIRE_TOKEN']) expect(example).toMatch(new RegExp(`^${secret}=$`, 'm'));
  });

  it('starts each service after what it needs is healthy', () => {
    expect(service('sipcall').depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(service('prometheus').depends_on).toEqual({ sipcall: { condition: 'service_healthy' } });
    expect(service('grafana').depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
    // the switch asks the backend for every decision: the backend comes first
    expect(service('freeswitch').depends_on).toHaveProperty('sipcall');
  });

  it('publishes the port the backend image listens on, and Prometheus and Grafana on loopback only', () => {
    expect(service('sipcall').ports).toEqual(['${SIPCALL_PORT:-8080}:8080']);
    expect(backendDockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(backendDockerfile).toMatch(/PORT=8080/);
    expect(service('prometheus').ports).toEqual(['127.0.0.1:${PROMETHEUS_PORT:-9090}:9090']);
    expect(service('grafana').ports).toEqual(['127.0.0.1:${GRAFANA_PORT:-3000}:3000']);
  });

  describe('FreeSWITCH and the backend find each other', () => {
    const fs = env('freeswitch');
    const backend = env('sipcall');
    const { subnet, gateway } = compose.networks['sipcall']!.ipam.config[0]!;
    const backendIp = (service('sipcall').networks as Record<string, { ipv4_address: string }>)['sipcall']!.ipv4_address;

    it('runs the switch on the host network (SIP and the RTP range), everything else on the bridge', () => {
      expect(service('freeswitch').network_mode).toBe('host');
      expect(service('freeswitch').ports).toBeUndefined();
      for (const name of ['postgres', 'redis', 'sipcall', 'prometheus', 'grafana']) expect(JSON.stringify(service(name).networks), name).toContain('sipcall');
      expect(inCidr(gateway, subnet) && inCidr(backendIp, subnet)).toBe(true);
    });

    it('points the backend at the event socket the switch opens, with the same password', () => {
      expect(fs['SIPCALL_ESL_IP']).toBe(gateway);
      const node = new URL(interpolate(backend['FREESWITCH_NODES']!));
      expect(node.protocol).toBe('esl:');
      expect(node.hostname).toBe(fs['SIPCALL_ESL_IP']);
      expect(node.port).toBe(/name="listen-port" value="(\d+)"/.exec(read('freeswitch/autoload_configs/event_socket.conf.xml'))![1]);
      expect(decodeURIComponent(node.password)).toBe(interpolate(fs['SIPCALL_ESL_PASSWORD']!));
      // the event socket's ACL admits the backend, and the healthcheck on the host side
      const cidrs = fs['SIPCALL_BACKEND_CIDRS']!.split(',');
      expect(cidrs.some((c) => inCidr(backendIp, c))).toBe(true);
      expect(cidrs.some((c) => inCidr(gateway, c))).toBe(true);
    });

    it('points the switch at the backend, with the credentials the backend checks', () => {
      expect(fs['SIPCALL_BACKEND_URL']).toBe(`http://${backendIp}:8080`);
      expect(fs['SIPCALL_SWITCH_HTTP_PASSWORD']).toBe(backend['SWITCH_HTTP_PASSWORD']);
      expect(fs['SIPCALL_SIP_DOMAIN']).toBe(backend['SIP_DOMAIN']);
      expect(fs['SIPCALL_TRUNK_PASSWORD']).toBe(backend['SIP_TRUNK_PASSWORD']);
    });

    it("sizes the switch from SIPCall's own caps: one value each feeds both", () => {
      expect(fs['SIPCALL_MAX_CALLS']).toBe(backend['GLOBAL_MAX_CONCURRENT_CALLS']);
      expect(fs['SIPCALL_CALLS_PER_SECOND']).toBe(backend['GLOBAL_CALLS_PER_SECOND']);
      // Their defaults are the backend's own.
      const defaults = loadConfig({}, { persistDevelopmentSecrets: false }).routing;
      expect(interpolate(fs['SIPCALL_MAX_CALLS']!)).toBe(String(defaults.globalMaxConcurrent));
      expect(interpolate(fs['SIPCALL_CALLS_PER_SECOND']!)).toBe(String(defaults.globalCallsPerSecond));
      // No fixed end of the RTP range unless one is given: freeswitch/vars.xml derives it.
      expect(interpolate(fs['SIPCALL_RTP_END']!)).toBe('');
    });

    it('shares the call-record spool: where the switch writes is where the backend sweeps', () => {
      const spool = fs['SIPCALL_CDR_SPOOL']!;
      expect(backend['CDR_SPOOL_DIR']).toBe(spool);
      const volumeAt = (s: Service) => mounts(s).find(([, target]) => target === spool)?.[0];
      expect(volumeAt(service('freeswitch'))).toBe('cdr-spool');
      expect(volumeAt(service('sipcall'))).toBe('cdr-spool');
      expect(compose.volumes).toHaveProperty('cdr-spool');
      // one owner on both sides: uid 1000 is `node` in the backend image and `freeswitch` in the switch's
      expect(switchDockerfile).toMatch(/useradd --uid 1000 /);
      expect(backendDockerfile).toMatch(new RegExp(`chown node:node .*${spool}`));
    });

    it('sets only variables freeswitch/vars.xml reads, and every secret it reads', () => {
      // Read by env-set, or by the shell of an exec-set (${NAME:-default}).
      const vars = read('freeswitch/vars.xml');
      const read_ = new Set([...[...vars.matchAll(/env-set" data="\w+=\$(\w+)"/g)].map((m) => m[1]!), ...[...vars.matchAll(/exec-set" data="[^"]*\$\{(SIPCALL_\w+):-/g)].map((m) => m[1]!)]);
      expect(Object.keys(fs).filter((k) => !read_.has(k))).toEqual([]);
      for (const secret of ['SIPCALL_ESL_PASSWORD', 'SIPCALL_SWITCH_HTTP_PASSWORD', 'SIPCALL_TRUNK_PASSWORD']) expect(fs[secret]).toMatch(/^\$\{\w+:\?/);
    });

    it('mounts named volumes that are declared, and the TLS folder the switch loads wss.pem from', () => {
      for (const [name, s] of Object.entries(compose.services)) {
        for (const [source] of mounts(s)) if (!source.startsWith('.')) expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
      }
      expect(mounts(service('freeswitch')).find(([, t]) => t === '/etc/freeswitch/tls')).toBeDefined();
      expect(switchDockerfile).toMatch(/"-certs", "\/etc\/freeswitch\/tls"/);
    });

    it('gives the backend longer to stop than its drain window', () => {
      const grace = Number(/^(\d+)s$/.exec(service('sipcall').stop_grace_period!)![1]);
      expect(grace).toBeGreaterThan(Number(backend['SHUTDOWN_DRAIN_SECONDS']) + 10);
    });
  });

  describe('Prometheus and Grafana', () => {
    const prometheusYml = parse(read('prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: Array<{ authorization: { credentials_file: string }; static_configs: Array<{ targets: string[] }> }>;
    };

    it('mounts the configuration, the rules it names, and the token file where the configuration looks', () => {
      const targets = new Map(mounts(service('prometheus')).map(([source, target]) => [target, source]));
      expect(targets.get('/etc/prometheus/prometheus.yml')).toBe('./prometheus/prometheus.yml');
      for (const rules of prometheusYml.rule_files) expect(targets.get(`/etc/prometheus/${rules}`)).toBe(`./prometheus/${rules}`);
      const [job] = prometheusYml.scrape_configs;
      expect(service('prometheus').secrets).toEqual([{ source: 'metrics_token', target: `/etc/prometheus/${job!.authorization.credentials_file}` }]);
      expect(env('sipcall')['METRICS_TOKEN']).toBe('${METRICS_TOKEN:?set METRICS_TOKEN in .env}');
    });

    it('scrapes the backend by its service name and port', () => {
      expect(prometheusYml.scrape_configs[0]!.static_configs[0]!.targets).toEqual(['sipcall:8080']);
    });

    it('provisions Grafana from grafana/, with the datasource pointing at the Prometheus service', () => {
      const targets = new Map(mounts(service('grafana')).map(([source, target]) => [target, source]));
      expect(targets.get('/etc/grafana/provisioning')).toBe('./grafana/provisioning');
      const provider = parse(read('grafana/provisioning/dashboards/sipcall.yml')) as { providers: Array<{ options: { path: string } }> };
      expect(targets.get(provider.providers[0]!.options.path)).toBe('./grafana/dashboards');
      const datasource = parse(read('grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ url: string }> };
      expect(datasource.datasources[0]!.url).toBe('http://prometheus:9090');
      expect(env('grafana')['GF_USERS_ALLOW_SIGN_UP']).toBe('false');
    });
  });

  const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const hasCompose = docker.status === 0;
  it.skipIf(!hasCompose)('passes docker compose config with everything set, and fails naming a missing secret', () => {
    const filled = { ...process.env, ...FILLED };
    const ok = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: ROOT, env: filled, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const missing = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: ROOT, env: { ...filled, JWT_SECRET: '' }, encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('JWT_SECRET');
  });
  if (!hasCompose) console.warn('docker compose is not installed: the compose file is checked by parsing only');
});

describe('docker/backend.Dockerfile', () => {
  it('builds in stages and runs as a non-root user with a healthcheck', () => {
    expect(backendDockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(backendDockerfile).toMatch(/^USER node$/m);
    expect(backendDockerfile).toMatch(/^HEALTHCHECK /m);
    expect(backendDockerfile).toMatch(/NODE_ENV=production/);
  });
});

describe('docker/freeswitch.Dockerfile', () => {
  it('installs a package for every module freeswitch/ loads', () => {
    const modules = [...read('freeswitch/autoload_configs/modules.conf.xml').matchAll(/module="(mod_\w+)"/g)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(10);
    for (const mod of modules) expect(switchDockerfile).toContain(`freeswitch-${mod.replaceAll('_', '-')}`);
  });

  it('takes the package token as a build secret, never an argument or a layer', () => {
    expect(switchDockerfile).toMatch(/--mount=type=secret,id=signalwire_token/);
    expect(switchDockerfile).not.toMatch(/^(ARG|ENV) .*TOKEN/m);
    // the apt credentials are removed in the same step that wrote them
    const step = /RUN --mount=type=secret[\s\S]*?(?=\n\n)/.exec(switchDockerfile)![0];
    expect(step).toContain('rm -f /etc/apt/auth.conf.d/signalwire.conf');
    expect(service('freeswitch').build?.secrets).toEqual(['signalwire_token']);
  });

  it('loads freeswitch/ as /etc/freeswitch and runs as a non-root user with a healthcheck', () => {
    expect(switchDockerfile).toMatch(/^COPY freeswitch\/ \/etc\/freeswitch\/$/m);
    // nothing a package put there is left beside it
    expect(switchDockerfile.indexOf('rm -rf /etc/freeswitch;')).toBeGreaterThan(0);
    expect(switchDockerfile.indexOf('rm -rf /etc/freeswitch;')).toBeLessThan(switchDockerfile.indexOf('COPY freeswitch/'));
    expect(switchDockerfile).toMatch(/^USER freeswitch$/m);
    expect(switchDockerfile).toMatch(/^HEALTHCHECK /m);
    expect(switchDockerfile).toMatch(/"-conf", "\/etc\/freeswitch"/);
  });

  it('exposes the ports freeswitch/ listens on', () => {
    const internal = read('freeswitch/sip_profiles/internal.xml');
    const external = read('freeswitch/sip_profiles/external.xml');
    const ports = [
      /name="sip-port" value="(\d+)"/.exec(internal)![1],
      /name="ws-binding" value=":(\d+)"/.exec(internal)![1],
      /name="wss-binding" value=":(\d+)"/.exec(internal)![1],
      /name="sip-port" value="(\d+)"/.exec(external)![1],
      /name="listen-port" value="(\d+)"/.exec(read('freeswitch/autoload_configs/event_socket.conf.xml'))![1],
    ];
    const exposed = /^EXPOSE (.*)$/m.exec(switchDockerfile)![1]!;
    for (const port of ports) expect(exposed).toMatch(new RegExp(`\\b${port}/`));
  });
});
