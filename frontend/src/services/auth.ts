import { apiRequest } from './http';

export type Role = 'user' | 'admin';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** Internal extension others dial to reach this user. */
  extension?: string | null;
  /** ISO country national numbers are read in; null: the server's default. */
  defaultCountry?: string | null;
  /** Numbers in this user's history are masked but for their last digits. */
  privacyMode?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Session {
  user: User;
  accessToken: string;
  expiresIn: number;
}

export const login = (email: string, password: string) =>
  apiRequest<Session>('/api/auth/login', { method: 'POST', body: { email, password } });

/** Trades the httpOnly refresh cookie for a new session (and a new cookie). */
export const refresh = () => apiRequest<Session>('/api/auth/refresh', { method: 'POST' });

export const logout = () => apiRequest<void>('/api/auth/logout', { method: 'POST' });
