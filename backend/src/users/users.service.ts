// Accounts: who may sign in, with what role. Every change is audited in the
// same transaction, and the last enabled admin can never be removed.
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { PasswordHasher } from '../crypto/password.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import { assertStrongPassword } from '../core/password-policy.js';
import type { PublicUser, Role } from '../core/identity.js';
import { NO_PASSWORD, toPublicUser, UserEntity, type User } from './user.entity.js';
import type { AuditAction, UserPatch } from '@sipcall/contract';

export interface ActionContext {
  actor: AuditActor;
  ip: string | null;
}

export interface CreateUserInput {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  extension?: string | undefined;
  defaultCountry?: string | undefined;
}

/** What an admin may change about an account: the contract's patch. */
export type UpdateUserInput = UserPatch;

export interface ListUsersQuery {
  limit: number;
  cursor?: string;
  q?: string;
}

export interface UserPage {
  items: PublicUser[];
  nextCursor: string | null;
}

/** Why an account change ended its sessions. */
export type SessionEndReason = 'disabled' | 'role_change' | 'password_change' | 'password_reset';

/** How a password came to be set, as the audit trail names it. */
export interface PasswordChange {
  action: Extract<AuditAction, 'user.password_change' | 'user.password_reset' | 'auth.password_reset'>;
  /** The session that made the change, which stays signed in; every other one ends. */
  keepSession?: string | undefined;
  /** Where the password was in the request, for the policy's error. */
  field: string;
  /** Runs first inside the change's transaction (spending a reset link); throwing there changes nothing. */
  before?: (manager: EntityManager) => Promise<void>;
}

/** How an account change ends the account's sessions; the sign-in side (auth/) provides it. */
export interface AccountSessions {
  /** Revokes every session of the user (but one, when named), inside the change's own transaction. */
  revokeAll(userId: string, reason: SessionEndReason, manager: EntityManager, exceptSessionId?: string): Promise<unknown>;
  /** Once the change is committed: the user's sessions ended (here and on the other replicas). */
  ended(end: { userId: string; exceptSessionId?: string | undefined }): Promise<void>;
}

interface UserServiceDeps {
  dataSource: DataSource;
  passwords: PasswordHasher;
  audit: AuditService;
  sessions: AccountSessions;
}

const UNIQUE_VIOLATION = '23505';

export class UserService {
  private readonly changeListeners = new Set<(userId: string) => void>();

  constructor(private readonly deps: UserServiceDeps) {}

