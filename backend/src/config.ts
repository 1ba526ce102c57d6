// The one reader of process.env. Everything the process needs from its
// environment is parsed here once, checked, and frozen; a missing or unsafe
// secret outside development stops the process with the variable's name.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { passwordWeakness } from './core/password-policy.js';

export type Environment = 'development' | 'test' | 'production';

export interface SwitchNodeConfig {
  /** Stable name used in logs and metrics: host:port. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

export interface Config {
  readonly env: Environment;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Express `trust proxy` value: false, a hop count, or a list of addresses/subnets. Never `true`. */
    readonly trustProxy: false | number | readonly string[];
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    /** Directory of the built web app, served on the same port when present. */
    readonly staticDir: string | null;
    /** After SIGTERM: how long /readyz says "draining" and new calls are refused before the listener closes. */
    readonly drainSeconds: number;
  };
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string }
    | { readonly kind: 'embedded'; readonly dataDir: string };
  readonly redis: { readonly url: string } | null;
  /** A separate database for data keys, kept out of the main database's backups (erasure then holds against old backups too). */
  readonly keyStoreUrl: string | null;
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    readonly loginRateLimit: { readonly max: number; readonly windowSeconds: number };
    /** Failed sign-ins to one account, whatever the addresses (same window as loginRateLimit). */
    readonly accountLoginRateLimit: { readonly max: number; readonly windowSeconds: number };
    readonly refreshRateLimit: { readonly max: number; readonly windowSeconds: number };
  };
  readonly encryption: {
    /** 32-byte master key; wraps the per-owner data keys that seal personal fields. */
    readonly masterKey: Buffer;
    /** Earlier master keys, still able to unwrap until `sipcall keys rotate` re-wrapped everything. */
    readonly retiredKeys: readonly Buffer[];
    /** 32-byte key of the blind index (search by number); separate from the master key. */
    readonly blindIndexKey: Buffer;
  };
  readonly switch: {
    readonly nodes: readonly SwitchNodeConfig[];
    /** Password of the SIP trunk account the switch's gateway uses, when the backend renders it. */
    readonly trunkPassword: string | null;
    /** Dialplan context that routes what users dial (click-to-call and transfers go through it). */
    readonly context: string;
  };
  /** How the switches reach us over HTTP (mod_xml_curl, mod_json_cdr): basic auth and the addresses allowed. */
  readonly switchHttp: {
    readonly username: string;
    readonly password: string;
    readonly allowedIps: readonly string[];
  };
  readonly routing: {
    /** The SIP domain (and digest realm) users register to. */
    readonly sipDomain: string;
    /** What browsers connect to for SIP over WebSocket. */
    readonly wssUrl: string;
    readonly defaultCountry: string;
    /** Where calls may go: ISO countries and/or +prefixes. Everything else is refused. */
    readonly allowedCountries: readonly string[];
    readonly allowedPrefixes: readonly string[];
    /** +prefixes refused whatever else allows them (added to the built-in fraud list). */
    readonly blockedPrefixes: readonly string[];
    readonly emergencyNumbers: readonly string[];
    readonly emergencyPolicy: 'allow' | 'refuse';
    readonly maxCallSeconds: number;
    readonly userMaxConcurrent: number;
    readonly globalMaxConcurrent: number;
    readonly userCallsPerSecond: number;
    readonly globalCallsPerSecond: number;
    /** The sofia gateway (trunk) outbound calls are bridged to. */
    readonly gateway: string;
    /**
     * What the trunk leg is offered, in order, whatever the browser negotiated
     * (the switch transcodes). Most carriers take G.711 only.
     */
    readonly trunkCodecs: readonly string[];
    readonly stunUrls: readonly string[];
    readonly turn: { readonly secret: string; readonly urls: readonly string[]; readonly ttlSeconds: number } | null;
  };
  /** FreeSWITCH's error spool for call records, swept periodically when set (shared volume). */
  /** Who may read /metrics: a bearer token, and/or source addresses (loopback by default). */
  readonly metrics: { readonly token: string | null; readonly allowedIps: readonly string[] };
  readonly cdrSpool: { readonly dir: string; readonly archiveDir: string | null; readonly sweepSeconds: number } | null;
  /** Worker threads that parse and compress incoming call records (0: on the event loop). */
  readonly cdrWorkers: number;
  readonly bootstrapAdmin: { readonly email: string; readonly password: string; readonly displayName: string } | null;
  readonly logLevel: string;
  readonly dataDir: string;
  /** What configuration produced for the log: generated secrets and other notices. */
  readonly notices: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Values shipped as examples by FreeSWITCH and countless tutorials; never accepted outside development. */
