// A signed-in session for component and store tests (the active testing Pinia).
import type { User } from '@sipcall/contract';
import { usePhoneStore } from '../stores/phone';
import { useSessionStore } from '../stores/session';
import { phones, type FakePhone } from '@sipcall/phone/testing';
import { makeUser } from './fixtures';

export function signedIn(user: Partial<User> = {}) {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser(user);
  return session;
}

/** Signed in, with the browser phone registered (the SIP library mocked by the fake phone). */
export async function registeredPhone(): Promise<{ store: ReturnType<typeof usePhoneStore>; phone: FakePhone }> {
  signedIn();
  const store = usePhoneStore();
  await store.connect();
  const phone = phones.at(-1)!;
  phone.register();
  return { store, phone };
}
