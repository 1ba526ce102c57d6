// Envelope encryption. Each owner of personal data (a user, or "system" for
// records with no user) has a random data key; data keys are stored wrapped
// by the master key. Erasing a user deletes their data key: everything sealed
// with it, in the database and in every backup, becomes unreadable, while
// everyone else's still reads (crypto-shredding). Rotating the master key
// re-wraps the few data keys, not the millions of records.
import { createHash, createHmac, randomBytes } from 'node:crypto';
/** The one thing the key ring needs of a database. */
export interface KeyStore {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** The data-key table, for a key store that is not the main database (the main one has it by migration). */
export async function prepareKeyStore(store: KeyStore): Promise<void> {
  await store.query(`CREATE TABLE IF NOT EXISTS data_keys (
    owner text PRIMARY KEY, key_id text NOT NULL UNIQUE, master_key_id text NOT NULL, wrapped text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
}
import { DecryptionError, KEY_BYTES, open, openBytes, seal, sodiumReady, type FieldContext } from './field-cipher.js';

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** A master key's id: derived from the key, so configuration needs only the keys. */
export function masterKeyId(key: Buffer): string {
  return `m${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

export const SYSTEM_OWNER = 'system';
export const ownerOfUser = (userId: string) => `user:${userId}`;

interface DataKey {
  id: string;
  key: Buffer;
}

export interface RotationProgress {
  done: number;
  total: number;
}

export class KeyRing {
  private readonly masters: Map<string, Buffer>;
  private readonly current: MasterKey;
  private readonly byOwner = new Map<string, DataKey>();
  private readonly byId = new Map<string, DataKey | null>();

  constructor(
    /**
     * Where data keys live. By default the main database; in production a
     * separate one (KEYSTORE_URL) kept out of the main database's backups, so
     * that restoring an old backup after an erasure cannot bring the key back.
     */
    private readonly store: KeyStore,
    current: Buffer,
    retired: readonly Buffer[] = [],
  ) {
    this.current = { id: masterKeyId(current), key: current };
    this.masters = new Map([[this.current.id, current], ...retired.map((k) => [masterKeyId(k), k] as [string, Buffer])]);
  }

  get currentMasterId(): string {
    return this.current.id;
  }

  /** Seals a field with its owner's data key, creating the key on first use. */
  async seal(owner: string, plaintext: string | Uint8Array, ctx: FieldContext): Promise<string> {
    await sodiumReady();
    const dk = await this.dataKeyFor(owner);
    return seal(plaintext, dk.key, dk.id, ctx);
  }

  /** Opens a sealed field; null when its data key was erased. Tampering still throws. */
  async open(stored: string, ctx: FieldContext): Promise<string | null> {
    await sodiumReady();
    const id = stored.split('.')[1] ?? '';
    const dk = await this.dataKeyById(id);
    if (!dk) return null;
    return open(stored, dk.key, ctx);
  }

  /** As open, for a value sealed from bytes. */
  async openBytes(stored: string, ctx: FieldContext): Promise<Uint8Array | null> {
    await sodiumReady();
    const dk = await this.dataKeyById(stored.split('.')[1] ?? '');
    return dk ? openBytes(stored, dk.key, ctx) : null;
  }

  /** Crypto-shredding: the owner's data key is gone, and with it every value it sealed. */
  async erase(owner: string): Promise<boolean> {
    // DELETE … RETURNING answers [rows, count] through TypeORM's postgres driver.
    const [removed] = await this.store.query<[Array<{ key_id: string }>, number]>(`DELETE FROM data_keys WHERE owner = $1 RETURNING key_id`, [owner]);
    this.byOwner.delete(owner);
    for (const r of removed) this.byId.set(r.key_id, null);
    return removed.length > 0;
  }

  /**
   * Re-wraps every data key still wrapped by another master key, in batches,
   * reporting progress. Safe to stop and run again: it only touches what is
   * left. Afterwards the retired master keys can be removed from the config.
   */
  async rotate(onProgress?: (p: RotationProgress) => void, batch = 200): Promise<RotationProgress> {
    await sodiumReady();
    const counted = await this.store.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM data_keys WHERE master_key_id <> $1`, [this.current.id]);
    const progress = { done: 0, total: counted[0]?.n ?? 0 };
    onProgress?.(progress);
    for (;;) {
      const rows = await this.store.query<Array<{ owner: string; key_id: string; master_key_id: string; wrapped: string }>>(
        `SELECT owner, key_id, master_key_id, wrapped FROM data_keys WHERE master_key_id <> $1 ORDER BY owner LIMIT $2`,
        [this.current.id, batch],
      );
      if (rows.length === 0) return progress;
      for (const r of rows) {
        const key = this.unwrap(r);
        await this.store.query(`UPDATE data_keys SET master_key_id = $1, wrapped = $2 WHERE owner = $3 AND master_key_id = $4`, [
          this.current.id,
          this.wrap(r.owner, r.key_id, key),
          r.owner,
          r.master_key_id,
        ]);
        progress.done++;
      }
      onProgress?.(progress);
    }
  }

  private async dataKeyFor(owner: string): Promise<DataKey> {
    const cached = this.byOwner.get(owner);
    if (cached) return cached;
    const existing = await this.store.query<Array<{ owner: string; key_id: string; master_key_id: string; wrapped: string }>>(`SELECT * FROM data_keys WHERE owner = $1`, [owner]);
    if (existing[0]) return this.remember(owner, existing[0].key_id, this.unwrap(existing[0]));
    const id = `d${randomBytes(6).toString('hex')}`;
    const key = randomBytes(KEY_BYTES);
    // Two processes may race to create an owner's first key: the first insert wins, the other reads it.
    await this.store.query(`INSERT INTO data_keys (owner, key_id, master_key_id, wrapped) VALUES ($1, $2, $3, $4) ON CONFLICT (owner) DO NOTHING`, [owner, id, this.current.id, this.wrap(owner, id, key)]);
    this.byOwner.delete(owner);
    return this.dataKeyFor(owner);
  }

  private async dataKeyById(id: string): Promise<DataKey | null> {
    if (this.byId.has(id)) return this.byId.get(id)!;
    const rows = await this.store.query<Array<{ owner: string; key_id: string; master_key_id: string; wrapped: string }>>(`SELECT * FROM data_keys WHERE key_id = $1`, [id]);
    if (!rows[0]) return null; // erased (not cached: a key cannot come back, but a typo in an id should not stick)
    return this.remember(rows[0].owner, rows[0].key_id, this.unwrap(rows[0]));
  }

  private remember(owner: string, id: string, key: Buffer): DataKey {
    const dk = { id, key };
    this.byOwner.set(owner, dk);
    this.byId.set(id, dk);
    return dk;
  }

  private wrap(owner: string, keyId: string, key: Buffer): string {
    return seal(key.toString('base64'), this.current.key, this.current.id, wrapContext(owner, keyId));
  }

  private unwrap(row: { owner: string; key_id: string; master_key_id: string; wrapped: string }): Buffer {
    const master = this.masters.get(row.master_key_id);
    if (!master) throw new DecryptionError(`master key ${row.master_key_id} is not configured (add it to ENCRYPTION_RETIRED_KEYS and run sipcall keys rotate)`);
    return Buffer.from(open(row.wrapped, master, wrapContext(row.owner, row.key_id)), 'base64');
  }
}

const wrapContext = (owner: string, keyId: string): FieldContext => ({ table: 'data_keys', column: 'wrapped', row: `${owner}/${keyId}` });

/**
 * Search by number without storing it: a keyed hash (its own key, not the
 * master) of the normalised E.164 number. Equal numbers give equal indexes;
 * nothing about the number can be read from one without the key.
 */
export class BlindIndex {
  constructor(private readonly key: Buffer) {}

  of(e164: string): string {
    return createHmac('sha256', this.key).update(`e164:${e164}`).digest('base64url').slice(0, 32);
  }

  /** The same keyed hash over another kind of value (a URL, say), kept apart from numbers by its purpose. */
  ofText(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${value}`).digest('base64url').slice(0, 32);
  }
}
