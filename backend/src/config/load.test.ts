import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

const SAFE_PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(10) + 'a-random-looking-jwt-secret-value',
  ENCRYPTION_MASTER_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64'),
  FREESWITCH_NODES: 'esl://:Sup3r-long-esl-secret@10.0.0.5:8021',
  SWITCH_HTTP_PASSWORD: 'a-long-xml-curl-secret-value',
  BLIND_INDEX_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 11 + 3)).toString('base64'),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, { persistDevelopmentSecrets: false });
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('configuration in production', () => {
  it('starts with safe secrets and freezes the result', () => {
    const config = loadConfig(SAFE_PRODUCTION, { persistDevelopmentSecrets: false });
    expect(config.env).toBe('production');
    expect(config.switch.nodes).toEqual([{ name: '10.0.0.5:8021', host: '10.0.0.5', port: 8021, password: 'Sup3r-long-esl-secret' }]);
    expect(config.encryption.masterKey).toHaveLength(32);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.auth)).toBe(true);
    expect(() => {
      (config.auth as { jwtSecret: string }).jwtSecret = 'changed';
    }).toThrow(TypeError);
  });

  it('reads outgoing mail: the server, the sender and the address links point to', () => {
    const config = loadConfig({ ...SAFE_PRODUCTION, SMTP_URL: 'smtps://robot:s3cret@mail.example.com:465', MAIL_FROM: 'SIPCall <phone@example.com>', PUBLIC_URL: 'https://phone.example.com/' }, { persistDevelopmentSecrets: false });
    expect(config.mail).toEqual({ smtpUrl: 'smtps://robot:s3cret@mail.example.com:465', from: 'SIPCall <phone@example.com>' });
    expect(config.publicUrl).toBe('https://phone.example.com');
    expect(loadConfig(SAFE_PRODUCTION, { persistDevelopmentSecrets: false }).mail).toBeNull();
  });

  it.each([
    ['a missing JWT secret', { JWT_SECRET: undefined }, 'JWT_SECRET is required'],
    ['a short JWT secret', { JWT_SECRET: 'short-secret' }, 'JWT_SECRET is too short'],
    ['a known-default JWT secret', { JWT_SECRET: 'changeme' }, 'JWT_SECRET is a known default'],
    ['a JWT secret of one repeated character', { JWT_SECRET: 'a'.repeat(48) }, 'JWT_SECRET is not random'],
    ['a JWT secret of a repeated pattern', { JWT_SECRET: 'abc123'.repeat(8) }, 'JWT_SECRET is not random'],
    ['a JWT secret of few characters', { JWT_SECRET: 'ab01'.repeat(5) + 'ba10'.repeat(5) }, 'JWT_SECRET is not random'],
    ['a switch HTTP password of one repeated character', { SWITCH_HTTP_PASSWORD: 'x'.repeat(20) }, 'SWITCH_HTTP_PASSWORD is not random'],
    ['an ESL password of one repeated character', { FREESWITCH_NODES: 'esl://:zzzzzzzzzzzzzzzz@127.0.0.1:8021' }, 'FREESWITCH_NODES[0] ESL password is not random'],
    ['a missing encryption key', { ENCRYPTION_MASTER_KEY: undefined }, 'ENCRYPTION_MASTER_KEY is required'],
    ['an encryption key of the wrong size', { ENCRYPTION_MASTER_KEY: Buffer.alloc(16, 3).toString('base64') }, 'ENCRYPTION_MASTER_KEY must be exactly 32 bytes'],
    ['a constant encryption key', { ENCRYPTION_MASTER_KEY: Buffer.alloc(32, 0).toString('base64') }, 'ENCRYPTION_MASTER_KEY is not random'],
    ['missing switch nodes', { FREESWITCH_NODES: undefined }, 'FREESWITCH_NODES is required'],
    ['the ESL password ClueCon', { FREESWITCH_NODES: 'esl://:ClueCon@127.0.0.1:8021' }, 'FREESWITCH_NODES[0] uses the ESL password "ClueCon"'],
    ['ClueCon on the second node', { FREESWITCH_NODES: 'esl://:Sup3r-long-esl-secret@a:8021,esl://:ClueCon@b:8021' }, 'FREESWITCH_NODES[1] uses the ESL password "ClueCon"'],
    ['a short ESL password', { FREESWITCH_NODES: 'esl://:shorty@127.0.0.1:8021' }, 'FREESWITCH_NODES[0] ESL password is too short'],
    ['a malformed node URL', { FREESWITCH_NODES: 'tcp://127.0.0.1:8021' }, 'FREESWITCH_NODES[0] must look like esl://'],
    ['the SIP password 1234', { SIP_TRUNK_PASSWORD: '1234' }, 'SIP_TRUNK_PASSWORD is a known default'],
    ['a short SIP password', { SIP_TRUNK_PASSWORD: 'abc' }, 'SIP_TRUNK_PASSWORD is too short'],
    ['a permissive trust proxy', { TRUST_PROXY: 'true' }, 'TRUST_PROXY=true trusts any client'],
    ['a CORS wildcard', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS entry "*"'],
    ['a missing switch HTTP password', { SWITCH_HTTP_PASSWORD: undefined }, 'SWITCH_HTTP_PASSWORD is required'],
    ['a short switch HTTP password', { SWITCH_HTTP_PASSWORD: 'short' }, 'SWITCH_HTTP_PASSWORD is too short'],
    ['a missing blind-index key', { BLIND_INDEX_KEY: undefined }, 'BLIND_INDEX_KEY is required'],
    ['a blind-index key equal to the master key', { BLIND_INDEX_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64') }, 'BLIND_INDEX_KEY must differ'],
    ['a malformed retired key', { ENCRYPTION_RETIRED_KEYS: 'short' }, 'ENCRYPTION_RETIRED_KEYS[0] must be exactly 32 bytes'],
    ['a TURN secret without URLs', { TURN_SECRET: 'a-long-turn-secret-value' }, 'TURN_URLS and TURN_SECRET go together'],
    ['a bad allowed destination', { ALLOWED_DESTINATIONS: 'DE,Germany' }, 'ALLOWED_DESTINATIONS entries must be'],
    ['an SMTP URL that is not one', { SMTP_URL: 'mail.example.com:587', MAIL_FROM: 'phone@example.com', PUBLIC_URL: 'https://phone.example.com' }, 'SMTP_URL must look like smtp://'],
    ['an SMTP URL of another scheme', { SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'phone@example.com', PUBLIC_URL: 'https://phone.example.com' }, 'SMTP_URL must look like smtp://'],
    ['SMTP_URL without MAIL_FROM', { SMTP_URL: 'smtp://mail.example.com:587', PUBLIC_URL: 'https://phone.example.com' }, 'MAIL_FROM is required with SMTP_URL'],
    ['a MAIL_FROM that is not an address', { SMTP_URL: 'smtp://mail.example.com:587', MAIL_FROM: 'SIPCall', PUBLIC_URL: 'https://phone.example.com' }, 'MAIL_FROM must be a mail address'],
    ['MAIL_FROM without SMTP_URL', { MAIL_FROM: 'phone@example.com' }, 'MAIL_FROM is set but SMTP_URL is not'],
    ['SMTP_URL without PUBLIC_URL', { SMTP_URL: 'smtp://mail.example.com:587', MAIL_FROM: 'phone@example.com' }, 'PUBLIC_URL is required with SMTP_URL'],
    ['a PUBLIC_URL that is not a web address', { PUBLIC_URL: 'phone.example.com' }, 'PUBLIC_URL must be the web app'],
    ['a CARDDAV_URL that is not a web address', { CARDDAV_URL: 'cloud.example.com/remote.php/dav' }, 'CARDDAV_URL must be'],
    ['a NEXTCLOUD_URL with credentials in it', { NEXTCLOUD_URL: 'https://me:secret@cloud.example.com', PUBLIC_URL: 'https://phone.example.com' }, 'NEXTCLOUD_URL must be'],
    ['a sync period under a minute', { NEXTCLOUD_URL: 'https://cloud.example.com', PUBLIC_URL: 'https://phone.example.com', CARDDAV_SYNC_SECONDS: '5' }, 'CARDDAV_SYNC_SECONDS'],
    ['sign-in with Nextcloud without its client', { NEXTCLOUD_URL: 'https://cloud.example.com', PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_AUTH: 'oidc', NEXTCLOUD_CLIENT_SECRET: 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0' }, 'NEXTCLOUD_CLIENT_ID is required'],
    ['a short Nextcloud client secret', { NEXTCLOUD_URL: 'https://cloud.example.com', PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_AUTH: 'oauth2', NEXTCLOUD_CLIENT_ID: 'abc', NEXTCLOUD_CLIENT_SECRET: 'short' }, 'NEXTCLOUD_CLIENT_SECRET is too short'],
    ['sign-in with Nextcloud without NEXTCLOUD_URL', { PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_AUTH: 'oidc', NEXTCLOUD_CLIENT_ID: 'abc', NEXTCLOUD_CLIENT_SECRET: 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0' }, 'NEXTCLOUD_URL is required with NEXTCLOUD_AUTH'],
    ['a Nextcloud client but no NEXTCLOUD_AUTH', { NEXTCLOUD_URL: 'https://cloud.example.com', PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_CLIENT_ID: 'abc' }, 'NEXTCLOUD_AUTH is not'],
    ['an unknown PASSWORD_LOGIN', { PASSWORD_LOGIN: 'some' }, 'PASSWORD_LOGIN'],
    ['an app secret without the instance', { PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_APP_SECRET: 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0Df7Kx2Q' }, 'NEXTCLOUD_URL and PUBLIC_URL are required with NEXTCLOUD_APP_SECRET'],
    ['a short app secret', { NEXTCLOUD_URL: 'https://cloud.example.com', PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_APP_SECRET: 'Vb7kq2Xw9RtLm4Pz' }, 'NEXTCLOUD_APP_SECRET is too short'],
    ['a guessable first-admin password', { SIPCALL_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com', SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: 'password1234' }, 'SIPCALL_BOOTSTRAP_ADMIN_PASSWORD is too easy to guess'],
  ])('refuses %s and names the variable', (_what, override, expected) => {
    const problems = problemsOf({ ...SAFE_PRODUCTION, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('offers CardDAV address books at the Nextcloud’s DAV root, every 15 minutes unless told, or not at all', () => {
    expect(loadConfig(SAFE_PRODUCTION, { persistDevelopmentSecrets: false }).carddav).toBeNull();
    expect(loadConfig({ ...SAFE_PRODUCTION, PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_URL: 'https://cloud.example.com/' }, { persistDevelopmentSecrets: false }).carddav).toEqual({ url: 'https://cloud.example.com/remote.php/dav', syncSeconds: 900 });
    expect(
      loadConfig({ ...SAFE_PRODUCTION, PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_URL: 'https://cloud.example.com', CARDDAV_URL: 'https://dav.example.com/dav/', CARDDAV_SYNC_SECONDS: '300' }, { persistDevelopmentSecrets: false }).carddav,
    ).toEqual({ url: 'https://dav.example.com/dav', syncSeconds: 300 });
  });

  it('signs in with Nextcloud at PUBLIC_URL’s callback, rechecking every 5 minutes unless told', () => {
    const config = loadConfig(
      { ...SAFE_PRODUCTION, NEXTCLOUD_URL: 'https://cloud.example.com/', PUBLIC_URL: 'https://phone.example.com', NEXTCLOUD_AUTH: 'oidc', NEXTCLOUD_CLIENT_ID: 'sipcall', NEXTCLOUD_CLIENT_SECRET: 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0', PASSWORD_LOGIN: 'admins' },
      { persistDevelopmentSecrets: false },
    );
    expect(config.nextcloudSignIn).toEqual({ auth: 'oidc', url: 'https://cloud.example.com', clientId: 'sipcall', clientSecret: 'Vb7kq2Xw9RtLm4Pz8Hn3Jc6Ys1Ua5Ge0', redirectUri: 'https://phone.example.com/api/auth/nextcloud/callback', recheckSeconds: 300 });
    expect(config.nextcloudAdminGroup).toBeNull();
    expect(config.auth.passwordLogin).toBe('admins');
    expect(loadConfig(SAFE_PRODUCTION, { persistDevelopmentSecrets: false }).nextcloudSignIn).toBeNull();
  });

  it('reads the routing policy and allows the switches to call back', () => {
    const config = loadConfig({ ...SAFE_PRODUCTION, ALLOWED_DESTINATIONS: 'DE, AT,+4131', BLOCKED_PREFIXES: '+4990' });
    expect(config.routing).toMatchObject({ allowedCountries: ['DE', 'AT'], allowedPrefixes: ['+4131'], blockedPrefixes: ['+4990'], defaultCountry: 'DE', gateway: 'trunk' });
    expect(config.switchHttp.allowedIps).toEqual(['127.0.0.1', '::1', '10.0.0.5']);
  });

  it('lets exactly the switch addresses that are set call back: loopback is not added to them', () => {
    const config = loadConfig({ ...SAFE_PRODUCTION, SWITCH_ALLOWED_IPS: '10.0.0.9, 10.0.0.10' });
    expect(config.switchHttp.allowedIps).toEqual(['10.0.0.9', '10.0.0.10']);
  });

  it('refuses in production a METRICS_TOKEN that is short or a known default, naming it (it was once dropped silently)', () => {
    expect(problemsOf({ ...SAFE_PRODUCTION, METRICS_TOKEN: 'short-token' })).toEqual([expect.stringContaining('METRICS_TOKEN is too short')]);
    expect(problemsOf({ ...SAFE_PRODUCTION, METRICS_TOKEN: 'changeme' })).toEqual([expect.stringContaining('METRICS_TOKEN is a known default')]);
    expect(loadConfig({ ...SAFE_PRODUCTION, METRICS_TOKEN: 'a-long-random-metrics-token-9f3k' }, { persistDevelopmentSecrets: false }).metrics.token).toBe('a-long-random-metrics-token-9f3k');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/JWT_SECRET[\s\S]*ENCRYPTION_MASTER_KEY[\s\S]*FREESWITCH_NODES/);
  });

  it('names a variable that does not parse together with every other problem, not first and alone', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: '80a', EMERGENCY_POLICY: 'maybe', TRUST_PROXY: 'true' });
    expect(problems[0]).toBe('PORT: must be a whole number');
    expect(problems.join('\n')).toMatch(/EMERGENCY_POLICY[\s\S]*JWT_SECRET[\s\S]*ENCRYPTION_MASTER_KEY[\s\S]*FREESWITCH_NODES[\s\S]*TRUST_PROXY=true/);
  });

  it('rejects a non-numeric port with the variable name', () => {
    expect(problemsOf({ ...SAFE_PRODUCTION, PORT: '80a' })).toEqual(['PORT: must be a whole number']);
  });

  it('reads the drain window after SIGTERM, 5 s unless told, and refuses a negative or huge one', () => {
    expect(loadConfig(SAFE_PRODUCTION).http.drainSeconds).toBe(5);
    expect(loadConfig({ ...SAFE_PRODUCTION, SHUTDOWN_DRAIN_SECONDS: '0' }).http.drainSeconds).toBe(0);
    expect(problemsOf({ ...SAFE_PRODUCTION, SHUTDOWN_DRAIN_SECONDS: '-1' })[0]).toContain('SHUTDOWN_DRAIN_SECONDS');
    expect(problemsOf({ ...SAFE_PRODUCTION, SHUTDOWN_DRAIN_SECONDS: '3600' })[0]).toContain('SHUTDOWN_DRAIN_SECONDS');
  });

  it('caps the access-token lifetime at 15 minutes', () => {
    expect(problemsOf({ ...SAFE_PRODUCTION, ACCESS_TOKEN_TTL_SECONDS: '3600' })[0]).toContain('ACCESS_TOKEN_TTL_SECONDS');
  });

  it('accepts trust proxy as hops or a list of subnets', () => {
    expect(loadConfig({ ...SAFE_PRODUCTION, TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(loadConfig({ ...SAFE_PRODUCTION, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig(SAFE_PRODUCTION).http.trustProxy).toBe(false);
  });
});

describe('configuration in development', () => {
  it('starts with no secrets at all, generating them and saying so', () => {
    const config = loadConfig({}, { persistDevelopmentSecrets: false });
    expect(config.env).toBe('development');
    expect(config.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.encryption.masterKey).toHaveLength(32);
    expect(config.database.kind).toBe('embedded');
    expect(config.redis).toBeNull();
    expect(config.switch.nodes).toEqual([]);
    expect(config.notices.join('\n')).toMatch(/JWT_SECRET is not set: generated[\s\S]*ENCRYPTION_MASTER_KEY is not set: generated[\s\S]*FREESWITCH_NODES is not set/);
  });

  it('keeps generated secrets in the data directory, private, and reuses them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-config-'));
    const first = loadConfig({ SIPCALL_DATA_DIR: dir }, { persistDevelopmentSecrets: true });
    const second = loadConfig({ SIPCALL_DATA_DIR: dir }, { persistDevelopmentSecrets: true });
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.encryption.masterKey.equals(first.encryption.masterKey)).toBe(true);
    const file = path.join(dir, 'development-secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('JWT_SECRET', first.auth.jwtSecret);
  });

  it('generates only what is missing, and says so only for that', () => {
    const config = loadConfig({ JWT_SECRET: 'a-given-development-jwt-secret-1234567', SWITCH_HTTP_PASSWORD: 'given-switch-password' }, { persistDevelopmentSecrets: false });
    expect(config.auth.jwtSecret).toBe('a-given-development-jwt-secret-1234567');
    expect(config.switchHttp.password).toBe('given-switch-password');
    expect(config.notices.join('\n')).not.toMatch(/JWT_SECRET|SWITCH_HTTP_PASSWORD/);
    expect(config.notices.join('\n')).toMatch(/ENCRYPTION_MASTER_KEY is not set/);
  });

  it('still refuses ClueCon, even in development', () => {
    expect(problemsOf({ FREESWITCH_NODES: 'esl://:ClueCon@127.0.0.1:8021' })[0]).toContain('ClueCon');
  });

  it('uses PostgreSQL and Redis when their URLs are set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db/sipcall', REDIS_URL: 'redis://cache:6379' }, { persistDevelopmentSecrets: false });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db/sipcall' });
    expect(config.redis).toEqual({ url: 'redis://cache:6379' });
  });

  it('requires the bootstrap admin email and password together', () => {
    expect(problemsOf({ SIPCALL_BOOTSTRAP_ADMIN_EMAIL: 'a@example.com' })[0]).toContain('go together');
  });
});
