import type { AddressBookStatus } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../services/contacts';
import { ApiError } from '../../services/http';
import { signedIn } from '../../test/session';
import * as toast from '../../util/toast';
import NextcloudContactsSettings from './NextcloudContactsSettings.vue';

vi.mock('../../services/contacts', () => ({ addressBookStatus: vi.fn(), connectAddressBook: vi.fn(), syncAddressBook: vi.fn(), disconnectAddressBook: vi.fn(), listNextcloudContacts: vi.fn() }));

const NOT_CONNECTED: AddressBookStatus = { available: true, connected: false, via: null, signInAccount: null, username: null, connectedAt: null, lastSyncedAt: null, lastError: null, syncing: false, books: 0, contacts: 0 };
const CONNECTED: AddressBookStatus = { ...NOT_CONNECTED, connected: true, via: 'app-password', username: 'alice', connectedAt: '2026-12-03T10:00:00Z', lastSyncedAt: '2026-12-03T10:05:00Z', books: 1, contacts: 42 };

async function shown(status: AddressBookStatus) {
  vi.mocked(api.addressBookStatus).mockResolvedValue(status);
  const wrapper = mount(NextcloudContactsSettings, { attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('NextcloudContactsSettings', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    signedIn();
    vi.mocked(api.addressBookStatus).mockReset();
    vi.mocked(api.connectAddressBook).mockReset();
    vi.mocked(api.syncAddressBook).mockReset();
    vi.mocked(api.disconnectAddressBook).mockReset();
  });

  it('connects with the user name and app password, says so, and shows what was synced', async () => {
    vi.mocked(api.connectAddressBook).mockResolvedValue(CONNECTED);
    const wrapper = await shown(NOT_CONNECTED);
    expect(wrapper.get('[data-testid=nextcloud-submit]').attributes('disabled')).toBeDefined();
    const [user, password] = wrapper.findAll('input');
    await user!.setValue(' alice ');
    await password!.setValue('Abcde-Fghij-Klmno-Pqrst-Uvwxy');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.connectAddressBook).toHaveBeenCalledWith({ username: 'alice', appPassword: 'Abcde-Fghij-Klmno-Pqrst-Uvwxy' });
    expect(toast.toastSuccess).toHaveBeenCalledWith('Nextcloud contacts connected.');
    expect(wrapper.get('[data-testid=nextcloud-status]').text()).toBe('Connected as alice: 42 contacts from 1 address book.');
    expect(wrapper.get('[data-testid=nextcloud-synced]').text()).toMatch(/^Last synced .*2026/);
    wrapper.unmount();
  });

  it('says in words that Nextcloud refused the app password, in the form and in a toast, and stays unconnected', async () => {
    vi.mocked(api.connectAddressBook).mockRejectedValue(new ApiError(422, 'nextcloud_credentials_refused', 'raw'));
    const wrapper = await shown(NOT_CONNECTED);
    const [user, password] = wrapper.findAll('input');
    await user!.setValue('alice');
    await password!.setValue('wrong');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=nextcloud-error]').text()).toContain('Nextcloud refused the app password');
    expect(toast.toastError).toHaveBeenCalledWith(expect.stringContaining('Nextcloud refused the app password'));
    expect(wrapper.find('[data-testid=nextcloud-connect]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('offers to connect with the Nextcloud sign-in where it can read the books, the app password still beside it', async () => {
    vi.mocked(api.connectAddressBook).mockResolvedValue({ ...CONNECTED, via: 'sign-in', signInAccount: 'alice' });
    const wrapper = await shown({ ...NOT_CONNECTED, signInAccount: 'alice' });
    expect(wrapper.find('[data-testid=nextcloud-connect]').exists()).toBe(true);
    await wrapper.get('[data-testid=nextcloud-connect-sign-in]').trigger('click');
    await flushPromises();
    expect(api.connectAddressBook).toHaveBeenCalledWith({ withSignIn: true });
    expect(wrapper.get('[data-testid=nextcloud-status]').text()).toContain('Connected as alice');
    expect(wrapper.find('[data-testid=nextcloud-connect-sign-in]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('a refused sign-in token is not called an app password', async () => {
    const wrapper = await shown({ ...CONNECTED, via: 'sign-in', lastError: { code: 'credentials_refused', at: '2026-12-03T11:00:00Z' } });
    expect(wrapper.get('[data-testid=nextcloud-last-error]').text()).toContain('Sign in with Nextcloud again');
    wrapper.unmount();
  });

  it('offers no sign-in connection where the sign-in cannot read the books', async () => {
    const wrapper = await shown(NOT_CONNECTED);
    expect(wrapper.find('[data-testid=nextcloud-connect-sign-in]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('shows the last sync’s error, syncs now and disconnects', async () => {
    const wrapper = await shown({ ...CONNECTED, lastError: { code: 'credentials_refused', at: '2026-12-03T11:00:00Z' } });
    expect(wrapper.get('[data-testid=nextcloud-last-error]').text()).toContain('Nextcloud refused the app password');
    vi.mocked(api.syncAddressBook).mockResolvedValue(CONNECTED);
    await wrapper.get('[data-testid=nextcloud-sync]').trigger('click');
    await flushPromises();
    expect(toast.toastSuccess).toHaveBeenCalledWith('Nextcloud contacts synced.');
    expect(wrapper.find('[data-testid=nextcloud-last-error]').exists()).toBe(false);
    vi.mocked(api.disconnectAddressBook).mockResolvedValue(undefined);
    vi.mocked(api.addressBookStatus).mockResolvedValue(NOT_CONNECTED);
    await wrapper.get('[data-testid=nextcloud-disconnect]').trigger('click');
    await flushPromises();
    expect(toast.toastSuccess).toHaveBeenCalledWith('Nextcloud contacts disconnected.');
    expect(wrapper.find('[data-testid=nextcloud-connect]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('says when this SIPCall offers no Nextcloud address books, with no form', async () => {
    const wrapper = await shown({ ...NOT_CONNECTED, available: false });
    expect(wrapper.get('[data-testid=nextcloud-unavailable]').text()).toContain('not connected to a Nextcloud');
    expect(wrapper.find('form').exists()).toBe(false);
    wrapper.unmount();
  });
});
