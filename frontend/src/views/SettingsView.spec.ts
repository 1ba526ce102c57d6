import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLanguageChoice } from '../i18n';
import { signedIn } from '../test/session';
import SettingsView from './SettingsView.vue';

vi.mock('../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('../services/contacts', () => ({ addressBookStatus: vi.fn().mockResolvedValue({ available: false, connected: false }) }));
vi.mock('../sip/jssip-phone', async () => ({ createJsSipPhone: (await import('../test/fake-phone')).createFakePhone }));

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