const KNOWN_DEFAULT_SECRETS = new Set(
  ['ClueCon', '1234', 'changeme', 'change-me', 'secret', 'password', 'admin', 'sipcall'].map((s) => s.toLowerCase()),
);
const MIN_SECRET_LENGTH = 32;
const MIN_SWITCH_PASSWORD_LENGTH = 12;

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intString(0, 65535).default(8080),
  TRUST_PROXY: z.string().default('false'),
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT_KB: intString(1, 10_240).default(100),
  SHUTDOWN_DRAIN_SECONDS: intString(0, 300).default(5),
  SIPCALL_STATIC_DIR: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  SIPCALL_DATA_DIR: z.string().min(1).default('./data'),
  KEYSTORE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('sipcall'),
  JWT_AUDIENCE: z.string().min(1).default('sipcall-api'),
  ACCESS_TOKEN_TTL_SECONDS: intString(30, 900).default(600),
  REFRESH_TOKEN_TTL_DAYS: intString(1, 90).default(30),
  LOGIN_RATE_LIMIT_MAX: intString(1, 10_000).default(10),
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: intString(1, 86_400).default(900),
  LOGIN_ACCOUNT_RATE_LIMIT_MAX: intString(1, 10_000).default(20),
  REFRESH_RATE_LIMIT_MAX: intString(1, 10_000).default(60),
  REFRESH_RATE_LIMIT_WINDOW_SECONDS: intString(1, 86_400).default(900),
  ENCRYPTION_MASTER_KEY: z.string().optional(),
  ENCRYPTION_RETIRED_KEYS: z.string().default(''),
  BLIND_INDEX_KEY: z.string().optional(),
  FREESWITCH_NODES: z.string().optional(),
  SIP_TRUNK_PASSWORD: z.string().optional(),
  FREESWITCH_CONTEXT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a dialplan context name').default('default'),
  SWITCH_HTTP_USER: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only').default('freeswitch'),
  SWITCH_HTTP_PASSWORD: z.string().optional(),
  SWITCH_ALLOWED_IPS: z.string().optional(),
  SIP_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address').default('127.0.0.1'),
  SIP_WSS_URL: z.string().regex(/^wss?:\/\/\S+$/, 'must be a wss:// URL').default('wss://127.0.0.1:7443'),
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code like DE').default('DE'),
  ALLOWED_DESTINATIONS: z.string().optional(),
  BLOCKED_PREFIXES: z.string().default(''),
  EMERGENCY_NUMBERS: z.string().regex(/^[0-9]{2,4}(,[0-9]{2,4})*$/, 'comma-separated short numbers').default('112,110,911,999'),
  EMERGENCY_POLICY: z.enum(['allow', 'refuse']).default('allow'),
  MAX_CALL_SECONDS: intString(10, 86_400).default(3600),
  USER_MAX_CONCURRENT_CALLS: intString(1, 100).default(2),
  GLOBAL_MAX_CONCURRENT_CALLS: intString(1, 100_000).default(100),
  USER_CALLS_PER_SECOND: intString(1, 100).default(1),
  GLOBAL_CALLS_PER_SECOND: intString(1, 10_000).default(10),
  TRUNK_GATEWAY: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a gateway name').default('trunk'),
  TRUNK_CODECS: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9@._-]{0,31}(,[A-Za-z0-9][A-Za-z0-9@._-]{0,31}){0,7}$/, 'must be up to 8 codec names, comma-separated (PCMU,PCMA)')
    .default('PCMU,PCMA'),
  STUN_URLS: z.string().default(''),
  TURN_URLS: z.string().default(''),
  TURN_SECRET: z.string().optional(),
  TURN_TTL_SECONDS: intString(60, 86_400).default(3600),
  METRICS_TOKEN: z.string().optional(),
  METRICS_ALLOWED_IPS: z.string().default('127.0.0.1,::1'),
  CDR_SPOOL_DIR: z.string().min(1).optional(),
  CDR_SPOOL_ARCHIVE_DIR: z.string().min(1).optional(),
  CDR_SPOOL_SWEEP_SECONDS: intString(5, 86_400).default(60),
  CDR_WORKERS: intString(0, 16).optional(),
  SIPCALL_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: z.string().optional(),
  SIPCALL_BOOTSTRAP_ADMIN_NAME: z.string().min(1).max(200).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type RawEnv = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Base for relative paths (the working directory by default). */
  cwd?: string;
  /**
   * In development, keep generated secrets in the data directory so sessions
   * and encrypted records survive a restart. Off for tests.
   */
  persistDevelopmentSecrets?: boolean;
}

