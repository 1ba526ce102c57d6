// The same repository tests on the embedded database and on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../src/audit/audit.service.js';
import { createPasswordHasher, type PasswordHasher } from '../src/crypto/password.js';
import { RefreshTokenStore } from '../src/auth/refresh-tokens.js';
import type { Database } from '../src/db/database.js';
import { ConflictError, NotFoundError } from '../src/core/errors.js';
import { UserService } from '../src/users/users.service.js';
import { FAST_ARGON2 } from './support/app.js';
import { databaseKinds, openTestDatabase } from './support/database.js';
import { Sessions } from '../src/auth/sessions.js';
import { MemoryState } from '../src/state/memory.js';
import { silentLogger } from './support/logger.js';

const CTX = { actor: { id: null, email: 'test' }, ip: '127.0.0.1' };

describe.each(databaseKinds)('repositories on %s', (kind) => {
  let db: Database;
  let passwords: PasswordHasher;
  let users: UserService;
  let audit: AuditService;
  let tokens: RefreshTokenStore;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    passwords = createPasswordHasher(FAST_ARGON2);
    audit = new AuditService(db.dataSource);
    tokens = new RefreshTokenStore(db.dataSource, 3600);
    users = new UserService({ dataSource: db.dataSource, passwords, audit, sessions: new Sessions({ refreshTokens: tokens, pubsub: new MemoryState().pubsub, log: silentLogger }) });
  });
  afterAll(async () => {
    await passwords?.close();
    await db?.close();
  });

  const auditCount = async () => Number((await db.dataSource.query('SELECT count(*)::int AS n FROM audit_log'))[0].n);

  describe('migrations', () => {
    it('created the tables and recorded themselves', async () => {
      const tables = await db.dataSource.query<Array<{ table_name: string }>>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(['audit_log', 'billing_accounts', 'billing_members', 'call_charges', 'call_reservations', 'cdrs', 'contacts', 'data_keys', 'dids', 'ledger_postings', 'ledger_transactions', 'nextcloud_address_books', 'nextcloud_connections', 'nextcloud_contacts', 'nextcloud_identities', 'password_reset_tokens', 'rate_deck_rows', 'rate_decks', 'refresh_tokens', 'schema_migrations', 'sip_credentials', 'users', 'vouchers']);
      const applied = await db.dataSource.query<Array<{ name: string }>>('SELECT name FROM schema_migrations');
      expect(applied.map((m) => m.name)).toEqual(['Foundation1763704800000', 'Routing1763712000000', 'CallRecords1763719200000', 'PasswordResets1763726400000', 'Contacts1764748800000', 'NextcloudContacts1764921600000', 'NextcloudIdentities1765008000000', 'Rates1765267200000', 'Ledger1765440000000']);
    });

    it('applies nothing the second time', async () => {
      expect(await db.migrate()).toEqual([]);
    });

    it('enforces lower-case emails and known roles in the schema itself', async () => {
      await expect(
        db.dataSource.query(`INSERT INTO users (email, display_name, role, password_hash) VALUES ('Upper@Example.com', 'x', 'user', 'h')`),
      ).rejects.toThrow(/check constraint/);
      await expect(
        db.dataSource.query(`INSERT INTO users (email, display_name, role, password_hash) VALUES ('r@example.com', 'x', 'root', 'h')`),
      ).rejects.toThrow(/check constraint/);
    });
  });

  describe('users', () => {
    it('creates a user with a hashed password, lower-cased email, and an audit entry', async () => {
      const before = await auditCount();
      const user = await users.create({ email: 'Alice@Example.com', displayName: 'Alice', role: 'user', password: 'alice has a long password' }, CTX);
      expect(user).toMatchObject({ email: 'alice@example.com', displayName: 'Alice', role: 'user', disabled: false });
      expect(user).not.toHaveProperty('passwordHash');
      const stored = await users.findByEmail('ALICE@example.com');
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await passwords.verify(stored!.passwordHash, 'alice has a long password')).toBe(true);
      expect(await auditCount()).toBe(before + 1);
      const page = await audit.list({ limit: 1, targetId: user.id });
      expect(page.items[0]).toMatchObject({ action: 'user.create', outcome: 'ok', actorEmail: 'test', ip: '127.0.0.1' });
    });

    it('refuses a second user with the same email and writes nothing', async () => {
      const before = await auditCount();
      await expect(
        users.create({ email: 'alice@example.com', displayName: 'Other', role: 'admin', password: 'another long password' }, CTX),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await auditCount()).toBe(before);
      expect((await users.list({ limit: 10, q: 'alice' })).items).toHaveLength(1);
    });

    it('pages through users by email with a cursor and searches by name', async () => {
      for (const n of ['bob', 'carol', 'dave', 'erin']) {
        await users.create({ email: `${n}@example.com`, displayName: n.toUpperCase(), role: 'user', password: `${n} has a long password` }, CTX);
      }
      const first = await users.list({ limit: 2 });
      expect(first.items.map((u) => u.email)).toEqual(['alice@example.com', 'bob@example.com']);
      const second = await users.list({ limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((u) => u.email)).toEqual(['carol@example.com', 'dave@example.com']);
      expect((await users.list({ limit: 10, q: 'ERIN' })).items.map((u) => u.email)).toEqual(['erin@example.com']);
      expect((await users.list({ limit: 10, q: '%' })).items).toEqual([]);
    });

    it('audits a role change apart from other changes and ends the sessions it invalidates', async () => {
      const bob = (await users.findByEmail('bob@example.com'))!;
      const issued = await tokens.issue(bob.id);
      await users.update(bob.id, { role: 'admin', displayName: 'Robert' }, CTX);
      const page = await audit.list({ limit: 5, targetId: bob.id });
      expect(page.items.slice(0, 2).map((e) => e.action).sort()).toEqual(['user.role_change', 'user.update']);
      expect(page.items.find((e) => e.action === 'user.role_change')?.details).toEqual({ from: 'user', to: 'admin' });
      expect((await tokens.rotate(issued.token)).kind).toBe('invalid');
    });

    it('never removes the last enabled admin', async () => {
      const bob = (await users.findByEmail('bob@example.com'))!;
      await users.update(bob.id, { disabled: true }, CTX).catch(() => undefined);
      // bob was the only admin; the update above must have been refused
      expect((await users.findById(bob.id))?.disabled).toBe(false);
      await expect(users.update(bob.id, { role: 'user' }, CTX)).rejects.toMatchObject({ code: 'last_admin' });
      await expect(users.delete(bob.id, CTX)).rejects.toMatchObject({ code: 'last_admin' });
      const carol = (await users.findByEmail('carol@example.com'))!;
      await users.update(carol.id, { role: 'admin' }, CTX);
      await users.update(bob.id, { disabled: true }, CTX);
      expect((await users.findById(bob.id))?.disabled).toBe(true);
    });

    it('deletes a user, cascades their tokens, and keeps the audit trail readable', async () => {
      const dave = (await users.findByEmail('dave@example.com'))!;
      await tokens.issue(dave.id);
      await users.delete(dave.id, CTX);
      expect(await users.findById(dave.id)).toBeNull();
      const left = await db.dataSource.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [dave.id]);
      expect(left[0].n).toBe(0);
      const trail = await audit.list({ limit: 10, targetId: dave.id });
      expect(trail.items.map((e) => e.action)).toContain('user.delete');
      await expect(users.delete(dave.id, CTX)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('bootstraps an admin only while there are no users', async () => {
      expect(await users.bootstrapAdmin({ email: 'late@example.com', displayName: 'Late', password: 'a long enough password' }, CTX)).toBeNull();
      expect(await users.findByEmail('late@example.com')).toBeNull();
    });
  });

  describe('refresh tokens', () => {
    it('stores only a hash of the token', async () => {
      const erin = (await users.findByEmail('erin@example.com'))!;
      const issued = await tokens.issue(erin.id);
      const rows = await db.dataSource.query<Array<{ token_hash: string }>>('SELECT token_hash FROM refresh_tokens WHERE family_id = $1', [issued.familyId]);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.token_hash).not.toContain(issued.token);
    });

    it('rotates within the family and revokes the family when a spent token comes back', async () => {
      const erin = (await users.findByEmail('erin@example.com'))!;
      const first = await tokens.issue(erin.id);
      const rotated = await tokens.rotate(first.token);
      expect(rotated).toMatchObject({ kind: 'rotated', userId: erin.id });
      if (rotated.kind !== 'rotated') throw new Error('unreachable');
      expect(rotated.next.familyId).toBe(first.familyId);
      expect(await tokens.rotate(first.token)).toEqual({ kind: 'reused', userId: erin.id, familyId: first.familyId });
      // the successor died with its family
      expect((await tokens.rotate(rotated.next.token)).kind).toBe('invalid');
    });

    it('lets only one of two concurrent rotations of the same token win', async () => {
      const erin = (await users.findByEmail('erin@example.com'))!;
      const issued = await tokens.issue(erin.id);
      const results = await Promise.all([tokens.rotate(issued.token), tokens.rotate(issued.token)]);
      expect(results.map((r) => r.kind).sort()).toEqual(['reused', 'rotated']);
    });

    it('treats unknown, malformed and expired tokens as invalid', async () => {
      const erin = (await users.findByEmail('erin@example.com'))!;
      expect((await tokens.rotate('A'.repeat(43))).kind).toBe('invalid');
      expect((await tokens.rotate('not a token')).kind).toBe('invalid');
      const short = new RefreshTokenStore(db.dataSource, -1);
      const expired = await short.issue(erin.id);
      expect((await tokens.rotate(expired.token)).kind).toBe('invalid');
    });
  });
});
