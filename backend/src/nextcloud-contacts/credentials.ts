// How a connected user's requests to the CardDAV server are signed. The
// service asks an AddressBookCredentials for them and never reads a secret
// itself: the user's app password (sealed in their connection), or, for a
// connection made with the user's Nextcloud sign-in (Nextcloud's OAuth2
// app), the access token that sign-in holds, as a bearer token.
import { ownerOfUser, type KeyRing } from '../crypto/keys.js';
import type { FieldContext } from '../crypto/field-cipher.js';
import type { DavAccess } from './carddav.js';
import type { NextcloudContactRepository } from './repository.js';

export interface AddressBookCredentials {
  /** How to reach and sign in to this user's address books; null when there is no way (not connected, token gone). */
  forUser(userId: string): Promise<DavAccess | null>;
}

/** What a connection row keeps, sealed: an app password, or only that the sign-in's token is to be used. */
export type StoredCredentials = { kind: 'app-password'; username: string; password: string } | { kind: 'nextcloud-sign-in'; username: string };

/** The access token of the user's Nextcloud sign-in; null when there is none to be had. */
export type AccessTokenFor = (userId: string) => Promise<string | null>;

export const credentialsField = (userId: string): FieldContext => ({ table: 'nextcloud_connections', column: 'credentials_enc', row: userId });

export async function sealCredentials(keys: Pick<KeyRing, 'seal'>, userId: string, c: StoredCredentials): Promise<string> {
  return keys.seal(ownerOfUser(userId), JSON.stringify(c), credentialsField(userId));
}

export async function openCredentials(keys: Pick<KeyRing, 'open'>, userId: string, sealed: string): Promise<StoredCredentials | null> {
  const text = await keys.open(sealed, credentialsField(userId));
  return text === null ? null : (JSON.parse(text) as StoredCredentials);
}

/** What the user connected with in Settings: their app password, or their Nextcloud sign-in's token. */
export class ConnectionCredentials implements AddressBookCredentials {
  constructor(
    private readonly deps: {
      connections: Pick<NextcloudContactRepository, 'connection'>;
      keys: Pick<KeyRing, 'open'>;
      url: string;
      accessTokenFor: AccessTokenFor | null;
    },
  ) {}

  async forUser(userId: string): Promise<DavAccess | null> {
    const row = await this.deps.connections.connection(userId);
    if (!row) return null;
    const c = await openCredentials(this.deps.keys, userId, row.credentials_enc);
    if (!c) return null;
    if (c.kind === 'app-password') return { url: this.deps.url, auth: { kind: 'basic', username: c.username, password: c.password } };
    const token = await this.deps.accessTokenFor?.(userId);
    return token ? { url: this.deps.url, auth: { kind: 'bearer', token } } : null;
  }
}
