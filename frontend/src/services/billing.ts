import type { BillingAccount, BillingSummary, LedgerEntry } from '@sipcall/contract';
import { apiRequest } from './http';

export const fetchMyBilling = () => apiRequest<BillingSummary>('/api/me/billing');
export const redeemVoucher = (code: string) => apiRequest<{ amount: string }>('/api/me/billing/vouchers', { method: 'POST', body: { code } });

export const listAccounts = () => apiRequest<{ accounts: BillingAccount[] }>('/api/billing/accounts').then((r) => r.accounts);
export const accountEntries = (id: string) => apiRequest<{ entries: LedgerEntry[] }>(`/api/billing/accounts/${encodeURIComponent(id)}/entries`).then((r) => r.entries);
export const setTerms = (userId: string, terms: { mode: 'prepaid' | 'postpaid'; dailyLimit: string | null; monthlyLimit: string | null }) =>
  apiRequest<{ account: BillingAccount }>(`/api/billing/users/${encodeURIComponent(userId)}`, { method: 'PUT', body: terms }).then((r) => r.account);
export const credit = (accountId: string, input: { kind: 'top_up' | 'adjustment'; amount: string; reason: string; requestId: string }) =>
  apiRequest<{ booked: boolean }>(`/api/billing/accounts/${encodeURIComponent(accountId)}/credit`, { method: 'POST', body: input });
export const createVouchers = (amount: string, count: number) => apiRequest<{ codes: string[] }>('/api/billing/vouchers', { method: 'POST', body: { amount, count } }).then((r) => r.codes);
