import type { NextcloudLink, PasswordReset, Session, SignInProviders } from '@sipcall/contract';
import { apiRequest } from './http';

export const login = (email: string, password: string) =>
  apiRequest<Session>('/api/auth/login', { method: 'POST', body: { email, password }, anonymous: true });

/** Trades the httpOnly refresh cookie for a new session (and a new cookie). */
export const refresh = () => apiRequest<Session>('/api/auth/refresh', { method: 'POST', anonymous: true });

export const logout = () => apiRequest<void>('/api/auth/logout', { method: 'POST', anonymous: true });

/** How one signs in here, and whether a forgotten password can be reset by mail. */
export const providers = () => apiRequest<SignInProviders>('/api/auth/providers', { anonymous: true });

/** Asks for a reset link by mail; the answer is the same whether or not an account has the address. */
export const forgotPassword = (email: string, language: string) =>
  apiRequest<{ accepted: true }>('/api/auth/password/forgot', { method: 'POST', body: { email, language }, anonymous: true });

/** Sets a new password with the token from the mailed link. */
export const resetPassword = (reset: PasswordReset) => apiRequest<void>('/api/auth/password/reset', { method: 'POST', body: reset, anonymous: true });

/** Whether the signed-in account is linked to a Nextcloud account, and whether it has a password of its own. */
export const nextcloudLink = () => apiRequest<NextcloudLink>('/api/auth/nextcloud/link');

/** Where to send the browser to link a Nextcloud account: Nextcloud sends it back to Settings. */
export const startNextcloudLink = () => apiRequest<{ authorizationUrl: string }>('/api/auth/nextcloud/link', { method: 'POST', body: {} }).then((r) => r.authorizationUrl);

/** Refused with password_required while the account has no password of its own. */
export const unlinkNextcloud = () => apiRequest<void>('/api/auth/nextcloud/link', { method: 'DELETE' });
