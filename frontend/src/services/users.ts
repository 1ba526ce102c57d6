import type { Role, User } from './auth';
import { apiRequest } from './http';

export interface UserPage {
  items: User[];
  nextCursor: string | null;
}

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  extension?: string;
}

export type UserPatch = Partial<Pick<User, 'displayName' | 'role' | 'disabled'>> & { password?: string; extension?: string | null };

export const listUsers = (token: string, query: { limit?: number; cursor?: string; q?: string } = {}) =>
  apiRequest<UserPage>('/api/users', { token, query });

export const createUser = (token: string, user: NewUser) =>
  apiRequest<{ user: User }>('/api/users', { method: 'POST', token, body: user }).then((r) => r.user);

export const updateUser = (token: string, id: string, patch: UserPatch) =>
  apiRequest<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', token, body: patch }).then((r) => r.user);

export const deleteUser = (token: string, id: string) =>
  apiRequest<void>(`/api/users/${encodeURIComponent(id)}`, { method: 'DELETE', token });
