// The user's Nextcloud address books as SIPCall keeps them: whether they are
// connected and how the last sync went, and the cards (read-only here).
import type { AddressBookStatus, NextcloudContact } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '../services/contacts';
import { useSessionStore } from './session';

export const useNextcloudContactsStore = defineStore('nextcloudContacts', () => {
  const session = useSessionStore();
  const status = ref<AddressBookStatus | null>(null);
  const items = ref<NextcloudContact[]>([]);

  watch(
    () => session.user?.id ?? null,
    () => {
      status.value = null;
      items.value = [];
    },
  );

  async function loadStatus() {
    status.value = await api.addressBookStatus();
  }
  async function load(q?: string) {
    items.value = await api.listNextcloudContacts(q?.trim() || undefined);
  }
  async function connect(username: string, appPassword: string) {
    status.value = await api.connectAddressBook({ username, appPassword });
  }
  /** With the token of the user's Nextcloud sign-in, where it can read the address books. */
  async function connectWithSignIn() {
    status.value = await api.connectAddressBook({ withSignIn: true });
  }
  async function syncNow() {
    status.value = await api.syncAddressBook();
  }
  async function disconnect() {
    await api.disconnectAddressBook();
    items.value = [];
    await loadStatus();
  }

  return { status, items, loadStatus, load, connect, connectWithSignIn, syncNow, disconnect };
});