export function loadConfig(env: RawEnv = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const parsed = envSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const notices: string[] = [];
  const relaxed = e.NODE_ENV !== 'production';
  const dataDir = path.resolve(cwd, e.SIPCALL_DATA_DIR);

  const generated = relaxed ? developmentSecrets(dataDir, e.NODE_ENV === 'development' && options.persistDevelopmentSecrets !== false) : null;

  const jwtSecret = secret('JWT_SECRET', e.JWT_SECRET, MIN_SECRET_LENGTH, problems, generated && (() => generated.get('JWT_SECRET', notices)));
  const masterKey = encryptionKey('ENCRYPTION_MASTER_KEY', e.ENCRYPTION_MASTER_KEY, problems, generated && (() => generated.get('ENCRYPTION_MASTER_KEY', notices)));
  const blindIndexKey = encryptionKey('BLIND_INDEX_KEY', e.BLIND_INDEX_KEY, problems, generated && (() => generated.get('BLIND_INDEX_KEY', notices)));
  if (masterKey && blindIndexKey && masterKey.equals(blindIndexKey)) problems.push('BLIND_INDEX_KEY must differ from ENCRYPTION_MASTER_KEY');
  const retiredKeys = list(e.ENCRYPTION_RETIRED_KEYS)
    .map((k, i) => encryptionKey(`ENCRYPTION_RETIRED_KEYS[${i}]`, k, problems, null))
    .filter((k): k is Buffer => k !== undefined);
  const nodes = switchNodes(e.FREESWITCH_NODES, relaxed, problems, notices);
  const trunkPassword =
    e.SIP_TRUNK_PASSWORD === undefined
      ? null
      : (secret('SIP_TRUNK_PASSWORD', e.SIP_TRUNK_PASSWORD, 8, problems, undefined, relaxed) ?? null);
  const trustProxy = parseTrustProxy(e.TRUST_PROXY, problems);
  const corsOrigins = parseOrigins(e.CORS_ORIGINS, problems);
  const bootstrapAdmin = parseBootstrapAdmin(e, problems);
  const switchHttpPassword = secret('SWITCH_HTTP_PASSWORD', e.SWITCH_HTTP_PASSWORD, 16, problems, generated && (() => generated.get('SWITCH_HTTP_PASSWORD', notices)));
  const routing = parseRouting(e, problems);
  const metricsToken = e.METRICS_TOKEN === undefined ? null : (secret('METRICS_TOKEN', e.METRICS_TOKEN, 24, problems, null, relaxed) ?? null);

  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      trustProxy,
      corsOrigins,
      bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
      staticDir: e.SIPCALL_STATIC_DIR ? path.resolve(cwd, e.SIPCALL_STATIC_DIR) : null,
      drainSeconds: e.SHUTDOWN_DRAIN_SECONDS,
    },
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'embedded', dataDir: path.join(dataDir, 'pglite') },
    redis: e.REDIS_URL ? { url: e.REDIS_URL } : null,
    keyStoreUrl: e.KEYSTORE_URL ?? null,
    auth: {
      jwtSecret: jwtSecret ?? '',
      jwtIssuer: e.JWT_ISSUER,
      jwtAudience: e.JWT_AUDIENCE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_DAYS * 86_400,
      loginRateLimit: { max: e.LOGIN_RATE_LIMIT_MAX, windowSeconds: e.LOGIN_RATE_LIMIT_WINDOW_SECONDS },
      accountLoginRateLimit: { max: e.LOGIN_ACCOUNT_RATE_LIMIT_MAX, windowSeconds: e.LOGIN_RATE_LIMIT_WINDOW_SECONDS },
      refreshRateLimit: { max: e.REFRESH_RATE_LIMIT_MAX, windowSeconds: e.REFRESH_RATE_LIMIT_WINDOW_SECONDS },
    },
    encryption: { masterKey: masterKey ?? Buffer.alloc(0), retiredKeys, blindIndexKey: blindIndexKey ?? Buffer.alloc(0) },
    switch: { nodes, trunkPassword, context: e.FREESWITCH_CONTEXT },
    switchHttp: {
      username: e.SWITCH_HTTP_USER,
      password: switchHttpPassword ?? '',
      // Set: exactly these. Unset: the switches' own addresses, and loopback for a switch on the same host.
      allowedIps:
        e.SWITCH_ALLOWED_IPS !== undefined
          ? [...new Set(list(e.SWITCH_ALLOWED_IPS))]
          : [...new Set(['127.0.0.1', '::1', ...nodes.map((n) => n.host.replace(/^\[|\]$/g, ''))])],
    },
    routing,
    metrics: {
      token: metricsToken,
      allowedIps: list(e.METRICS_ALLOWED_IPS),
    },
    // One core stays with the event loop; on one core the work stays there too.
    cdrWorkers: e.CDR_WORKERS ?? Math.min(4, availableParallelism() - 1),
    cdrSpool: e.CDR_SPOOL_DIR
      ? { dir: path.resolve(cwd, e.CDR_SPOOL_DIR), archiveDir: e.CDR_SPOOL_ARCHIVE_DIR ? path.resolve(cwd, e.CDR_SPOOL_ARCHIVE_DIR) : null, sweepSeconds: e.CDR_SPOOL_SWEEP_SECONDS }
      : null,
    bootstrapAdmin,
    logLevel: e.LOG_LEVEL,
    dataDir,
    notices,
  };
  return deepFreeze(config);
}

