import { describe, expect, it } from 'vitest';
import type { User } from '../users/user.entity.js';
import type { DigestAttempt } from '../sip/sip-credentials.js';
import { Directory, type DirectoryRequest } from './directory.js';

const DOMAIN = 'sip.example.com';
const alice: User = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'alice@example.com',
  displayName: 'Alice',
  role: 'user',
  passwordHash: 'x',
  disabled: false,
  extension: '2001',
  defaultCountry: null,
  privacyMode: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const digest: DigestAttempt = { username: alice.id, realm: DOMAIN, nonce: 'n', uri: `sip:${DOMAIN}`, method: 'REGISTER', response: 'a'.repeat(32) };

/** A directory over fake accounts: `a1s` is what the credential store holds per user. */
function directoryOf(users: User[], a1s: Record<string, string> = {}) {
  const asked: Array<[string, DigestAttempt | null]> = [];
  const directory = new Directory({
    sipDomain: DOMAIN,
    users: { findById: async (id) => users.find((u) => u.id === id) ?? null },
    sip: {
      a1For: async (userId, attempt) => {
        asked.push([userId, attempt]);
        return a1s[userId] ?? null;
      },
    },
  });
  return { directory, asked };
}
const ask = (over: Partial<DirectoryRequest>): DirectoryRequest => ({ sipUser: alice.id, domain: DOMAIN, purpose: 'authenticate', digest, ...over });

describe('the directory', () => {
  it('hands the switch the A1 for the digest of an enabled user', async () => {
    const { directory, asked } = directoryOf([alice], { [alice.id]: 'f'.repeat(32) });
    expect(await directory.lookup(ask({}))).toEqual({ found: true, entry: { user: alice, a1: 'f'.repeat(32) } });
    expect(asked).toEqual([[alice.id, digest]]);
  });

  it('looks a user up to ring them without any credential', async () => {
    const { directory, asked } = directoryOf([alice]);
    expect(await directory.lookup(ask({ purpose: 'lookup', digest: null }))).toEqual({ found: true, entry: { user: alice, a1: null } });
    expect(asked).toEqual([]);
  });

  it.each([
    ['a SIP user that is no user id', { sipUser: "1000' OR 1=1" }],
    ['another domain', { domain: 'evil.example.com' }],
    ['a user who does not exist', { sipUser: '22222222-2222-4222-8222-222222222222' }],
  ])('does not know %s', async (_what, over) => {
    const { directory, asked } = directoryOf([alice], { [alice.id]: 'f'.repeat(32) });
    expect(await directory.lookup(ask(over))).toEqual({ found: false, reason: 'unknown_user' });
    expect(asked).toEqual([]);
  });

  it('does not know a disabled user, even with live credentials', async () => {
    const { directory } = directoryOf([{ ...alice, disabled: true }], { [alice.id]: 'f'.repeat(32) });
    expect(await directory.lookup(ask({}))).toEqual({ found: false, reason: 'unknown_user' });
  });

  it('says a user without a live session has no credentials', async () => {
    const { directory } = directoryOf([alice]);
    expect(await directory.lookup(ask({}))).toEqual({ found: false, reason: 'no_credentials' });
  });

  it('leaves domain-only lookups to the static configuration, refusing nothing', async () => {
    const { directory } = directoryOf([alice]);
    expect(await directory.lookup(ask({ sipUser: undefined }))).toEqual({ found: false, reason: null });
  });
});
