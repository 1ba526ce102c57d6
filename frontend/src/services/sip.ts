import type { SipCredentials } from '@sipcall/contract';
import { apiRequest } from './http';

/** This session's SIP account; every request rotates the password. */
export const fetchCredentials = () => apiRequest<SipCredentials>('/api/sip/credentials', { method: 'POST' });
export const revokeCredentials = () => apiRequest<void>('/api/sip/credentials', { method: 'DELETE' });
