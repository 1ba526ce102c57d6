// Inbound numbers (DIDs): which user a call from the trunk to a number rings.
import type { Assert, Did as DidOnTheWire, JsonOf, Same } from '@sipcall/contract';
import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { ActionContext } from '../users/users.service.js';
import { classify } from '../core/phone-numbers.js';

export interface Did {
  number: string;
  userId: string;
  label: string;
  createdAt: Date;
}
type _Checked = Assert<Same<JsonOf<Did>, DidOnTheWire>>;

interface DidRow {
  number: string;
  user_id: string;
  label: string;
  created_at: Date;
}

const toDid = (r: DidRow): Did => ({ number: r.number, userId: r.user_id, label: r.label, createdAt: r.created_at });

export class DidService {
  constructor(private readonly deps: { dataSource: DataSource; audit: AuditService; defaultCountry: string }) {}

  /** The number in E.164, or null when it is not a phone number. */
  normalise(number: string): string | null {
    const c = classify(number, { defaultCountry: this.deps.defaultCountry, emergencyNumbers: [], isExtension: () => false });
    return c.kind === 'e164' ? c.e164 : null;
  }

  async list(): Promise<Did[]> {
    return (await this.deps.dataSource.query<DidRow[]>(`SELECT * FROM dids ORDER BY number`)).map(toDid);
  }

  async ownerOf(number: string): Promise<string | null> {
    const e164 = this.normalise(number);
    if (!e164) return null;
    const rows = await this.deps.dataSource.query<Array<{ user_id: string }>>(
      `SELECT d.user_id FROM dids d JOIN users u ON u.id = d.user_id WHERE d.number = $1 AND NOT u.disabled`,
      [e164],
    );
    return rows[0]?.user_id ?? null;
  }

  async assign(input: { number: string; userId: string; label: string }, ctx: ActionContext): Promise<Did> {
    const e164 = this.normalise(input.number);
    if (!e164) throw new ValidationError('Not a phone number', [{ path: 'body.number', message: 'must be a valid phone number' }]);
    return this.deps.dataSource.transaction(async (m) => {
      const user = await m.query<unknown[]>(`SELECT 1 FROM users WHERE id = $1`, [input.userId]);
      if (user.length === 0) throw new NotFoundError('User');
      const rows = await m.query<DidRow[]>(`INSERT INTO dids (number, user_id, label) VALUES ($1, $2, $3) ON CONFLICT (number) DO NOTHING RETURNING *`, [e164, input.userId, input.label]);
      if (rows.length === 0) throw new ConflictError('This number is assigned already', 'did_taken');
      await this.deps.audit.record({ action: 'did.assign', outcome: 'ok', ...ctx, target: { type: 'did', id: e164 }, details: { userId: input.userId } }, m);
      return toDid(rows[0]!);
    });
  }

  async remove(number: string, ctx: ActionContext): Promise<void> {
    const e164 = this.normalise(number);
    if (!e164) throw new NotFoundError('DID');
    await this.deps.dataSource.transaction(async (m) => {
      const r = await m.query<[unknown[], number]>(`DELETE FROM dids WHERE number = $1`, [e164]);
      if (r[1] === 0) throw new NotFoundError('DID');
      await this.deps.audit.record({ action: 'did.remove', outcome: 'ok', ...ctx, target: { type: 'did', id: e164 } }, m);
    });
  }
}
