import type { Contact, ContactLookup, ContactPage, ContactPatch, NewContact, Person } from '@sipcall/contract';
import { apiRequest } from './http';

export const listContacts = (query: { q?: string; limit?: number; cursor?: string } = {}) => apiRequest<ContactPage>('/api/contacts', { query });

export const createContact = (contact: NewContact) => apiRequest<{ contact: Contact }>('/api/contacts', { method: 'POST', body: contact }).then((r) => r.contact);

export const updateContact = (id: string, patch: ContactPatch) =>
  apiRequest<{ contact: Contact }>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }).then((r) => r.contact);

export const deleteContact = (id: string) => apiRequest<void>(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const lookupNames = (numbers: string[]) => apiRequest<ContactLookup>('/api/contacts/lookup', { query: { numbers: numbers.join(',') } }).then((r) => r.names);

export const listPeople = (q?: string) => apiRequest<{ people: Person[] }>('/api/people', { query: { q } }).then((r) => r.people);
