// Encryption of personal fields at rest: XChaCha20-Poly1305 (IETF AEAD, via
// libsodium), a random 24-byte nonce per value from Node's RNG, and
// associated data that binds a ciphertext to its table, column, row and key:
// a value copied to another row or column, or edited, fails to decrypt.
// Stored form: `v1.<keyId>.<base64url(nonce ‖ ciphertext)>`.
import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';

export const NONCE_BYTES = 24;
export const KEY_BYTES = 32;

export interface FieldContext {
  table: string;
  column: string;
  /** The row's stable identity (for call records: call uuid and leg). */
  row: string;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt: ${reason}`);
    this.name = 'DecryptionError';
  }
}

let ready: Promise<void> | null = null;
/** libsodium's WebAssembly must be loaded once before use. */
export function sodiumReady(): Promise<void> {
  ready ??= sodium.ready;
  return ready;
}

const aad = (keyId: string, ctx: FieldContext) => Buffer.from(`${ctx.table}\u0000${ctx.column}\u0000${ctx.row}\u0000${keyId}`);

// Nonces come from Node's CSPRNG in bulk: one system call per 256 values, not one each.
let pool = Buffer.alloc(0);
let poolAt = 0;
function nonce(): Buffer {
  if (poolAt + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * 256);
    poolAt = 0;
  }
  const n = Buffer.from(pool.subarray(poolAt, poolAt + NONCE_BYTES));
  poolAt += NONCE_BYTES;
  return n;
}

/** Encrypts with a 32-byte key known by `keyId`. Call sodiumReady() first. */
export function seal(plaintext: string | Uint8Array, key: Uint8Array, keyId: string, ctx: FieldContext): string {
  if (key.length !== KEY_BYTES) throw new Error('field keys are 32 bytes');
  const nonce_ = nonce();
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(bytes, aad(keyId, ctx), null, nonce_, key);
  return `v1.${keyId}.${Buffer.concat([nonce_, box]).toString('base64url')}`;
}

/** The key id a stored value was sealed with, without decrypting it. */
export function keyIdOf(stored: string): string {
  const parts = stored.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts[1]) throw new DecryptionError('not a sealed value');
  return parts[1];
}

export function open(stored: string, key: Uint8Array, ctx: FieldContext): string {
  return Buffer.from(openBytes(stored, key, ctx)).toString('utf8');
}

export function openBytes(stored: string, key: Uint8Array, ctx: FieldContext): Uint8Array {
  const keyId = keyIdOf(stored);
  const raw = Buffer.from(stored.split('.')[2]!, 'base64url');
  if (raw.length < NONCE_BYTES + 16) throw new DecryptionError('too short');
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, raw.subarray(NONCE_BYTES), aad(keyId, ctx), raw.subarray(0, NONCE_BYTES), key);
  } catch {
    throw new DecryptionError('authentication failed (wrong key, or the value was altered or moved)');
  }
}
