// The environment's variables: their schema, and the settings made of several
// variables or of lists (switch nodes, proxies, origins, routing, the
// bootstrap admin). Every parser adds what is wrong to `problems` and goes on,
// so one start-up names every problem at once.
import { z } from 'zod';
import { passwordWeakness } from '../core/password-policy.js';
import { MIN_SWITCH_PASSWORD_LENGTH, isKnownDefault, isPatterned } from './secrets.js';
import { framingFor, type Framing } from './framing.js';
import type { Config, SwitchNodeConfig } from './settings.js';

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const envSchema = z.object({
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
  PASSWORD_RESET_RATE_LIMIT_MAX: intString(1, 10_000).default(10),
  PASSWORD_RESET_EMAIL_RATE_LIMIT_MAX: intString(1, 1_000).default(3),
  PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS: intString(60, 86_400).default(3600),
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
  BILLING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code like EUR').default('EUR'),
  LOW_BALANCE_MINUTES: intString(0, 10_000).default(10),
  SIPCALL_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: z.string().optional(),
  SIPCALL_BOOTSTRAP_ADMIN_NAME: z.string().min(1).max(200).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  PUBLIC_URL: z.string().optional(),
  NEXTCLOUD_URL: z.string().optional(),
  FRAME_ANCESTORS: z.string().default(''),
  TALK_SHARED_SECRET: z.string().optional(),
  TALK_AUTH_USER: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be a user name of letters, digits and ._@-').default('nextcloud'),
  NEXTCLOUD_AUTH: z.enum(['oidc', 'oauth2']).optional(),
  NEXTCLOUD_CLIENT_ID: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be the client identifier Nextcloud showed').optional(),
  NEXTCLOUD_CLIENT_SECRET: z.string().optional(),
  NEXTCLOUD_ADMIN_GROUP: z.string().min(1).max(255).optional(),
  NEXTCLOUD_RECHECK_SECONDS: intString(30, 86_400).default(300),
  NEXTCLOUD_APP_SECRET: z.string().optional(),
  PASSWORD_LOGIN: z.enum(['all', 'admins', 'off']).default('all'),
  CARDDAV_URL: z.string().optional(),
  CARDDAV_SYNC_SECONDS: intString(60, 86_400).default(900),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** The same variables, each falling back to what it means when unset if its value does not parse. */
const lenientSchema = z.object(
  Object.fromEntries(
    Object.entries(envSchema.shape).map(([name, schema]: [string, z.ZodType]) => {
      const unset = schema.safeParse(undefined);
      return [name, schema.catch(unset.success ? unset.data : undefined)];
    }),
  ),
);

/** The environment's variables; every one that does not parse is a problem. */
export function parseEnvironment(env: RawEnv, problems: string[]): Env {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return lenientSchema.parse(env) as Env;
}
export type RawEnv = Record<string, string | undefined>;

export function blankToUndefined(env: RawEnv): RawEnv {
  const out: RawEnv = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === undefined || v.trim() === '' ? undefined : v;
  return out;
}

const ESL_URL = /^esl:\/\/(?:[^:@/]*):([^@/]+)@([^:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/;

export function switchNodes(value: string | undefined, relaxed: boolean, problems: string[], notices: string[]): SwitchNodeConfig[] {
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

export function parseTrustProxy(value: string, problems: string[]): Config['http']['trustProxy'] {
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

export function parseOrigins(value: string, problems: string[]): string[] {
  const origins = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!isOrigin(origin)) problems.push(`CORS_ORIGINS entry "${origin}" must be an origin like https://cloud.example.com (no path, no wildcard)`);
  }
  return origins;
}

/**
 * The origins that may frame the web app: the Nextcloud instance's and any
 * listed in FRAME_ANCESTORS, and the SameSite the session cookie then needs.
 */
export function parseFraming(e: Env, nextcloudUrl: string | null, publicUrl: string | null, problems: string[]): Framing {
  const ancestors: string[] = nextcloudUrl === null ? [] : [new URL(nextcloudUrl).origin];
  for (const origin of list(e.FRAME_ANCESTORS)) {
    if (isOrigin(origin)) ancestors.push(origin);
    else problems.push(`FRAME_ANCESTORS entry "${origin}" must be an origin like https://cloud.example.com (no path, no wildcard)`);
  }
  const framing = framingFor(publicUrl, ancestors);
  if (e.NODE_ENV === 'production' && framing.ancestors.length > 0) {
    if (publicUrl === null) problems.push('PUBLIC_URL is required when NEXTCLOUD_URL or FRAME_ANCESTORS is set: the web app\'s address decides how its cookie works inside another page');
    else if (framing.cookieSameSite === 'none' && !publicUrl.startsWith('https:')) problems.push('PUBLIC_URL must be https:// when another site frames the web app: its cookie must be Secure');
  }
  return framing;
}

export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseRouting(e: Env, problems: string[]): Config['routing'] {
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

export function parseBootstrapAdmin(e: Env, problems: string[]): Config['bootstrapAdmin'] {
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

/** `addr@example.com` or `Name <addr@example.com>`: the address inside, or null when there is none. */
function mailAddress(value: string): string | null {
  const m = /^\s*(?:[^<>]*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  const address = m?.[1] ?? m?.[2];
  return address !== undefined && z.email().safeParse(address).success ? address : null;
}

/**
 * Outgoing mail (password reset links): an SMTP server, who the mail is from,
 * and the web app's address the links point to. All or nothing.
 */
export function parseMail(e: Env, problems: string[]): { mail: Config['mail']; publicUrl: string | null } {
  let publicUrl: string | null = null;
  if (e.PUBLIC_URL !== undefined) {
    try {
      const u = new URL(e.PUBLIC_URL);
      if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') throw new Error('not a web address');
      publicUrl = u.href.replace(/\/+$/, '');
    } catch {
      problems.push('PUBLIC_URL must be the web app\'s address, like https://phone.example.com (no query, no credentials)');
    }
  }
  if (e.SMTP_URL === undefined) {
    if (e.MAIL_FROM !== undefined) problems.push('MAIL_FROM is set but SMTP_URL is not: set both to send mail, or neither');
    return { mail: null, publicUrl };
  }
  let smtpUrl: string | null = null;
  try {
    const u = new URL(e.SMTP_URL);
    if ((u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || u.hostname === '') throw new Error('not an SMTP address');
    smtpUrl = e.SMTP_URL;
  } catch {
    problems.push('SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  let from: string | null = null;
  if (e.MAIL_FROM === undefined) problems.push('MAIL_FROM is required with SMTP_URL: the address mail is sent from, like SIPCall <phone@example.com>');
  else if (mailAddress(e.MAIL_FROM) === null) problems.push('MAIL_FROM must be a mail address, like phone@example.com or SIPCall <phone@example.com>');
  else from = e.MAIL_FROM.trim();
  if (e.PUBLIC_URL === undefined) problems.push('PUBLIC_URL is required with SMTP_URL: the web app\'s address the mailed links point to, like https://phone.example.com');
  return { mail: smtpUrl !== null && from !== null ? { smtpUrl, from } : null, publicUrl };
}

/** An http(s) address with no query, fragment or credentials, without its trailing slash; null when it is not one. */
function webAddress(value: string): string | null {
  try {
    const u = new URL(value);
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') return null;
    return u.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * The users' Nextcloud address books over CardDAV: the DAV root (CARDDAV_URL,
 * else NEXTCLOUD_URL's /remote.php/dav) and how often connected books are
 * synced. No root: the feature is off.
 */
export function parseCardDav(e: Env, nextcloudUrl: string | null, problems: string[]): Config['carddav'] {
  let root: string | null = null;
  if (e.CARDDAV_URL !== undefined) {
    root = webAddress(e.CARDDAV_URL);
    if (root === null) problems.push("CARDDAV_URL must be the CardDAV server's DAV root, like https://cloud.example.com/remote.php/dav (no query, no credentials)");
  } else if (nextcloudUrl !== null) {
    root = `${nextcloudUrl}/remote.php/dav`;
  }
  return root === null ? null : { url: root, syncSeconds: e.CARDDAV_SYNC_SECONDS };
}

/** The Nextcloud instance (NEXTCLOUD_URL) without its trailing slash: what frames the web app, holds the address books and signs people in. */
export function parseNextcloudUrl(e: Env, problems: string[]): string | null {
  if (e.NEXTCLOUD_URL === undefined) return null;
  const base = webAddress(e.NEXTCLOUD_URL);
  if (base === null) problems.push("NEXTCLOUD_URL must be the Nextcloud's address, like https://cloud.example.com (no query, no credentials)");
  return base;
}

/**
 * Sign-in with Nextcloud (NEXTCLOUD_AUTH): its OpenID Connect provider app
 * (oidc) or its built-in OAuth2 app (oauth2), as a confidential client whose
 * redirect URI is PUBLIC_URL/api/auth/nextcloud/callback.
 */
export function parseNextcloudSignIn(e: Env, nextcloudUrl: string | null, publicUrl: string | null, clientSecret: string | null, problems: string[]): Config['nextcloudSignIn'] {
  const named = e.NEXTCLOUD_CLIENT_ID !== undefined || e.NEXTCLOUD_CLIENT_SECRET !== undefined;
  if (e.NEXTCLOUD_AUTH === undefined) {
    if (named) problems.push('NEXTCLOUD_CLIENT_ID and NEXTCLOUD_CLIENT_SECRET are set but NEXTCLOUD_AUTH is not: set it to oidc or oauth2, or leave all three unset');
    return null;
  }
  if (nextcloudUrl === null) problems.push('NEXTCLOUD_URL is required with NEXTCLOUD_AUTH: the instance people sign in with');
  if (e.NEXTCLOUD_CLIENT_ID === undefined) problems.push('NEXTCLOUD_CLIENT_ID is required with NEXTCLOUD_AUTH: the client identifier Nextcloud showed when the client was added');
  if (e.NEXTCLOUD_CLIENT_SECRET === undefined) problems.push('NEXTCLOUD_CLIENT_SECRET is required with NEXTCLOUD_AUTH: the client secret Nextcloud showed when the client was added');
  if (publicUrl === null) problems.push("PUBLIC_URL is required with NEXTCLOUD_AUTH: Nextcloud sends people back to PUBLIC_URL/api/auth/nextcloud/callback");
  if (nextcloudUrl === null || e.NEXTCLOUD_CLIENT_ID === undefined || clientSecret === null || publicUrl === null) return null;
  return {
    auth: e.NEXTCLOUD_AUTH,
    url: nextcloudUrl,
    clientId: e.NEXTCLOUD_CLIENT_ID,
    clientSecret,
    redirectUri: `${publicUrl}/api/auth/nextcloud/callback`,
    recheckSeconds: e.NEXTCLOUD_RECHECK_SECONDS,
  };
}
