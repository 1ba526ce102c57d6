// The audit trail: who did what to whom, from where, and how it ended.

/** Everything the trail records; the admin's filter offers each. */
export type AuditAction =
  | 'auth.login'
  | 'auth.logout'
  | 'auth.refresh_reuse'
  | 'auth.nextcloud_link'
  | 'auth.nextcloud_unlink'
  | 'auth.nextcloud_refused'
  | 'auth.password_reset_request'
  | 'auth.password_reset'
  | 'user.create'
  | 'user.update'
  | 'user.role_change'
  | 'user.settings'
  | 'user.password_change'
  | 'user.password_reset'
  | 'user.delete'
  | 'user.export'
  | 'user.erase'
  | 'did.assign'
  | 'did.remove'
  | 'call.hangup'
  | 'call.hold'
  | 'call.unhold'
  | 'call.transfer'
  | 'call.dtmf'
  | 'rates.import'
  | 'rates.rerate'
  | 'billing.terms'
  | 'billing.credit'
  | 'billing.vouchers'
  | 'billing.voucher_redeemed';

export type AuditOutcome = 'ok' | 'failed' | 'denied';

/** Every kind of thing an entry can be about; the admin's Target filter offers each. */
export type AuditTargetType = 'user' | 'did' | 'call' | 'rate_deck';

/** GET /api/audit/targets (admin): the things the trail has entries about, most recent first. */
export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  /** Null for anonymous actions (a failed login for an unknown email) and the command line. */
  actorId: string | null;
  /** Kept beside the id so the trail still reads after the actor is deleted. */
  actorEmail: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  targetType: AuditTargetType | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** GET /api/audit (admin), newest first. */
export interface AuditQuery {
  action?: AuditAction;
  /** Entries by this user. */
  actorId?: string;
  /** Entries about this kind of thing (with targetId: about this one). */
  targetType?: AuditTargetType;
  /** Entries about this user, number or call. */
  targetId?: string;
  /** From this moment (ISO 8601), inclusive. */
  from?: string;
  /** Before this moment (ISO 8601). */
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
