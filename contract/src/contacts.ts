// A user's own address book, and the organisation's people they can call.

export type ContactNumberLabel = 'mobile' | 'work' | 'home' | 'other';

export interface ContactNumber {
  label: ContactNumberLabel;
  /** E.164, as the backend normalised it. */
  number: string;
}

/** GET/POST/PATCH /api/contacts: one person in the signed-in user's address book. */
export interface Contact {
  id: string;
  displayName: string;
  organisation: string | null;
  /** One to five. */
  numbers: ContactNumber[];
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

/** POST /api/contacts. Numbers may be typed as people write them; national ones read in the user's country. */
export interface NewContact {
  displayName: string;
  organisation?: string | null;
  numbers: Array<{ label: ContactNumberLabel; number: string }>;
  note?: string | null;
}

/** PATCH /api/contacts/:id: what changes (numbers replace the list). */
export type ContactPatch = Partial<NewContact>;

/** GET /api/contacts?q=&limit=&cursor=, ordered by name. */
export interface ContactPage {
  items: Contact[];
  nextCursor: string | null;
}

/** GET /api/contacts/lookup?numbers=…: the name the address book has for each number it knows (E.164 → name). */
export interface ContactLookup {
  names: Record<string, string>;
}

/** GET /api/people: another user of this SIPCall, as every signed-in user may see them. */
export interface Person {
  displayName: string;
  extension: string;
}

/** A number's kind as a vCard's TEL types say it. */
export type CardNumberLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'pager' | 'other';

export interface CardNumber {
  label: CardNumberLabel;
  /** As the card has it, without the extension. */
  typed: string;
  /** E.164 as the backend read it in the user's country; null when it is no number that can be called. */
  number: string | null;
  extension: string | null;
}

/** GET /api/nextcloud-contacts: a card of the user's Nextcloud address books, read-only here. */
export interface NextcloudContact {
  id: string;
  displayName: string;
  organisation: string | null;
  /** Zero or more. */
  numbers: CardNumber[];
}

export interface NextcloudContactPage {
  items: NextcloudContact[];
}

/** Why the last sync of a user's address books failed. */
export type AddressBookSyncError = 'credentials_refused' | 'unreachable' | 'server_error';

/** GET/PUT /api/nextcloud-contacts/connection and POST …/connection/sync. */
export interface AddressBookStatus {
  /** Whether this SIPCall offers address books at all (a CardDAV server is configured). */
  available: boolean;
  connected: boolean;
  /** How the books are read: the user's app password, or their Nextcloud sign-in's token; null when not connected. */
  via: 'app-password' | 'sign-in' | null;
  /**
   * The Nextcloud account the user signs in as, when that sign-in can read the
   * address books itself (Nextcloud's OAuth2 app): Settings then offers to
   * connect without an app password. Null otherwise.
   */
  signInAccount: string | null;
  /** The Nextcloud user name connected with; null when not connected or not known. */
  username: string | null;
  connectedAt: string | null;
  lastSyncedAt: string | null;
  lastError: { code: AddressBookSyncError; at: string } | null;
  syncing: boolean;
  books: number;
  contacts: number;
}

/** One match of GET /api/contacts/search: one's own contact, or one from Nextcloud (read-only). */
export type ContactMatch =
  | { source: 'sipcall'; id: string; displayName: string; organisation: string | null; numbers: CardNumber[] }
  | { source: 'nextcloud'; id: string; displayName: string; organisation: string | null; numbers: CardNumber[] };

export interface ContactSearch {
  items: ContactMatch[];
}
