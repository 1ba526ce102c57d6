// Inbound numbers (DIDs): which user a call from the trunk to a number rings.
import type { Assert, Did as DidOnTheWire, JsonOf, Same } from '@sipcall/contract';
import type { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { classify } from '../core/phone-numbers.js';
import type { User } from '../users/user.entity.js';
import type { ActionContext } from '../users/users.service.js';
import type { Did, DidRepository } from './did-repository.js';

export type { Did } from './did-repository.js';
type _Checked = Assert<Same<JsonOf<Did>, DidOnTheWire>>;

export interface DidServiceDeps {
  numbers: DidRepository;
  users: { findById(id: string): Promise<Pick<User, 'id' | 'disabled'> | null> };
  audit: Pick<AuditService, 'record'>;
  defaultCountry: string;
}

export class DidService {
  constructor(private readonly deps: DidServiceDeps) {}

  /** The number in E.164, or null when it is not a phone number. */
  normalise(number: string): string | null {
    const c = classify(number, { defaultCountry: this.deps.defaultCountry, emergencyNumbers: [], isExtension: () => false });
    return c.kind === 'e164' ? c.e164 : null;
  }

  list(): Promise<Did[]> {
    return this.deps.numbers.list();
  }

  ofUser(userId: string): Promise<Did[]> {
    return this.deps.numbers.ofUser(userId);
  }

  /** The enabled user a call to this number rings, if any. */
  async ownerOf(number: string): Promise<string | null> {
    const e164 = this.normalise(number);
    const did = e164 ? await this.deps.numbers.byNumber(e164) : null;
    if (!did) return null;
    const owner = await this.deps.users.findById(did.userId);
    return owner && !owner.disabled ? owner.id : null;
  }

  async assign(input: { number: string; userId: string; label: string }, ctx: ActionContext): Promise<Did> {
    const e164 = this.normalise(input.number);
    if (!e164) throw new ValidationError('Not a phone number', [{ path: 'body.number', message: 'must be a valid phone number' }]);
    return this.deps.numbers.transaction(async (tx, m) => {
      const did = await tx.insert({ number: e164, userId: input.userId, label: input.label });
      if (did === 'no_user') throw new NotFoundError('User');
      if (did === 'taken') throw new ConflictError('This number is assigned already', 'did_taken');
      await this.deps.audit.record({ action: 'did.assign', outcome: 'ok', ...ctx, target: { type: 'did', id: e164 }, details: { userId: input.userId } }, m);
      return did;
    });
  }

  async remove(number: string, ctx: ActionContext): Promise<void> {
    const e164 = this.normalise(number);
    if (!e164) throw new NotFoundError('DID');
    await this.deps.numbers.transaction(async (tx, m) => {
      if (!(await tx.delete(e164))) throw new NotFoundError('DID');
      await this.deps.audit.record({ action: 'did.remove', outcome: 'ok', ...ctx, target: { type: 'did', id: e164 } }, m);
    });
  }
}
