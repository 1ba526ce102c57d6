import type { Did, NewDid, RoutingSettings } from '@sipcall/contract';
import { apiRequest } from './http';

export const listDids = () => apiRequest<{ dids: Did[] }>('/api/dids').then((r) => r.dids);
export const assignDid = (did: NewDid) => apiRequest<{ did: Did }>('/api/dids', { method: 'POST', body: did }).then((r) => r.did);
export const removeDid = (number: string) => apiRequest<void>(`/api/dids/${encodeURIComponent(number)}`, { method: 'DELETE' });
export const fetchRoutingSettings = () => apiRequest<RoutingSettings>('/api/settings/routing');
