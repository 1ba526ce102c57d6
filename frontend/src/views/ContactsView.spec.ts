import type { Contact } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as calls from '../services/calls';
import * as api from '../services/contacts';
import { ApiError } from '../services/http';
import * as sipApi from '../services/sip';
import { usePhoneStore } from '../stores/phone';
import { useSessionStore } from '../stores/session';
import { phones } from '@sipcall/phone/testing';
import { makeUser } from '../test/fixtures';
import * as toast from '../util/toast';
import ContactsView from './ContactsView.vue';

vi.mock('../services/contacts', () => ({ listContacts: vi.fn(), createContact: vi.fn(), updateContact: vi.fn(), deleteContact: vi.fn(), lookupNames: vi.fn(), listPeople: vi.fn(), listNextcloudContacts: vi.fn() }));
vi.mock('../services/calls', () => ({ previewDestination: vi.fn() }));
vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));
vi.mock('../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

const DORA: Contact = { id: 'c1', displayName: 'Dora Diaz', organisation: 'Acme', numbers: [{ label: 'work', number: '+49301234567' }, { label: 'mobile', number: '+4915112345678' }], note: null, createdAt: '', updatedAt: '' };

/** A text field's input (the test id sits on the input itself or on its wrapper). */
function field(testId: string): HTMLInputElement {
  const el = document.querySelector(`[data-testid=${testId}]`)!;
  return (el.matches('input') ? el : el.querySelector('input')) as HTMLInputElement;
}

async function mountView(path = '/contacts') {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser({});
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/contacts', name: 'contacts', component: ContactsView }] });
  await router.push(path);
  const wrapper = mount(ContactsView, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('ContactsView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    phones.length = 0;
    for (const f of Object.values(api)) vi.mocked(f).mockReset();
    vi.mocked(api.listPeople).mockResolvedValue([{ displayName: 'Bob', extension: '1002' }]);
    vi.mocked(api.listNextcloudContacts).mockResolvedValue([]);
    vi.mocked(calls.previewDestination).mockResolvedValue({ kind: 'e164', number: '+49301234567', country: 'DE', allowed: true, reason: 'allowed', rate: null });
    vi.mocked(sipApi.fetchCredentials).mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
    vi.mocked(toast.toastSuccess).mockReset();
    vi.mocked(toast.toastError).mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('offers to add the first contact when the address book is empty', async () => {
    vi.mocked(api.listContacts).mockResolvedValue({ items: [], nextCursor: null });
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid=contacts-empty]').text()).toContain('No contacts yet');
    expect(wrapper.find('[data-testid=contacts-list]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=people-list]').text()).toContain('Extension 1002');
  });

  it('lists each number grouped as people write it, and calls it with one click once the phone is ready', async () => {
    vi.mocked(api.listContacts).mockResolvedValue({ items: [DORA], nextCursor: null });
    const wrapper = await mountView();
    expect(wrapper.get('[data-testid=contact]').text()).toContain('+49 30 1234567');
    const call = () => wrapper.findAll('[data-testid=contact-call]');
    expect(call()[0]!.attributes('disabled')).toBeDefined();
    expect(wrapper.get('#contacts-call-why').text()).toBe('Your browser phone is not connected yet, so calls cannot be placed.');
    expect(call()[0]!.attributes('aria-label')).toBe('Call Dora Diaz, Work: +49 30 1234567');

    await usePhoneStore().connect();
    phones.at(-1)!.register();
    await flushPromises();
    expect(wrapper.find('#contacts-call-why').exists()).toBe(false);
    await call()[1]!.trigger('click');
    await flushPromises();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+4915112345678']);
    expect(toast.toastSuccess).toHaveBeenCalledWith('Calling Dora Diaz…');
  });

  it('shows the Nextcloud contacts read-only with their labels, calls one with one click, and shows a number that cannot be called as typed', async () => {
    vi.mocked(api.listContacts).mockResolvedValue({ items: [], nextCursor: null });
    vi.mocked(api.listNextcloudContacts).mockResolvedValue([
      {
        id: 'n1',
        displayName: 'Anna Alt',
        organisation: 'Acme GmbH',
        numbers: [
          { label: 'work', typed: '030 7654321', number: '+49307654321', extension: '12' },
          { label: 'other', typed: '12', number: null, extension: null },
        ],
      },
      { id: 'n2', displayName: 'Carl Cole', organisation: null, numbers: [] },
    ]);
    const wrapper = await mountView();
    const cards = wrapper.findAll('[data-testid=nextcloud-contact]');
    expect(cards.map((c) => c.get('[data-testid=nextcloud-name]').text())).toEqual(['Anna Alt', 'Carl Cole']);
    expect(cards[0]!.text()).toContain('12 (cannot be called)');
    expect(cards[1]!.text()).toContain('No phone number');
    expect(cards[0]!.find('[data-testid=contact-edit]').exists()).toBe(false);
    expect(cards[0]!.find('[data-testid=contact-delete]').exists()).toBe(false);
    const calls = wrapper.findAll('[data-testid=nextcloud-call]');
    expect(calls.map((c) => c.attributes('aria-label'))).toEqual(['Call Anna Alt, Work: +49 30 7654321 ext. 12']);
    await usePhoneStore().connect();
    phones.at(-1)!.register();
    await flushPromises();
    await wrapper.get('[data-testid=nextcloud-call]').trigger('click');
    await flushPromises();
    expect(phones[0]!.calls.map((c) => c.remote)).toEqual(['+49307654321']);
    expect(toast.toastSuccess).toHaveBeenCalledWith('Calling Anna Alt…');
  });

  it('adds a contact from the dialog and says so; a refused number keeps the dialog open with the reason', async () => {
    vi.mocked(api.listContacts).mockResolvedValue({ items: [], nextCursor: null });
    const wrapper = await mountView('/contacts?add=%2B4940555000');
    const dialog = () => document.querySelector('[data-testid=contact-dialog]');
    expect(dialog()).not.toBeNull();
    expect(field('contact-number-0').value).toBe('+4940555000');
    const name = field('contact-name');
    name.value = 'Erin';
    name.dispatchEvent(new Event('input'));
    vi.mocked(api.createContact).mockRejectedValueOnce(new ApiError(400, 'validation_failed', 'bad'));
    (document.querySelector('[data-testid=contact-save]') as HTMLButtonElement).click();
    await flushPromises();
    expect(api.createContact).toHaveBeenCalledWith({ displayName: 'Erin', organisation: null, numbers: [{ label: 'mobile', number: '+4940555000' }], note: null });
    expect(toast.toastError).toHaveBeenCalledWith('Check the numbers: each must be a phone number, none listed twice.');
    expect(dialog()).not.toBeNull();
    expect(wrapper.find('[data-testid=contact]').exists()).toBe(false);

    vi.mocked(api.createContact).mockResolvedValueOnce({ ...DORA, id: 'c2', displayName: 'Erin', numbers: [{ label: 'mobile', number: '+4940555000' }] });
    (document.querySelector('[data-testid=contact-save]') as HTMLButtonElement).click();
    await flushPromises();
    expect(toast.toastSuccess).toHaveBeenCalledWith('Contact “Erin” saved.');
    expect(wrapper.get('[data-testid=contact]').text()).toContain('Erin');
  });

  it('deletes a contact only after confirmation', async () => {
    vi.mocked(api.listContacts).mockResolvedValue({ items: [DORA], nextCursor: null });
    vi.mocked(api.deleteContact).mockResolvedValue(undefined);
    const wrapper = await mountView();
    await wrapper.get('[data-testid=contact-delete]').trigger('click');
    await flushPromises();
    expect(api.deleteContact).not.toHaveBeenCalled();
    expect(document.body.textContent).toContain('Delete Dora Diaz from your contacts? This cannot be undone.');
    const confirm = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Delete');
    confirm!.click();
    await flushPromises();
    expect(api.deleteContact).toHaveBeenCalledWith('c1');
    expect(toast.toastSuccess).toHaveBeenCalledWith('Contact “Dora Diaz” deleted.');
    expect(wrapper.find('[data-testid=contact]').exists()).toBe(false);
  });
});
