// How a connected user's requests to the CardDAV server are signed. The
// service asks an AddressBookCredentials for them and never reads a secret
// itself; today the user's app password (sealed in their connection), later
// the access token "Sign in with Nextcloud" holds (BearerTokenCredentials).
import { ownerOfUser, type KeyRing } from '../crypto/keys.js';
import type { FieldContext } from '../crypto/field-cipher.js';
import type { DavAccess } from './carddav.js';
import type { NextcloudContactRepository } from './repository.js';

export interface AddressBookCredentials {
  /** How to reach and sign in to this user's address books; null when there is no way (not connected, token gone). */
  forUser(userId: string): Promise<DavAccess | null>;
}

/** What a connection row keeps, sealed. */
export interface StoredCredentials {
  kind: 'app-password';
  username: string;
  password: string;
}

export const credentialsField = (userId: string): FieldContext => ({ table: 'nextcloud_connections', column: 'credentials_enc', row: userId });

export async function sealCredentials(keys: Pick<KeyRing, 'seal'>, userId: string, c: StoredCredentials): Promise<string> {
  return keys.seal(ownerOfUser(userId), JSON.stringify(c), credentialsField(userId));
}

export async function openCredentials(keys: Pick<KeyRing, 'open'>, userId: string, sealed: string): Promise<StoredCredentials | null> {
  const text = await keys.open(sealed, credentialsField(userId));
  return text === null ? null : (JSON.parse(text) as StoredCredentials);
}

/** The user name and app password the user gave in Settings. */
export class AppPasswordCredentials implements AddressBookCredentials {
  constructor(
    private readonly deps: {
      connections: Pick<NextcloudContactRepository, 'connection'>;
      keys: Pick<KeyRing, 'open'>;
      url: string;
    },
  ) {}

  async forUser(userId: string): Promise<DavAccess | null> {
    const row = await this.deps.connections.connection(userId);
    if (!row) return null;
    const c = await openCredentials(this.deps.keys, userId, row.credentials_enc);
    if (!c) return null;
    return { url: this.deps.url, auth: { kind: 'basic', username: c.username, password: c.password } };
  }
}

/**
 * A Nextcloud OAuth2 access token, from whatever holds the user's Nextcloud
 * sign-in (`accessTokenFor(userId)`). Nextcloud's DAV accepts it as a bearer
 * token; the user name is not needed, discovery finds the principal.
 */
export class BearerTokenCredentials implements AddressBookCredentials {
  constructor(
    private readonly deps: {
      url: string;
      accessTokenFor(userId: string): Promise<{ username: string; accessToken: string } | null>;
    },
  ) {}

  async forUser(userId: string): Promise<DavAccess | null> {
    const t = await this.deps.accessTokenFor(userId);
    return t ? { url: this.deps.url, auth: { kind: 'bearer', token: t.accessToken } } : null;
  }
}

/** The first source that has credentials for the user (say: the sign-in's token, else an app password). */
export class FirstCredentials implements AddressBookCredentials {
  constructor(private readonly sources: AddressBookCredentials[]) {}

  async forUser(userId: string): Promise<DavAccess | null> {
    for (const s of this.sources) {
      const access = await s.forUser(userId);
      if (access) return access;
    }
    return null;
  }
}