function blankToUndefined(env: RawEnv): RawEnv {
  const out: RawEnv = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === undefined || v.trim() === '' ? undefined : v;
  return out;
}

function isKnownDefault(value: string): boolean {
  return KNOWN_DEFAULT_SECRETS.has(value.toLowerCase());
}

function secret(
  name: string,
  value: string | undefined,
  minLength: number,
  problems: string[],
  fallback: (() => string) | null | undefined,
  relaxed = false,
): string | undefined {
  if (value === undefined) {
    if (fallback) return fallback();
    problems.push(`${name} is required (at least ${minLength} characters of random data)`);
    return undefined;
  }
  if (isKnownDefault(value)) {
    problems.push(`${name} is a known default value; set a random secret`);
    return undefined;
  }
  if (!relaxed && value.length < minLength) {
    problems.push(`${name} is too short: at least ${minLength} characters are required`);
    return undefined;
  }
  if (!relaxed && isPatterned(value)) {
    problems.push(`${name} is not random (a repeated character or pattern); set a random secret`);
    return undefined;
  }
  return value;
}

/**
 * A secret of few distinct characters, or a short unit repeated
 * (`aaaa…`, `abcabc…`, `0123012301…`): long enough, and still guessable.
 */
function isPatterned(value: string): boolean {
  if (new Set(value).size < 8) return true;
  for (let unit = 1; unit <= 8 && unit * 2 <= value.length; unit++) {
    if (value === value.slice(0, unit).repeat(Math.ceil(value.length / unit)).slice(0, value.length)) return true;
  }
  return false;
}

