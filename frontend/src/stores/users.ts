// The admin's view of accounts: a paged, searchable list and the changes made to it.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NewUser, User, UserPatch } from '@sipcall/contract';
import * as api from '../services/users';
import { registeredDevices } from '../services/registrations';

export const useUsersStore = defineStore('users', () => {
  const items = ref<User[]>([]);
  const nextCursor = ref<string | null>(null);
  const query = ref('');
  const loading = ref(false);
  /** Registered devices per user id; null until asked. */
  const devices = ref<Record<string, number> | null>(null);
  /** A switch could not be asked: a count of none may be short. */
  const devicesPartial = ref(false);

  async function load(more = false) {
    loading.value = true;
    try {
      const page = await api.listUsers({ limit: 50, q: query.value.trim() || undefined, cursor: more ? (nextCursor.value ?? undefined) : undefined });
      items.value = more ? [...items.value, ...page.items] : page.items;
      nextCursor.value = page.nextCursor;
    } finally {
      loading.value = false;
    }
  }

  /** Who is registered right now, asked of the switches. */
  async function loadDevices() {
    const answer = await registeredDevices();
    devices.value = answer.devices;
    devicesPartial.value = Object.values(answer.switches).some((s) => s !== 'ready');
  }

  async function create(user: NewUser) {
    const created = await api.createUser(user);
    items.value = [...items.value, created].sort((a, b) => a.email.localeCompare(b.email));
    return created;
  }

  async function update(id: string, patch: UserPatch) {
    const updated = await api.updateUser(id, patch);
    items.value = items.value.map((u) => (u.id === id ? updated : u));
  }

  async function remove(id: string) {
    await api.deleteUser(id);
    items.value = items.value.filter((u) => u.id !== id);
  }

  return { items, nextCursor, query, loading, devices, devicesPartial, load, loadDevices, create, update, remove };
});
