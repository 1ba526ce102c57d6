// The signed-in user's own account: the settings they change themselves, and
// the export of everything held about them.
import type { SettingsPatch } from '@sipcall/contract';
import { defineStore } from 'pinia';
import * as me from '../services/me';
import { useSessionStore } from './session';

export const useAccountStore = defineStore('account', () => {
  const session = useSessionStore();

  async function saveSettings(patch: SettingsPatch) {
    const user = await me.updateMySettings(patch);
    session.user = { ...session.user, ...user };
  }

  /** Everything held about the user, opened (GDPR export). */
  const exportData = (): Promise<unknown> => me.exportMyData();

  return { saveSettings, exportData };
});
