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
