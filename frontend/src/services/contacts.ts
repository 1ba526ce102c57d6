import type { AddressBookStatus, Contact, ContactLookup, ContactPage, ContactPatch, ContactSearch, NewContact, NextcloudContactPage, Person } from '@sipcall/contract';
import { apiRequest } from './http';

export const listContacts = (query: { q?: string; limit?: number; cursor?: string } = {}) => apiRequest<ContactPage>('/api/contacts', { query });

export const createContact = (contact: NewContact) => apiRequest<{ contact: Contact }>('/api/contacts', { method: 'POST', body: contact }).then((r) => r.contact);

export const updateContact = (id: string, patch: ContactPatch) =>
  apiRequest<{ contact: Contact }>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }).then((r) => r.contact);

export const deleteContact = (id: string) => apiRequest<void>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const lookupNames = (numbers: string[]) => apiRequest<ContactLookup>('/api/contacts/lookup', { query: { numbers: numbers.join(',') } }).then((r) => r.names);

export const listPeople = (q?: string) => apiRequest<{ people: Person[] }>('/api/people', { query: { q } }).then((r) => r.people);

export const searchContacts = (q: string, limit = 8) => apiRequest<ContactSearch>('/api/contacts/search', { query: { q, limit: String(limit) } }).then((r) => r.items);

export const listNextcloudContacts = (q?: string) => apiRequest<NextcloudContactPage>('/api/nextcloud-contacts', { query: { q } }).then((r) => r.items);

export const addressBookStatus = () => apiRequest<AddressBookStatus>('/api/nextcloud-contacts/connection');

export const connectAddressBook = (input: { username: string; appPassword: string } | { withSignIn: true }) => apiRequest<AddressBookStatus>('/api/nextcloud-contacts/connection', { method: 'PUT', body: input });

export const syncAddressBook = () => apiRequest<AddressBookStatus>('/api/nextcloud-contacts/connection/sync', { method: 'POST' });

export const disconnectAddressBook = () => apiRequest<void>('/api/nextcloud-contacts/connection', { method: 'DELETE' });