function encryptionKey(name: string, value: string | undefined, problems: string[], fallback: (() => string) | null | undefined): Buffer | undefined {
  const raw = value ?? fallback?.();
  if (raw === undefined) {
    problems.push(`${name} is required: 32 random bytes, base64 (openssl rand -base64 32)`);
    return undefined;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$/.test(raw)
      ? Buffer.from(raw, 'base64')
      : null;
  if (key === null || key.length !== 32) {
    problems.push(`${name} must be exactly 32 bytes, base64 or hex encoded`);
    return undefined;
  }
  if (key.every((b) => b === key[0])) {
    problems.push(`${name} is not random (all bytes equal)`);
    return undefined;
  }
  return key;
}

const ESL_URL = /^esl:\/\/(?:[^:@/]*):([^@/]+)@([^:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/;

function switchNodes(value: string | undefined, relaxed: boolean, problems: string[], notices: string[]): SwitchNodeConfig[] {
  if (value === undefined) {
    if (relaxed) {
      notices.push('FREESWITCH_NODES is not set: running without a switch');
      return [];
    }
    problems.push('FREESWITCH_NODES is required: esl://:password@host:port[,esl://…]');
    return [];
  }
  const nodes: SwitchNodeConfig[] = [];
  value.split(',').forEach((entry, index) => {
    const where = `FREESWITCH_NODES[${index}]`;
    const m = ESL_URL.exec(entry.trim());
    if (!m) {
      problems.push(`${where} must look like esl://:password@host:port`);
      return;
    }
    const password = decodeURIComponent(m[1]!);
    const host = m[2]!;
    const port = Number(m[3]);
    if (port < 1 || port > 65535) {
      problems.push(`${where} has an invalid port ${port}`);
      return;
    }
    if (isKnownDefault(password)) {
      problems.push(`${where} uses the ESL password "ClueCon" or another known default; set event_socket.conf's password to a random secret`);
      return;
    }
    if (!relaxed && password.length < MIN_SWITCH_PASSWORD_LENGTH) {
      problems.push(`${where} ESL password is too short: at least ${MIN_SWITCH_PASSWORD_LENGTH} characters are required`);
      return;
    }
    if (!relaxed && isPatterned(password)) {
      problems.push(`${where} ESL password is not random (a repeated character or pattern); set a random secret`);
      return;
    }
    const name = `${host}:${port}`;
    if (nodes.some((n) => n.name === name)) {
      problems.push(`${where} repeats ${name}`);
      return;
    }
    nodes.push({ name, host, port, password });
  });
  return nodes;
}

function parseTrustProxy(value: string, problems: string[]): Config['http']['trustProxy'] {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === '0' || v === 'no') return false;
  if (v === 'true' || v === 'yes' || v === '*') {
    problems.push('TRUST_PROXY=true trusts any client-supplied X-Forwarded-For; give a hop count or the proxies\' addresses');
    return false;
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 10) problems.push('TRUST_PROXY hop count must be at most 10');
    return hops;
  }
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const address = /^[0-9a-f.:]+(\/\d{1,3})?$/;
  const bad = entries.filter((s) => !named.has(s) && !address.test(s));
  if (bad.length > 0 || entries.length === 0) {
    problems.push(`TRUST_PROXY must be false, a hop count, or a list of addresses/subnets (bad: ${bad.join(', ') || 'empty'})`);
    return false;
  }
  return entries;
}

function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value;
  } catch {
    return false;
  }
}

