import type { ContactMatch } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as contactsApi from '../../services/contacts';
import * as sipApi from '../../services/sip';
import { useDialerStore } from '../../stores/dialer';
import { usePhoneStore } from '../../stores/phone';
import { useSessionStore } from '../../stores/session';
import { phones } from '@sipcall/phone/testing';
import { makeUser } from '../../test/fixtures';
import ContactMatches from './ContactMatches.vue';

vi.mock('../../services/contacts', () => ({ searchContacts: vi.fn(), listPeople: vi.fn() }));
vi.mock('../../services/calls', () => ({ previewDestination: vi.fn().mockResolvedValue(null) }));
vi.mock('../../services/history', () => ({ listHistory: vi.fn().mockResolvedValue({ items: [], nextCursor: null }) }));
vi.mock('../../services/sip', () => ({ fetchCredentials: vi.fn(), revokeCredentials: vi.fn() }));
vi.mock('../../services/phoneSystem', () => ({ fetchPhoneSystem: async () => ({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' }) }));
vi.mock('@sipcall/phone/jssip', async () => ({ createJsSipPhone: (await import('@sipcall/phone/testing')).createFakePhone }));

const ANNA: ContactMatch = {
  source: 'nextcloud',
  id: 'n1',
  displayName: 'Anna Alt',
  organisation: 'Acme GmbH',
  numbers: [
    { label: 'mobile', typed: '+49 30 1234567', number: '+49301234567', extension: null },
    { label: 'work', typed: '030 7654321', number: '+49307654321', extension: '12' },
    { label: 'other', typed: '12', number: null, extension: null },
  ],
};
const OWN: ContactMatch = { source: 'sipcall', id: 'c1', displayName: 'Anna (own)', organisation: null, numbers: [{ label: 'home', typed: '+49301111111', number: '+49301111111', extension: null }] };

async function mounted() {
  const session = useSessionStore();
  session.accessToken = 'token';
  session.status = 'signedIn';
  session.user = makeUser();
  const wrapper = mount(ContactMatches, { attachTo: document.body });
  await usePhoneStore().connect();
  phones.at(-1)!.register();
  await flushPromises();
  return wrapper;
}

describe('ContactMatches', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    phones.length = 0;
    vi.mocked(sipApi.fetchCredentials).mockReset().mockResolvedValue({ username: 'u1', password: 'pw', domain: 'sip.test', wssUrl: 'wss://sip.test', iceServers: [], expiresAt: '' });
    vi.mocked(contactsApi.searchContacts).mockReset().mockResolvedValue([OWN, ANNA]);
    vi.mocked(contactsApi.listPeople).mockReset().mockResolvedValue([{ displayName: 'Annabel Colleague', extension: '2001' }]);
  });

  it('lists every callable number of the matches by name with its label, Nextcloud ones marked, colleagues by extension', async () => {
    const wrapper = await mounted();
    await wrapper.get('[data-testid=contact-search]').setValue('ann');
    await flushPromises();
    expect(contactsApi.searchContacts).toHaveBeenCalledWith('ann');
    const rows = wrapper.findAll('[data-testid=contact-match]');
    expect(rows.map((r) => r.attributes('aria-label'))).toEqual([
      'Call Anna (own), Home: +49 30 1111111',
      'Call Anna Alt, Mobile: +49 30 1234567',
      'Call Anna Alt, Work: +49 30 7654321 ext. 12',
      'Call Annabel Colleague, Extension 2001: 2001',
    ]);
    expect(rows[1]!.text()).toContain('Nextcloud');
    expect(rows[0]!.text()).not.toContain('Nextcloud');
    wrapper.unmount();
  });

  it('calls a match with one click, and the first one with Enter', async () => {
    const wrapper = await mounted();
    await wrapper.get('[data-testid=contact-search]').setValue('ann');
    await flushPromises();
    await wrapper.findAll('[data-testid=contact-match]')[1]!.trigger('click');
    expect(phones.at(-1)!.calls.map((c) => c.remote)).toEqual(['+49301234567']);
    phones.at(-1)!.calls.at(-1)!.end();
    await flushPromises();
    await wrapper.get('[data-testid=contact-search]').trigger('keydown', { key: 'Enter' });
    expect(phones.at(-1)!.calls.map((c) => c.remote)).toEqual(['+49301234567', '+49301111111']);
    wrapper.unmount();
  });

  it('searches by the digits typed on the dialpad once there are three, quietly when nothing matches', async () => {
    const wrapper = await mounted();
    const dialer = useDialerStore();
    dialer.set('03');
    await flushPromises();
    expect(contactsApi.searchContacts).not.toHaveBeenCalled();
    dialer.set('030');
    await flushPromises();
    expect(contactsApi.searchContacts).toHaveBeenCalledWith('030');
    expect(wrapper.findAll('[data-testid=contact-match]')).toHaveLength(4);
    vi.mocked(contactsApi.searchContacts).mockResolvedValue([]);
    vi.mocked(contactsApi.listPeople).mockResolvedValue([]);
    dialer.set('0309');
    await flushPromises();
    expect(wrapper.findAll('[data-testid=contact-match]')).toHaveLength(0);
    expect(wrapper.text()).not.toContain('No contact matches.');
    wrapper.unmount();
  });

  it('says when no contact matches the name typed', async () => {
    vi.mocked(contactsApi.searchContacts).mockResolvedValue([]);
    vi.mocked(contactsApi.listPeople).mockResolvedValue([]);
    const wrapper = await mounted();
    await wrapper.get('[data-testid=contact-search]').setValue('zed');
    await flushPromises();
    expect(wrapper.text()).toContain('No contact matches.');
    wrapper.unmount();
  });
});
