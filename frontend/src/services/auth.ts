import type { Session } from '@sipcall/contract';
import { apiRequest } from './http';

export const login = (email: string, password: string) =>
  apiRequest<Session>('/api/auth/login', { method: 'POST', body: { email, password }, anonymous: true });

/** Trades the httpOnly refresh cookie for a new session (and a new cookie). */
export const refresh = () => apiRequest<Session>('/api/auth/refresh', { method: 'POST', anonymous: true });

export const logout = () => apiRequest<void>('/api/auth/logout', { method: 'POST', anonymous: true });
