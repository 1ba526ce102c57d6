// API values as the backend sends them, for tests to start from.
import type { User } from '@sipcall/contract';

export const makeUser = (over: Partial<User> = {}): User => ({
  id: 'u1',
  email: 'ann@example.com',
  displayName: 'Ann',
  role: 'user',
  disabled: false,
  extension: null,
  defaultCountry: null,
  privacyMode: false,
  createdAt: '',
  updatedAt: '',
  ...over,
});
