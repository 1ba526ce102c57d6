import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { forgetSignInProviders } from '../composables/useSignInProviders';
import { setLanguageChoice } from '../i18n';
import * as auth from '../services/auth';
import { signedIn } from '../test/session';
import SettingsView from './SettingsView.vue';

vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('../services/contacts', () => ({ addressBookStatus: vi.fn().mockResolvedValue({ available: false, connected: false }) }));
vi.mock('../services/auth', () => ({
  providers: vi.fn().mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false }),
  nextcloudLink: vi.fn().mockResolvedValue({ linked: false, nextcloudUser: null, since: null, hasPassword: true }),
}));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));

// The sign-in providers are known to the whole page: a page left mounted would redraw with the next test's.
enableAutoUnmount(afterEach);

describe('SettingsView language', () => {
  beforeEach(async () => {
    setActivePinia(createPinia());
    signedIn();
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
  });
  afterEach(async () => {
    await setLanguageChoice(null);
    vi.restoreAllMocks();
  });

  it('follows the browser until a language is chosen, then redraws the page in it and keeps it in this browser', async () => {
    const wrapper = mount(SettingsView);
    const select = wrapper.get('select[aria-labelledby=settings-language]');
    expect((select.element as HTMLSelectElement).value).toBe('');
    expect(select.text()).toContain('Browser language (English)');
    expect(wrapper.get('h1').text()).toBe('Settings');

    await select.setValue('de');
    await vi.waitFor(() => expect(wrapper.get('h1').text()).toBe('Einstellungen'));
    expect(document.documentElement.lang).toBe('de');
    expect(localStorage.getItem('sipcall.language')).toBe('de');

    await select.setValue('');
    expect(wrapper.get('h1').text()).toBe('Settings');
    expect(localStorage.getItem('sipcall.language')).toBeNull();
  });
});

describe('SettingsView sign-in with Nextcloud', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    signedIn();
    forgetSignInProviders();
  });

  async function settings() {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/settings', component: SettingsView }] });
    await router.push('/settings');
    const wrapper = mount(SettingsView, { global: { plugins: [router] } });
    await flushPromises();
    return wrapper;
  }

  it('has no Nextcloud sign-in section where the server offers none', async () => {
    const wrapper = await settings();
    expect(wrapper.find('[data-testid=nextcloud-link]').exists()).toBe(false);
  });

  it('shows whether the account is linked to Nextcloud where the server offers Nextcloud sign-in', async () => {
    vi.mocked(auth.providers).mockResolvedValueOnce({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: true });
    const wrapper = await settings();
    expect(wrapper.get('[data-testid=nextcloud-link-status]').text()).toBe('Not linked.');
  });
});
