import { apiRequest } from './http';

/** An inbound number (DID) and the user it rings. */
export interface Did {
  number: string;
  userId: string;
  label: string;
  createdAt: string;
}

/** The routing policy and trunk as configured (GET /api/settings/routing, read-only). */
export interface RoutingSettings {
  sipDomain: string;
  wssUrl: string;
  gateway: string;
  trunkPasswordSet: boolean;
  defaultCountry: string;
  allowedCountries: string[];
  allowedPrefixes: string[];
  blockedPrefixes: string[];
  builtInBlockedPrefixes: string[];
  emergencyNumbers: string[];
  emergencyPolicy: 'allow' | 'refuse';
  maxCallSeconds: number;
  userMaxConcurrent: number;
  globalMaxConcurrent: number;
  userCallsPerSecond: number;
  globalCallsPerSecond: number;
  stunUrls: string[];
  turnUrls: string[];
}

export const listDids = (token: string) => apiRequest<{ dids: Did[] }>('/api/dids', { token }).then((r) => r.dids);
export const assignDid = (token: string, did: { number: string; userId: string; label?: string }) =>
  apiRequest<{ did: Did }>('/api/dids', { method: 'POST', token, body: did }).then((r) => r.did);
export const removeDid = (token: string, number: string) => apiRequest<void>(`/api/dids/${encodeURIComponent(number)}`, { method: 'DELETE', token });
export const fetchRoutingSettings = (token: string) => apiRequest<RoutingSettings>('/api/settings/routing', { token });
