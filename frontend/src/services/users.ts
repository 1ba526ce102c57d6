import type { NewUser, User, UserPage, UserPatch, UserQuery } from '@sipcall/contract';
import { apiRequest } from './http';

export const listUsers = (query: UserQuery = {}) => apiRequest<UserPage>('/api/users', { query: { ...query } });

export const createUser = (user: NewUser) =>
  apiRequest<{ user: User }>('/api/users', { method: 'POST', body: user }).then((r) => r.user);

export const updateUser = (id: string, patch: UserPatch) =>
  apiRequest<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }).then((r) => r.user);

export const deleteUser = (id: string) => apiRequest<void>(`/api/users/${encodeURIComponent(id)}`, { method: 'DELETE' });

/** Sets a new password for an account; all its sessions end. */
export const resetUserPassword = (id: string, password: string) =>
  apiRequest<void>(`/api/users/${encodeURIComponent(id)}/password`, { method: 'POST', body: { password } });