function parseOrigins(value: string, problems: string[]): string[] {
  const origins = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!isOrigin(origin)) problems.push(`CORS_ORIGINS entry "${origin}" must be an origin like https://cloud.example.com (no path, no wildcard)`);
  }
  return origins;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseRouting(e: z.infer<typeof envSchema>, problems: string[]): Config['routing'] {
  const destinations = list(e.ALLOWED_DESTINATIONS ?? e.DEFAULT_COUNTRY);
  const badDestination = destinations.filter((d) => !/^[A-Z]{2}$/.test(d) && !/^\+[0-9]{1,12}$/.test(d));
  if (badDestination.length > 0) problems.push(`ALLOWED_DESTINATIONS entries must be ISO countries (DE) or +prefixes (+4930): ${badDestination.join(', ')}`);
  const blocked = list(e.BLOCKED_PREFIXES);
  const badBlocked = blocked.filter((p) => !/^\+[0-9]{1,12}$/.test(p));
  if (badBlocked.length > 0) problems.push(`BLOCKED_PREFIXES entries must be +prefixes: ${badBlocked.join(', ')}`);
  const urls = (value: string, name: string, schemes: RegExp) => {
    const all = list(value);
    const bad = all.filter((u) => !schemes.test(u));
    if (bad.length > 0) problems.push(`${name} entries must look like ${String(schemes)}: ${bad.join(', ')}`);
    return all;
  };
  const turnUrls = urls(e.TURN_URLS, 'TURN_URLS', /^turns?:[^\s,]+$/);
  let turn: Config['routing']['turn'] = null;
  if (turnUrls.length > 0 || e.TURN_SECRET !== undefined) {
    if (turnUrls.length === 0 || e.TURN_SECRET === undefined) problems.push('TURN_URLS and TURN_SECRET go together');
    else if (e.TURN_SECRET.length < 16 || isKnownDefault(e.TURN_SECRET)) problems.push('TURN_SECRET must be at least 16 characters and not a known default');
    else turn = { secret: e.TURN_SECRET, urls: turnUrls, ttlSeconds: e.TURN_TTL_SECONDS };
  }
  return {
    sipDomain: e.SIP_DOMAIN,
    wssUrl: e.SIP_WSS_URL,
    defaultCountry: e.DEFAULT_COUNTRY,
    allowedCountries: destinations.filter((d) => /^[A-Z]{2}$/.test(d)),
    allowedPrefixes: destinations.filter((d) => d.startsWith('+')),
    blockedPrefixes: blocked,
    emergencyNumbers: list(e.EMERGENCY_NUMBERS),
    emergencyPolicy: e.EMERGENCY_POLICY,
    maxCallSeconds: e.MAX_CALL_SECONDS,
    userMaxConcurrent: e.USER_MAX_CONCURRENT_CALLS,
    globalMaxConcurrent: e.GLOBAL_MAX_CONCURRENT_CALLS,
    userCallsPerSecond: e.USER_CALLS_PER_SECOND,
    globalCallsPerSecond: e.GLOBAL_CALLS_PER_SECOND,
    gateway: e.TRUNK_GATEWAY,
    trunkCodecs: list(e.TRUNK_CODECS),
    stunUrls: urls(e.STUN_URLS, 'STUN_URLS', /^stuns?:[^\s,]+$/),
    turn,
  };
}

function parseBootstrapAdmin(e: z.infer<typeof envSchema>, problems: string[]): Config['bootstrapAdmin'] {
  const email = e.SIPCALL_BOOTSTRAP_ADMIN_EMAIL;
  const password = e.SIPCALL_BOOTSTRAP_ADMIN_PASSWORD;
  if (email === undefined && password === undefined) return null;
  if (email === undefined || password === undefined) {
    problems.push('SIPCALL_BOOTSTRAP_ADMIN_EMAIL and SIPCALL_BOOTSTRAP_ADMIN_PASSWORD go together');
    return null;
  }
  if (password.length < 12 || isKnownDefault(password)) {
    problems.push('SIPCALL_BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters and not a known default');
    return null;
  }
  const displayName = e.SIPCALL_BOOTSTRAP_ADMIN_NAME ?? 'Administrator';
  const weakness = passwordWeakness(password, { email, displayName });
  if (weakness) {
    problems.push(`SIPCALL_BOOTSTRAP_ADMIN_PASSWORD ${weakness}`);
    return null;
  }
  return { email: email.toLowerCase(), password, displayName };
}

/**
 * Secrets for development: random, generated once per data directory and kept
 * there (mode 0600) so a restart keeps sessions and encrypted data readable.
 * Tests get fresh in-memory ones.
 */
function developmentSecrets(dataDir: string, persist: boolean) {
  const file = path.join(dataDir, 'development-secrets.json');
  let stored: Record<string, string> = {};
  if (persist && existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const fresh = {
    JWT_SECRET: () => randomBytes(48).toString('base64url'),
    SWITCH_HTTP_PASSWORD: () => randomBytes(24).toString('base64url'),
    ENCRYPTION_MASTER_KEY: () => randomBytes(32).toString('base64'),
    BLIND_INDEX_KEY: () => randomBytes(32).toString('base64'),
  };
  return {
    get(name: keyof typeof fresh, notices: string[]): string {
      let value = stored[name];
      if (value === undefined) {
        value = fresh[name]();
        stored[name] = value;
        if (persist) {
          mkdirSync(dataDir, { recursive: true });
          writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
        }
        notices.push(`${name} is not set: generated a development secret${persist ? ` (kept in ${file})` : ' for this process only'}`);
      } else {
        notices.push(`${name} is not set: using the development secret kept in ${file}`);
      }
      return value;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
