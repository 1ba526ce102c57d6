import type { PasswordChange, SettingsPatch, User } from '@sipcall/contract';
import { apiRequest } from './http';

export const updateMySettings = (patch: SettingsPatch) =>
  apiRequest<{ user: User }>('/api/me', { method: 'PATCH', body: patch }).then((r) => r.user);

/** Everything held about the signed-in user, opened (GDPR export). */
export const exportMyData = () => apiRequest<unknown>('/api/me/export');

/** Changes the signed-in user's password; their other sessions end. */
export const changeMyPassword = (change: PasswordChange) => apiRequest<void>('/api/me/password', { method: 'POST', body: change });
