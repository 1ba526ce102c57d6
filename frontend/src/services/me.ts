import type { SettingsPatch, User } from '@sipcall/contract';
import { apiRequest } from './http';

export const updateMySettings = (patch: SettingsPatch) =>
  apiRequest<{ user: User }>('/api/me', { method: 'PATCH', body: patch }).then((r) => r.user);

/** Everything held about the signed-in user, opened (GDPR export). */
export const exportMyData = () => apiRequest<unknown>('/api/me/export');