  /** Called after a user was changed or deleted (caches drop their copy). */
  onChanged(listener: (userId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(userId: string): void {
    for (const l of this.changeListeners) l(userId);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.deps.dataSource.manager.findOne(UserEntity, { where: { email: email.toLowerCase() } });
  }

  findById(id: string): Promise<User | null> {
    return this.deps.dataSource.manager.findOne(UserEntity, { where: { id } });
  }

  async get(id: string): Promise<PublicUser> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundError('User');
    return toPublicUser(user);
  }

  count(): Promise<number> {
    return this.deps.dataSource.manager.count(UserEntity);
  }

  /**
   * The other enabled users one can call, by name: display name and extension
   * only (no email, no id), matched on the name alone so nothing private can be probed.
   */
  async people(exceptId: string, q?: string): Promise<Array<{ displayName: string; extension: string }>> {
    const qb = this.deps.dataSource.manager
      .createQueryBuilder(UserEntity, 'u')
      .select(['u.displayName', 'u.extension'])
      .where('u.extension IS NOT NULL')
      .andWhere('u.disabled = false')
      .andWhere('u.id <> :exceptId', { exceptId })
      .orderBy('lower(u.displayName)', 'ASC')
      .limit(500);
    if (q !== undefined) qb.andWhere('lower(u.displayName) LIKE :like', { like: `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    return (await qb.getMany()).map((u) => ({ displayName: u.displayName, extension: u.extension! }));
  }

  /** Ordered by email; the cursor is the last email of the previous page. */
  async list(query: ListUsersQuery): Promise<UserPage> {
    const qb = this.deps.dataSource.manager
      .createQueryBuilder(UserEntity, 'u')
      .orderBy('u.email', 'ASC')
      .take(query.limit + 1);
    if (query.cursor !== undefined) qb.andWhere('u.email > :cursor', { cursor: query.cursor });
    if (query.q !== undefined) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.email LIKE :like OR lower(u.displayName) LIKE :like)', { like });
    }
    const rows = await qb.getMany();
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map(toPublicUser);
    return { items, nextCursor: more ? items[items.length - 1]!.email : null };
  }

  async create(input: CreateUserInput, ctx: ActionContext): Promise<PublicUser> {
    assertStrongPassword(input.password, input);
    const passwordHash = await this.deps.passwords.hash(input.password);
    const email = input.email.toLowerCase();
    try {
      return await this.deps.dataSource.transaction(async (m) => {
        const user = m.create(UserEntity, {
          email,
          displayName: input.displayName,
          role: input.role,
          passwordHash,
          disabled: false,
          extension: input.extension ?? null,
          defaultCountry: input.defaultCountry ?? null,
        });
        await m.insert(UserEntity, user);
        const saved = await m.findOneOrFail(UserEntity, { where: { email } });
        await this.deps.audit.record(
          { action: 'user.create', outcome: 'ok', ...ctx, target: { type: 'user', id: saved.id }, details: { email, role: input.role } },
          m,
        );
        return toPublicUser(saved);
      });
    } catch (err) {
      throw uniqueConflict(err);
    }
  }

  /**
   * An account for someone who signed in elsewhere (Nextcloud) for the first
   * time: no password of its own until its owner sets one.
   */
  async provision(input: { email: string; displayName: string; role: Role }, ctx: { ip: string | null }): Promise<User> {
    const email = input.email.toLowerCase();
    try {
      return await this.deps.dataSource.transaction(async (m) => {
        await m.insert(UserEntity, m.create(UserEntity, { email, displayName: input.displayName.slice(0, 200), role: input.role, passwordHash: NO_PASSWORD, disabled: false, extension: null, defaultCountry: null }));
        const saved = await m.findOneOrFail(UserEntity, { where: { email } });
        await this.deps.audit.record(
          { action: 'user.create', outcome: 'ok', ip: ctx.ip, actor: { id: saved.id, email }, target: { type: 'user', id: saved.id }, details: { email, role: input.role, via: 'nextcloud' } },
          m,
        );
        return saved;
      });
    } catch (err) {
      throw uniqueConflict(err);
    }
  }

  /**
   * Creates the first admin, only while there are no users at all. Returns
   * null when someone already exists, so a repeated bootstrap is harmless.
   */
  async bootstrapAdmin(input: Omit<CreateUserInput, 'role'>, ctx: ActionContext): Promise<PublicUser | null> {
    if ((await this.count()) > 0) return null;
    try {
      return await this.create({ ...input, role: 'admin' }, ctx);
    } catch (err) {
      if (err instanceof ConflictError) return null;
      throw err;
    }
  }

  /** The enabled user who answers to an internal extension. */
  findByExtension(extension: string): Promise<User | null> {
    return this.deps.dataSource.manager.findOne(UserEntity, { where: { extension, disabled: false } });
  }

  async update(id: string, patch: UpdateUserInput, ctx: ActionContext): Promise<PublicUser> {
    if (patch.password !== undefined) {
      const owner = await this.findById(id);
      if (!owner) throw new NotFoundError('User');
      assertStrongPassword(patch.password, { email: owner.email, displayName: patch.displayName ?? owner.displayName });
    }
    const passwordHash = patch.password !== undefined ? await this.deps.passwords.hash(patch.password) : undefined;
    let sessionsEnded = false;
    const updated = await this.deps.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      const losesAdmin =
        user.role === 'admin' && !user.disabled && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
      if (losesAdmin) await this.assertAnotherAdmin(m, id);

      const changes: Partial<User> = {};
      if (patch.displayName !== undefined && patch.displayName !== user.displayName) changes.displayName = patch.displayName;
      if (patch.role !== undefined && patch.role !== user.role) changes.role = patch.role;
      if (patch.disabled !== undefined && patch.disabled !== user.disabled) changes.disabled = patch.disabled;
      if (passwordHash !== undefined) changes.passwordHash = passwordHash;
      if (patch.extension !== undefined && patch.extension !== user.extension) changes.extension = patch.extension;
      if (patch.defaultCountry !== undefined && patch.defaultCountry !== user.defaultCountry) changes.defaultCountry = patch.defaultCountry;
      if (Object.keys(changes).length === 0) return toPublicUser(user);

      await m.update(UserEntity, { id }, changes).catch((err: unknown) => {
        throw uniqueConflict(err);
      });
      const target = { type: 'user' as const, id };
      if (changes.role !== undefined) {
        await this.deps.audit.record({ action: 'user.role_change', outcome: 'ok', ...ctx, target, details: { from: user.role, to: changes.role } }, m);
      }
      const fields = Object.keys(changes).filter((f) => f !== 'role').map((f) => (f === 'passwordHash' ? 'password' : f));
      if (fields.length > 0) {
        await this.deps.audit.record({ action: 'user.update', outcome: 'ok', ...ctx, target, details: { fields, ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}) } }, m);
      }
      // A disabled account, a new password or a new role ends every session the account had.
      if (changes.disabled === true || changes.passwordHash !== undefined || changes.role !== undefined) {
        await this.deps.sessions.revokeAll(id, changes.disabled ? 'disabled' : changes.role ? 'role_change' : 'password_change', m);
        sessionsEnded = true;
      }
      return toPublicUser(await m.findOneOrFail(UserEntity, { where: { id } }));
    }).finally(() => this.changed(id));
    if (sessionsEnded) await this.deps.sessions.ended({ userId: id });
    return updated;
  }

  /** What a user may change about themselves. */
  async updateSettings(id: string, patch: { privacyMode?: boolean | undefined; defaultCountry?: string | null | undefined }, ctx: ActionContext): Promise<PublicUser> {
    const changes: Partial<User> = {};
    if (patch.privacyMode !== undefined) changes.privacyMode = patch.privacyMode;
    if (patch.defaultCountry !== undefined) changes.defaultCountry = patch.defaultCountry;
    return this.deps.dataSource
      .transaction(async (m) => {
        if (Object.keys(changes).length > 0) {
          await m.update(UserEntity, { id }, changes);
          await this.deps.audit.record({ action: 'user.settings', outcome: 'ok', ...ctx, target: { type: 'user', id }, details: { fields: Object.keys(changes) } }, m);
        }
        const user = await m.findOne(UserEntity, { where: { id } });
        if (!user) throw new NotFoundError('User');
        return toPublicUser(user);
      })
      .finally(() => this.changed(id));
  }

  /**
   * Sets a new password, checked by the same policy as at creation, and ends
   * the account's sessions (all, or all but the one that asked) with their
   * SIP credentials; audited in the same transaction.
   */
  async setPassword(id: string, password: string, how: PasswordChange, ctx: ActionContext): Promise<void> {
    const owner = await this.findById(id);
    if (!owner) throw new NotFoundError('User');
    assertStrongPassword(password, owner, how.field);
    const passwordHash = await this.deps.passwords.hash(password);
    const reason: SessionEndReason = how.action === 'user.password_change' ? 'password_change' : 'password_reset';
    await this.deps.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      await how.before?.(m);
      await m.update(UserEntity, { id }, { passwordHash });
      const ended = await this.deps.sessions.revokeAll(id, reason, m, how.keepSession);
      await this.deps.audit.record({ action: how.action, outcome: 'ok', ...ctx, target: { type: 'user', id }, details: { sessionsEnded: ended } }, m);
    });
    this.changed(id);
    await this.deps.sessions.ended({ userId: id, exceptSessionId: how.keepSession });
  }

  /** Stores a new hash of the same password (cost upgrade at login); not a password change. */
  async replacePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.deps.dataSource.manager.update(UserEntity, { id }, { passwordHash });
  }

  async delete(id: string, ctx: ActionContext): Promise<void> {
    await this.deps.dataSource.transaction(async (m) => {
      const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      if (user.role === 'admin' && !user.disabled) await this.assertAnotherAdmin(m, id);
      await m.delete(UserEntity, { id });
      await this.deps.audit.record({ action: 'user.delete', outcome: 'ok', ...ctx, target: { type: 'user', id }, details: { email: user.email } }, m);
    });
    this.changed(id);
    await this.deps.sessions.ended({ userId: id });
  }

  /** Locks the other enabled admins and refuses when there are none. */
  private async assertAnotherAdmin(m: EntityManager, exceptId: string): Promise<void> {
    const others = await m.query<unknown[]>(
      `SELECT id FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1 FOR UPDATE`,
      [exceptId],
    );
    if (others.length === 0) throw new ConflictError('This is the last enabled admin; make another admin first', 'last_admin');
  }
}

/** A unique-constraint violation as the conflict it means to the caller. */
function uniqueConflict(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; driverError?: { constraint?: string } };
  if (e.code !== UNIQUE_VIOLATION) return err;
  const constraint = e.constraint ?? e.driverError?.constraint ?? '';
  return constraint.includes('extension')
    ? new ConflictError('Another user has this extension', 'extension_taken')
    : new ConflictError('A user with this email exists', 'email_taken');
}
