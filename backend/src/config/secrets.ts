// Secrets: none has a working default outside development, a known default or
// a guessable value is refused with the variable's name, and development gets
// random ones generated once per data directory.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Values shipped as examples by FreeSWITCH and countless tutorials; never accepted outside development. */
const KNOWN_DEFAULT_SECRETS = new Set(
  ['ClueCon', '1234', 'changeme', 'change-me', 'secret', 'password', 'admin', 'sipcall'].map((s) => s.toLowerCase()),
);
export const MIN_SECRET_LENGTH = 32;
export const MIN_SWITCH_PASSWORD_LENGTH = 12;

export function isKnownDefault(value: string): boolean {
  return KNOWN_DEFAULT_SECRETS.has(value.toLowerCase());
}

export function secret(
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
export function isPatterned(value: string): boolean {
  if (new Set(value).size < 8) return true;
  for (let unit = 1; unit <= 8 && unit * 2 <= value.length; unit++) {
    if (value === value.slice(0, unit).repeat(Math.ceil(value.length / unit)).slice(0, value.length)) return true;
  }
  return false;
}

export function encryptionKey(name: string, value: string | undefined, problems: string[], fallback: (() => string) | null | undefined): Buffer | undefined {
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

/**
 * Secrets for development: random, generated once per data directory and kept
 * there (mode 0600) so a restart keeps sessions and encrypted data readable.
 * Tests get fresh in-memory ones.
 */
export function developmentSecrets(dataDir: string, persist: boolean) {
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
