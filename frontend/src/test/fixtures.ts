// API values as the backend sends them, for tests to start from.
import type { CallRecord, User } from '@sipcall/contract';

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

/** An answered call of 65 s to a German number. */
export const makeCallRecord = (over: Partial<CallRecord> = {}): CallRecord => ({
  id: '1',
  callUuid: 'c1',
  userId: 'u1',
  direction: 'outbound',
  startedAt: '2026-11-20T10:00:00.000Z',
  answeredAt: '2026-11-20T10:00:05.000Z',
  endedAt: '2026-11-20T10:01:10.000Z',
  durationS: 70,
  billsec: 65,
  hangupCause: 'NORMAL_CLEARING',
  sipStatus: 200,
  decision: 'allow',
  reason: 'allowed',
  country: 'DE',
  destination: '+49301234567',
  caller: '1001',
  charge: null,
  ...over,
});
