import type { NewUser, User, UserPage, UserPatch, UserQuery } from '@sipcall/contract';
import { apiRequest } from './http';

export const listUsers = (token: string, query: UserQuery = {}) => apiRequest<UserPage>('/api/users', { token, query: { ...query } });

export const createUser = (token: string, user: NewUser) =>
  apiRequest<{ user: User }>('/api/users', { method: 'POST', token, body: user }).then((r) => r.user);

export const updateUser = (token: string, id: string, patch: UserPatch) =>
  apiRequest<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', token, body: patch }).then((r) => r.user);

export const deleteUser = (token: string, id: string) => apiRequest<void>(`/api/users/${encodeURIComponent(id)}`, { method: 'DELETE', token });
