// The one reader of process.env. Everything the process needs from its
// environment is parsed here once, checked, and frozen; a missing or unsafe
// secret outside development stops the process with the variable's name, and
// every problem found is named at once.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isCurrency } from '../core/currency.js';
import { blankToUndefined, list, parseBootstrapAdmin, parseEnvironment, parseMail, parseCardDav, parseFraming, parseNextcloudSignIn, parseNextcloudUrl, parseOrigins, parseRouting, parseTrustProxy, switchNodes, type RawEnv } from './environment.js';
import { MIN_SECRET_LENGTH, developmentSecrets, encryptionKey, secret } from './secrets.js';
import type { Config } from './settings.js';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

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
  // Variables that do not parse are problems, and read as if unset for the checks
  // that follow: all of them run before anything is refused.
  const problems: string[] = [];
  const e = parseEnvironment(blankToUndefined(env), problems);
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
  if (!isCurrency(e.BILLING_CURRENCY)) problems.push(`BILLING_CURRENCY ${e.BILLING_CURRENCY} is not an ISO 4217 currency`);
  const { mail, publicUrl } = parseMail(e, problems);
  const nextcloudUrl = parseNextcloudUrl(e, problems);
  const framing = parseFraming(e, nextcloudUrl, publicUrl, problems);
  // Talk's documentation asks for at least 64 characters.
  const talkSecret = e.TALK_SHARED_SECRET === undefined ? null : (secret('TALK_SHARED_SECRET', e.TALK_SHARED_SECRET, 64, problems, null, relaxed) ?? null);
  if (talkSecret !== null && publicUrl === null) problems.push('PUBLIC_URL is required with TALK_SHARED_SECRET: Talk is given the web app\'s address to frame');
  const carddav = parseCardDav(e, nextcloudUrl, problems);
  const nextcloudClientSecret = e.NEXTCLOUD_CLIENT_SECRET === undefined ? null : (secret('NEXTCLOUD_CLIENT_SECRET', e.NEXTCLOUD_CLIENT_SECRET, 16, problems, null, relaxed) ?? null);
  const nextcloudSignIn = parseNextcloudSignIn(e, nextcloudUrl, publicUrl, nextcloudClientSecret, problems);
  const appSecret = e.NEXTCLOUD_APP_SECRET === undefined ? null : (secret('NEXTCLOUD_APP_SECRET', e.NEXTCLOUD_APP_SECRET, 32, problems, null, relaxed) ?? null);
  if (e.NEXTCLOUD_APP_SECRET !== undefined && (nextcloudUrl === null || publicUrl === null)) {
    problems.push("NEXTCLOUD_URL and PUBLIC_URL are required with NEXTCLOUD_APP_SECRET: an assertion names the instance that issued it and the SIPCall it is for");
  }
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
      framing,
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
      passwordLogin: e.PASSWORD_LOGIN,
      passwordResetRateLimit: {
        perAddress: { max: e.PASSWORD_RESET_RATE_LIMIT_MAX, windowSeconds: e.PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS },
        perEmail: { max: e.PASSWORD_RESET_EMAIL_RATE_LIMIT_MAX, windowSeconds: e.PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS },
      },
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
    billing: { currency: e.BILLING_CURRENCY, lowBalanceMinutes: e.LOW_BALANCE_MINUTES },
    cdrSpool: e.CDR_SPOOL_DIR
      ? { dir: path.resolve(cwd, e.CDR_SPOOL_DIR), archiveDir: e.CDR_SPOOL_ARCHIVE_DIR ? path.resolve(cwd, e.CDR_SPOOL_ARCHIVE_DIR) : null, sweepSeconds: e.CDR_SPOOL_SWEEP_SECONDS }
      : null,
    mail,
    talk: talkSecret === null ? null : { authUser: e.TALK_AUTH_USER, sharedSecret: talkSecret },
    publicUrl,
    carddav,
    nextcloudSignIn,
    nextcloudAdminGroup: e.NEXTCLOUD_ADMIN_GROUP ?? null,
    nextcloudApp: appSecret !== null && nextcloudUrl !== null && publicUrl !== null ? { issuer: nextcloudUrl, audience: publicUrl, secret: appSecret } : null,
    bootstrapAdmin,
    logLevel: e.LOG_LEVEL,
    dataDir,
    notices,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

