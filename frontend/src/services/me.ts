import type { SettingsPatch, User } from '@sipcall/contract';
import { apiRequest } from './http';

export const updateMySettings = (token: string, patch: SettingsPatch) =>
  apiRequest<{ user: User }>('/api/me', { method: 'PATCH', token, body: patch }).then((r) => r.user);

/** Everything held about the signed-in user, opened (GDPR export). */
export const exportMyData = (token: string) => apiRequest<unknown>('/api/me/export', { token });
