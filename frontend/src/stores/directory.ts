// Names for user ids on the admin pages (live calls, analytics, numbers):
// every account, loaded once per visit, page by page.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { User } from '@sipcall/contract';
import * as api from '../services/users';

const MAX_PAGES = 20;

export const useDirectoryStore = defineStore('directory', () => {
  const users = ref(new Map<string, User>());
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= (async () => {
      const all = new Map<string, User>();
      let cursor: string | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await api.listUsers({ limit: 200, cursor });
        for (const u of page.items) all.set(u.id, u);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      users.value = all;
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  const nameOf = (id: string | null) => (id ? (users.value.get(id)?.displayName ?? id.slice(0, 8)) : '');

  return { users, load, nameOf };
});
