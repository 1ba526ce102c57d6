import type { SipCredentials } from '@sipcall/contract';
import { apiRequest } from './http';

/** This session's SIP account; every request rotates the password. */
export const fetchCredentials = (token: string) => apiRequest<SipCredentials>('/api/sip/credentials', { method: 'POST', token });
export const revokeCredentials = (token: string) => apiRequest<void>('/api/sip/credentials', { method: 'DELETE', token });
