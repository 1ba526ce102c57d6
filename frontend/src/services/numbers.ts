import type { Did, NewDid, RoutingSettings } from '@sipcall/contract';
import { apiRequest } from './http';

export const listDids = (token: string) => apiRequest<{ dids: Did[] }>('/api/dids', { token }).then((r) => r.dids);
export const assignDid = (token: string, did: NewDid) => apiRequest<{ did: Did }>('/api/dids', { method: 'POST', token, body: did }).then((r) => r.did);
export const removeDid = (token: string, number: string) => apiRequest<void>(`/api/dids/${encodeURIComponent(number)}`, { method: 'DELETE', token });
export const fetchRoutingSettings = (token: string) => apiRequest<RoutingSettings>('/api/settings/routing', { token });
