import type { NextcloudLink } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { formatDate } from '../../i18n/format';
import * as auth from '../../services/auth';
import { ApiError } from '../../services/http';
import { signedIn } from '../../test/session';
import { confirmAction } from '../../util/confirm';
import { leaveFor } from '../../util/navigate';
import * as toast from '../../util/toast';
import NextcloudLinkCard from './NextcloudLinkCard.vue';

vi.mock('../../services/auth', () => ({ nextcloudLink: vi.fn(), startNextcloudLink: vi.fn(), unlinkNextcloud: vi.fn() }));
vi.mock('../../util/confirm', () => ({ confirmAction: vi.fn() }));
vi.mock('../../util/navigate', () => ({ leaveFor: vi.fn() }));

const UNLINKED: NextcloudLink = { linked: false, nextcloudUser: null, since: null, hasPassword: true };
const LINKED: NextcloudLink = { linked: true, nextcloudUser: 'alice', since: '2026-12-03T10:00:00Z', hasPassword: true };

async function shown(link: NextcloudLink, at = '/settings') {
  vi.mocked(auth.nextcloudLink).mockResolvedValue(link);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/settings', component: { template: '<p>settings</p>' } }] });
  await router.push(at);
  const wrapper = mount(NextcloudLinkCard, { global: { plugins: [router] } });
  await flushPromises();
  return { wrapper, router };
}

describe('NextcloudLinkCard', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    signedIn();
    vi.mocked(auth.nextcloudLink).mockReset();
    vi.mocked(auth.startNextcloudLink).mockReset();
    vi.mocked(auth.unlinkNextcloud).mockReset();
    vi.mocked(confirmAction).mockReset();
    vi.mocked(leaveFor).mockReset();
  });

  it('says which Nextcloud account it is linked to and since when', async () => {
    const { wrapper } = await shown(LINKED);
    expect(wrapper.get('[data-testid=nextcloud-link-status]').text()).toBe(`Linked to Nextcloud account alice since ${formatDate(LINKED.since!)}.`);
    expect(wrapper.find('[data-testid=nextcloud-link-start]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=nextcloud-unlink]').attributes('disabled')).toBeUndefined();
  });

  it('says it is not linked and offers to link', async () => {
    const { wrapper } = await shown(UNLINKED);
    expect(wrapper.get('[data-testid=nextcloud-link-status]').text()).toBe('Not linked.');
    expect(wrapper.find('[data-testid=nextcloud-unlink]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=nextcloud-link-start]').text()).toBe('Link Nextcloud account');
  });

  it('sends the browser to the address the server gives to link an account', async () => {
    vi.mocked(auth.startNextcloudLink).mockResolvedValue('https://cloud.example/apps/oauth2/authorize?state=s');
    const { wrapper } = await shown(UNLINKED);
    await wrapper.get('[data-testid=nextcloud-link-start]').trigger('click');
    await flushPromises();
    expect(auth.startNextcloudLink).toHaveBeenCalledOnce();
    expect(leaveFor).toHaveBeenCalledWith('https://cloud.example/apps/oauth2/authorize?state=s');
  });

  it('stays on the page and says so when linking cannot start', async () => {
    vi.mocked(auth.startNextcloudLink).mockRejectedValue(new ApiError(503, 'nextcloud_unavailable', 'Nextcloud is down'));
    const { wrapper } = await shown(UNLINKED);
    await wrapper.get('[data-testid=nextcloud-link-start]').trigger('click');
    await flushPromises();
    expect(leaveFor).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid=nextcloud-link-failed]').text()).toBe('That did not work: Nextcloud is down');
  });

  it('unlinks after confirmation, shows the new state and says so', async () => {
    vi.mocked(confirmAction).mockResolvedValue(true);
    vi.mocked(auth.unlinkNextcloud).mockResolvedValue(undefined);
    const { wrapper } = await shown(LINKED);
    vi.mocked(auth.nextcloudLink).mockResolvedValue(UNLINKED);
    await wrapper.get('[data-testid=nextcloud-unlink]').trigger('click');
    await flushPromises();
    expect(vi.mocked(confirmAction).mock.calls[0]![0]).toMatchObject({ title: 'Unlink your Nextcloud account?', confirm: 'Unlink' });
    expect(auth.unlinkNextcloud).toHaveBeenCalledOnce();
    expect(wrapper.get('[data-testid=nextcloud-link-status]').text()).toBe('Not linked.');
    expect(toast.toastSuccess).toHaveBeenCalledWith('Your Nextcloud account is unlinked.');
  });

  it('keeps the link when the confirmation is cancelled', async () => {
    vi.mocked(confirmAction).mockResolvedValue(false);
    const { wrapper } = await shown(LINKED);
    await wrapper.get('[data-testid=nextcloud-unlink]').trigger('click');
    await flushPromises();
    expect(auth.unlinkNextcloud).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid=nextcloud-link-status]').text()).toContain('alice');
  });

  it('does not offer to unlink an account without a password, and says why', async () => {
    const { wrapper } = await shown({ ...LINKED, hasPassword: false });
    const button = wrapper.get('[data-testid=nextcloud-unlink]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.attributes('aria-describedby')).toBe('nextcloud-unlink-why');
    expect(wrapper.get('#nextcloud-unlink-why').text()).toBe('Set a password first: without one you could not sign in after unlinking.');
  });

  it('says why, when the server refuses to unlink an account without a password', async () => {
    vi.mocked(confirmAction).mockResolvedValue(true);
    vi.mocked(auth.unlinkNextcloud).mockRejectedValue(new ApiError(409, 'password_required', 'raw'));
    const { wrapper } = await shown(LINKED);
    await wrapper.get('[data-testid=nextcloud-unlink]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid=nextcloud-link-failed]').text()).toBe('Set a password first: without one you could not sign in after unlinking.');
    expect(toast.toastError).toHaveBeenCalledWith('Set a password first: without one you could not sign in after unlinking.');
  });

  it('says the account is linked when Nextcloud sent the browser back, once: the address forgets it', async () => {
    const { wrapper, router } = await shown(LINKED, '/settings?nextcloud_linked=1');
    expect(wrapper.get('[data-testid=nextcloud-link-done]').text()).toBe('Your Nextcloud account is linked. You can sign in with it from now on.');
    expect(router.currentRoute.value.query).toEqual({});
  });

  it.each([
    ['linked_elsewhere', 'That Nextcloud account already belongs to another SIPCall user.'],
    ['denied', 'You did not allow SIPCall to use your Nextcloud account.'],
    ['something_new', 'Linking your Nextcloud account did not work. Please try again.'],
  ])('says why linking came back with %s, once: the address forgets it', async (code, text) => {
    const { wrapper, router } = await shown(UNLINKED, `/settings?nextcloud_link_error=${code}`);
    const note = wrapper.get('[data-testid=nextcloud-link-error]');
    expect(note.text()).toBe(text);
    expect(note.attributes('role')).toBe('alert');
    expect(wrapper.find('[data-testid=nextcloud-link-done]').exists()).toBe(false);
    expect(router.currentRoute.value.query).toEqual({});
  });
});
