// Encryption at rest on both databases: tampering and swapping fail, rotation
// keeps everything readable, erasure makes one owner unreadable, and a copy of
// the data taken before the erasure cannot be read afterwards either.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, open, seal, sodiumReady } from '../src/crypto/field-cipher.js';
import { BlindIndex, KeyRing, SYSTEM_OWNER, masterKeyId, ownerOfUser, prepareKeyStore } from '../src/crypto/keys.js';
import type { Database } from '../src/db/database.js';
import { databaseKinds, openTestDatabase } from './support/database.js';

const ctx = (row: string, column = 'destination_enc') => ({ table: 'cdrs', column, row });

describe('sealed fields', () => {
  const key = randomBytes(32);
  beforeAll(() => sodiumReady());

  it('round-trips, with a fresh nonce every time', () => {
    const a = seal('+4930123456', key, 'd1', ctx('r1'));
    const b = seal('+4930123456', key, 'd1', ctx('r1'));
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.d1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('4930123456');
    expect(open(a, key, ctx('r1'))).toBe('+4930123456');
  });

  it.each([
    ['a flipped bit', (s: string) => s.slice(0, -3) + (s.at(-3) === 'A' ? 'B' : 'A') + s.slice(-2)],
    ['a truncated value', (s: string) => s.slice(0, -10)],
    ['another key id in the prefix', (s: string) => s.replace('.d1.', '.d2.')],
  ])('refuses %s', (_what, mangle) => {
    expect(() => open(mangle(seal('+4930123456', key, 'd1', ctx('r1'))), key, ctx('r1'))).toThrow(DecryptionError);
  });

  it('refuses a value moved to another row or column', () => {
    const sealed = seal('+4930123456', key, 'd1', ctx('r1'));
    expect(() => open(sealed, key, ctx('r2'))).toThrow(DecryptionError);
    expect(() => open(sealed, key, ctx('r1', 'caller_enc'))).toThrow(DecryptionError);
  });

  it('refuses the wrong key', () => {
    expect(() => open(seal('x', key, 'd1', ctx('r1')), randomBytes(32), ctx('r1'))).toThrow(DecryptionError);
  });

  it('indexes numbers by a keyed hash: stable, key-dependent, not the number', () => {
    const index = new BlindIndex(randomBytes(32));
    expect(index.of('+4930123456')).toBe(index.of('+4930123456'));
    expect(index.of('+4930123456')).not.toBe(index.of('+4930123457'));
    expect(new BlindIndex(randomBytes(32)).of('+4930123456')).not.toBe(index.of('+4930123456'));
    expect(index.of('+4930123456')).not.toContain('4930123456');
  });
});

describe.each(databaseKinds)('data keys on %s', (kind) => {
  let db: Database;
  const oldMaster = randomBytes(32);
  const newMaster = randomBytes(32);
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db?.close());

  it('seals per owner, rotates the master key, and erases one owner only', async () => {
    const ring = new KeyRing(db.dataSource, oldMaster);
    const alice = ownerOfUser('11111111-1111-4111-8111-111111111111');
    const bob = ownerOfUser('22222222-2222-4222-8222-222222222222');
    const values = await Promise.all(
      Array.from({ length: 30 }, (_, i) => ring.seal(i % 3 === 0 ? alice : i % 3 === 1 ? bob : SYSTEM_OWNER, `+49301234${String(i).padStart(3, '0')}`, ctx(`row-${i}`))),
    );
    // concurrent first use still made one key per owner
    expect((await db.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM data_keys`))[0]!.n).toBe(3);
    const backupOfKeys = await db.dataSource.query<unknown[]>(`SELECT * FROM data_keys`);

    // Rotation: a ring that knows the new master and the old one re-wraps everything...
    const rotating = new KeyRing(db.dataSource, newMaster, [oldMaster]);
    const seen: string[] = [];
    const result = await rotating.rotate((p) => seen.push(`${p.done}/${p.total}`), 2);
    expect(result).toEqual({ done: 3, total: 3 });
    expect(seen).toEqual(['0/3', '2/3', '3/3']);
    expect(await rotating.rotate()).toEqual({ done: 0, total: 0 });
    // ...after which the old master can go, and every row still reads.
    const after = new KeyRing(db.dataSource, newMaster);
    expect(after.currentMasterId).toBe(masterKeyId(newMaster));
    for (const [i, v] of values.entries()) expect(await after.open(v, ctx(`row-${i}`))).toBe(`+49301234${String(i).padStart(3, '0')}`);

    // Erasure: alice's values are unreadable, bob's and the system's still read.
    expect(await after.erase(alice)).toBe(true);
    const fresh = new KeyRing(db.dataSource, newMaster);
    for (const [i, v] of values.entries()) {
      const plain = await fresh.open(v, ctx(`row-${i}`));
      expect(plain).toBe(i % 3 === 0 ? null : `+49301234${String(i).padStart(3, '0')}`);
    }

    // A restored backup of the data keys from before rotation and erasure: wrapped by the old master,
    // which is gone from the configuration, so even alice's old key cannot be unwrapped.
    await db.dataSource.query(`DELETE FROM data_keys`);
    for (const r of backupOfKeys as Array<{ owner: string; key_id: string; master_key_id: string; wrapped: string }>) {
      await db.dataSource.query(`INSERT INTO data_keys (owner, key_id, master_key_id, wrapped) VALUES ($1, $2, $3, $4)`, [r.owner, r.key_id, r.master_key_id, r.wrapped]);
    }
    await expect(new KeyRing(db.dataSource, newMaster).open(values[0]!, ctx('row-0'))).rejects.toThrow(/is not configured/);
  });
});

describe.each(databaseKinds)('a separate key store on %s', (kind) => {
  let main: Database;
  let keystore: Database;
  beforeAll(async () => {
    [main, keystore] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
    await prepareKeyStore(keystore.dataSource);
  });
  afterAll(async () => {
    await main?.close();
    await keystore?.close();
  });

  it('keeps an erasure when an old backup of the main database is restored, while others still read', async () => {
    const ring = new KeyRing(keystore.dataSource, randomBytes(32));
    const alice = ownerOfUser('11111111-1111-4111-8111-111111111111');
    const bob = ownerOfUser('22222222-2222-4222-8222-222222222222');
    await main.dataSource.query(`CREATE TABLE sealed (row text PRIMARY KEY, value text NOT NULL)`);
    for (const [row, owner] of [['a', alice], ['b', bob]] as const) {
      await main.dataSource.query(`INSERT INTO sealed VALUES ($1, $2)`, [row, await ring.seal(owner, `+49301234567${row}`, ctx(row))]);
    }
    const backup = await main.dataSource.query<Array<{ row: string; value: string }>>(`SELECT * FROM sealed ORDER BY row`);
    // the main database holds no key material at all
    expect((await main.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM data_keys`))[0]!.n).toBe(0);

    await ring.erase(alice);
    await main.dataSource.query(`DELETE FROM sealed`);
    for (const r of backup) await main.dataSource.query(`INSERT INTO sealed VALUES ($1, $2)`, [r.row, r.value]); // the restore

    const reader = new KeyRing(keystore.dataSource, randomBytes(32)); // any process, any master: the data key is what matters
    const restored = await main.dataSource.query<Array<{ row: string; value: string }>>(`SELECT * FROM sealed ORDER BY row`);
    await expect(reader.open(restored[0]!.value, ctx('a'))).resolves.toBeNull();
    // bob's key is wrapped by the first ring's master: read with it
    await expect(ring.open(restored[1]!.value, ctx('b'))).resolves.toBe('+49301234567b');
  });
});
