// The audit trail for admins: newest first, narrowed by action, actor, target and date, page by page.
import type { AuditAction, AuditEntry, AuditQuery, AuditTarget, AuditTargetType } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../services/audit';

/** Every action the trail records, in the order the filter offers them: the contract's list makes a missing or unknown one an error here. */
export const AUDIT_ACTIONS = Object.keys({
  'auth.login': true,
  'auth.logout': true,
  'auth.refresh_reuse': true,
  'auth.nextcloud_link': true,
  'auth.nextcloud_unlink': true,
  'auth.nextcloud_refused': true,
  'auth.password_reset_request': true,
  'auth.password_reset': true,
  'user.create': true,
  'user.update': true,
  'user.role_change': true,
  'user.settings': true,
  'user.password_change': true,
  'user.password_reset': true,
  'user.delete': true,
  'user.export': true,
  'user.erase': true,
  'did.assign': true,
  'did.remove': true,
  'call.hangup': true,
  'call.hold': true,
  'call.unhold': true,
  'call.transfer': true,
  'call.dtmf': true,
  'rates.import': true,
  'rates.rerate': true,
  'billing.terms': true,
  'billing.credit': true,
  'billing.vouchers': true,
  'billing.voucher_redeemed': true,
} satisfies Record<AuditAction, true>) as AuditAction[];

/** Every kind of target the trail records, in the order the Target filter groups them. */
export const AUDIT_TARGET_TYPES = Object.keys({ user: true, did: true, call: true, rate_deck: true } satisfies Record<AuditTargetType, true>) as AuditTargetType[];

const PAGE_SIZE = 100;

/** What the admin narrowed the trail to: an action, who did it, to whom, and when (ISO moments, `to` exclusive). Empty: any. */
export type AuditFilter = Pick<AuditQuery, 'action' | 'actorId' | 'targetType' | 'targetId' | 'from' | 'to'>;

export const useAuditStore = defineStore('audit', () => {
  const items = ref<AuditEntry[]>([]);
  const nextCursor = ref<string | null>(null);
  /** What the trail has entries about, for the Target filter. */
  const targets = ref<AuditTarget[]>([]);

  async function loadTargets() {
    targets.value = await api.listAuditTargets();
  }

  /** The first page for this filter (empty: everything), or with `more` the next one appended. */
  async function load(filter: AuditFilter = {}, more = false) {
    const given = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as AuditFilter;
    const page = await api.listAudit({ ...given, cursor: more ? (nextCursor.value ?? undefined) : undefined, limit: PAGE_SIZE });
    items.value = more ? [...items.value, ...page.items] : page.items;
    nextCursor.value = page.nextCursor;
  }

  /** Forgets the entries shown: each visit to the page starts from none. */
  function reset() {
    items.value = [];
    nextCursor.value = null;
  }

  return { items, nextCursor, targets, load, loadTargets, reset };
});
