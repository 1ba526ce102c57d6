// The signed-in user's address book: the page of contacts shown (narrowed by
// a search), the organisation's people, and the names known for numbers
// (for history and the call view), kept in step as contacts change.
import type { Contact, ContactMatch, ContactPatch, NewContact, Person } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '../services/contacts';
import { useSessionStore } from './session';

const PAGE_SIZE = 100;
/** The lookup answers at most this many numbers at once. */
const LOOKUP_BATCH = 50;
const byName = (a: Contact, b: Contact) => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base', numeric: true }) || (a.id < b.id ? -1 : 1);

export const useContactsStore = defineStore('contacts', () => {
  const session = useSessionStore();
  const items = ref<Contact[]>([]);
  const nextCursor = ref<string | null>(null);
  const query = ref('');
  const people = ref<Person[]>([]);
  /** E.164 → the contact's name; null where the address book has none. */
  const names = ref(new Map<string, string | null>());

  // Contacts belong to whoever is signed in.
  watch(
    () => session.user?.id ?? null,
    () => {
      items.value = [];
      nextCursor.value = null;
      people.value = [];
      names.value = new Map();
    },
  );

  let sequence = 0;
  /** The first page for the search (empty: every contact), or with `more` the next page appended. */
  async function load(q = query.value, more = false) {
    const mine = ++sequence;
    const page = await api.listContacts({ q: q.trim() || undefined, limit: PAGE_SIZE, cursor: more ? (nextCursor.value ?? undefined) : undefined });
    if (mine !== sequence) return; // a later search answered first
    query.value = q;
    items.value = more ? [...items.value, ...page.items] : page.items;
    nextCursor.value = page.nextCursor;
    remember(page.items);
  }

  async function loadPeople(q?: string) {
    people.value = await api.listPeople(q?.trim() || undefined);
  }

  function remember(contacts: Contact[]) {
    const next = new Map(names.value);
    for (const c of contacts) for (const n of c.numbers) next.set(n.number, c.displayName);
    names.value = next;
  }
  function forget(contact: Contact) {
    const next = new Map(names.value);
    for (const n of contact.numbers) next.set(n.number, null);
    names.value = next;
  }
  function place(contact: Contact) {
    items.value = [...items.value.filter((c) => c.id !== contact.id), contact].sort(byName);
  }

  async function create(input: NewContact): Promise<Contact> {
    const contact = await api.createContact(input);
    place(contact);
    remember([contact]);
    return contact;
  }

  async function update(id: string, patch: ContactPatch): Promise<Contact> {
    const contact = await api.updateContact(id, patch);
    const before = items.value.find((c) => c.id === id);
    if (before) forget(before);
    place(contact);
    remember([contact]);
    return contact;
  }

  async function remove(id: string): Promise<void> {
    await api.deleteContact(id);
    const before = items.value.find((c) => c.id === id);
    if (before) forget(before);
    items.value = items.value.filter((c) => c.id !== id);
  }

  /** Asks for the names of the numbers not asked about yet (E.164 only); a failure leaves them unnamed. */
  async function lookup(numbers: readonly (string | null)[]): Promise<void> {
    const wanted = [...new Set(numbers.filter((n): n is string => n !== null && /^\+[0-9]{4,15}$/.test(n) && !names.value.has(n)))];
    for (let i = 0; i < wanted.length; i += LOOKUP_BATCH) {
      const batch = wanted.slice(i, i + LOOKUP_BATCH);
      const found = await api.lookupNames(batch);
      const next = new Map(names.value);
      for (const n of batch) next.set(n, found[n] ?? null);
      names.value = next;
    }
  }

  /** Everyone the user can call whose name or number matches, as one types: own contacts, Nextcloud's, and colleagues by extension. */
  async function search(q: string): Promise<{ matches: ContactMatch[]; people: Person[] }> {
    const [matches, people] = await Promise.all([api.searchContacts(q), api.listPeople(q).catch(() => [] as Person[])]);
    return { matches, people };
  }

  const nameOf = (number: string | null): string | null => (number ? (names.value.get(number) ?? null) : null);
  /** Whether the address book is known to have no name for this number (asked, and none came back). */
  const unknown = (number: string | null): boolean => number !== null && names.value.has(number) && names.value.get(number) === null;

  return { items, nextCursor, query, people, names, load, loadPeople, create, update, remove, lookup, search, nameOf, unknown };
});
