import type { Contact } from '@sipcall/contract';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../services/contacts';
import { useContactsStore } from './contacts';

vi.mock('../services/contacts', () => ({
  listContacts: vi.fn(),
  createContact: vi.fn(),
  updateContact: vi.fn(),
  deleteContact: vi.fn(),
  lookupNames: vi.fn(),
  listPeople: vi.fn(),
}));

const contact = (id: string, displayName: string, number: string): Contact => ({ id, displayName, organisation: null, numbers: [{ label: 'work', number }], note: null, createdAt: '', updatedAt: '' });

describe('contacts store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    for (const f of Object.values(api)) vi.mocked(f).mockReset();
    vi.mocked(api.listContacts).mockResolvedValue({ items: [contact('1', 'Anna', '+49301111111'), contact('3', 'Carl', '+49303333333')], nextCursor: null });
  });

  it('keeps the list in name order as contacts are added, changed and deleted, and the names of numbers with it', async () => {
    const store = useContactsStore();
    await store.load();
    expect(store.nameOf('+49301111111')).toBe('Anna');
    vi.mocked(api.createContact).mockResolvedValue(contact('2', 'Bert', '+49302222222'));
    await store.create({ displayName: 'Bert', numbers: [{ label: 'work', number: '030 2222222' }] });
    expect(store.items.map((c) => c.displayName)).toEqual(['Anna', 'Bert', 'Carl']);
    expect(store.nameOf('+49302222222')).toBe('Bert');

    vi.mocked(api.updateContact).mockResolvedValue(contact('2', 'Zora', '+49309999999'));
    await store.update('2', { displayName: 'Zora', numbers: [{ label: 'work', number: '+49309999999' }] });
    expect(store.items.map((c) => c.displayName)).toEqual(['Anna', 'Carl', 'Zora']);
    expect(store.nameOf('+49302222222')).toBeNull();
    expect(store.unknown('+49302222222')).toBe(true);

    vi.mocked(api.deleteContact).mockResolvedValue(undefined);
    await store.remove('1');
    expect(api.deleteContact).toHaveBeenCalledWith('1');
    expect(store.items.map((c) => c.displayName)).toEqual(['Carl', 'Zora']);
    expect(store.unknown('+49301111111')).toBe(true);
  });

  it('changes nothing when the server refuses a contact', async () => {
    const store = useContactsStore();
    await store.load();
    vi.mocked(api.createContact).mockRejectedValue(new Error('validation_failed'));
    await expect(store.create({ displayName: 'X', numbers: [{ label: 'work', number: 'nope' }] })).rejects.toThrow('validation_failed');
    vi.mocked(api.deleteContact).mockRejectedValue(new Error('not_found'));
    await expect(store.remove('1')).rejects.toThrow('not_found');
    expect(store.items.map((c) => c.displayName)).toEqual(['Anna', 'Carl']);
    expect(store.nameOf('+49301111111')).toBe('Anna');
  });

  it('looks up only E.164 numbers it has not asked about, and remembers those without a name', async () => {
    const store = useContactsStore();
    vi.mocked(api.lookupNames).mockResolvedValue({ '+49301111111': 'Anna' });
    await store.lookup(['+49301111111', '+4940555000', '1001', null, '+49301111111']);
    expect(api.lookupNames).toHaveBeenCalledWith(['+49301111111', '+4940555000']);
    expect(store.nameOf('+49301111111')).toBe('Anna');
    expect(store.unknown('+4940555000')).toBe(true);
    expect(store.unknown('1001')).toBe(false);
    await store.lookup(['+49301111111', '+4940555000']);
    expect(api.lookupNames).toHaveBeenCalledTimes(1);
  });

  it('keeps the answer of the latest search when an earlier one answers last', async () => {
    const store = useContactsStore();
    let first!: (page: { items: Contact[]; nextCursor: string | null }) => void;
    vi.mocked(api.listContacts)
      .mockReturnValueOnce(new Promise((resolve) => (first = resolve)))
      .mockResolvedValueOnce({ items: [contact('3', 'Carl', '+49303333333')], nextCursor: null });
    const slow = store.load('a');
    await store.load('carl');
    first({ items: [contact('1', 'Anna', '+49301111111')], nextCursor: null });
    await slow;
    expect(store.items.map((c) => c.displayName)).toEqual(['Carl']);
    expect(store.query).toBe('carl');
  });
});
