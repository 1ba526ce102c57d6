// Inbound numbers (DIDs) and the user each rings, and the routing policy and
// trunk as configured (read-only: changing them is a deployment change).
import type { Did, NewDid, RoutingSettings } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../services/numbers';

const byNumber = (a: Did, b: Did) => a.number.localeCompare(b.number);

export const useNumbersStore = defineStore('numbers', () => {
  const dids = ref<Did[]>([]);
  const policy = ref<RoutingSettings | null>(null);

  async function load() {
    const [list, settings] = await Promise.all([api.listDids(), api.fetchRoutingSettings()]);
    dids.value = list;
    policy.value = settings;
  }

  async function assign(did: NewDid) {
    const added = await api.assignDid(did);
    dids.value = [...dids.value, added].sort(byNumber);
  }

  async function remove(number: string) {
    await api.removeDid(number);
    dids.value = dids.value.filter((d) => d.number !== number);
  }

  /** Forgets what was loaded: each visit to the page starts from nothing. */
  function reset() {
    dids.value = [];
    policy.value = null;
  }

  return { dids, policy, load, assign, remove, reset };
});
