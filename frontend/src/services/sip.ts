import { apiRequest } from './http';

/** This session's SIP account (POST /api/sip/credentials); every request rotates the password. */
export interface SipCredentials {
  username: string;
  password: string;
  domain: string;
  wssUrl: string;
  iceServers: RTCIceServer[];
  expiresAt: string;
}

export const fetchCredentials = (token: string) => apiRequest<SipCredentials>('/api/sip/credentials', { method: 'POST', token });
export const revokeCredentials = (token: string) => apiRequest<void>('/api/sip/credentials', { method: 'DELETE', token });
