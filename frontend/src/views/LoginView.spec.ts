import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as auth from '../services/auth';
import { ApiError } from '../services/http';
import { useSessionStore } from '../stores/session';
import { makeUser } from '../test/fixtures';
import { formatTime } from '../i18n/format';
import { forgetSignInProviders } from '../composables/useSignInProviders';
import LoginView from './LoginView.vue';

vi.mock('../services/auth', () => ({ login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), providers: vi.fn() }));

async function mountLogin(at = '/login') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/', component: { template: '<p>home</p>' } },
      { path: '/history', component: { template: '<p>history</p>' } },
    ],
  });
  await router.push(at);
  const wrapper = mount(LoginView, { global: { plugins: [router] } });
  return { wrapper, router };
}

describe('LoginView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(auth.login).mockReset();
    forgetSignInProviders();
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false });
  });

  it('keeps the button disabled until both fields are filled', async () => {
    const { wrapper } = await mountLogin();
    const button = wrapper.get('button[type=submit]');
    expect(button.attributes('disabled')).toBeDefined();
    await wrapper.get('input[type=email]').setValue('ann@example.com');
    await wrapper.get('input[type=password]').setValue('secret password');
    expect(button.attributes('disabled')).toBeUndefined();
  });

  it.each([
    ['invalid_credentials', 401, 'Wrong email or password.'],
    ['account_disabled', 401, 'This account is disabled'],
    ['rate_limited', 429, 'Too many attempts'],
    ['network', 0, 'cannot be reached'],
  ])('explains a %s refusal in words', async (code, status, text) => {
    vi.mocked(auth.login).mockRejectedValue(new ApiError(status, code, 'raw'));
    const { wrapper } = await mountLogin();
    await wrapper.get('input[type=email]').setValue('ann@example.com');
    await wrapper.get('input[type=password]').setValue('secret password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=login-error]').text()).toContain(text);
  });

  it('goes home after signing in and forgets the typed password', async () => {
    vi.mocked(auth.login).mockResolvedValue({
      user: makeUser({ id: 'u' }),
      accessToken: 't',
      tokenType: 'Bearer',
      expiresIn: 600,
    });
    const { wrapper, router } = await mountLogin();
    await wrapper.get('input[type=email]').setValue(' ann@example.com ');
    await wrapper.get('input[type=password]').setValue('secret password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(auth.login).toHaveBeenCalledWith('ann@example.com', 'secret password');
    expect(router.currentRoute.value.path).toBe('/');
    expect((wrapper.get('input[type=password]').element as HTMLInputElement).value).toBe('');
  });

  const SESSION = { user: makeUser({ id: 'u' }), accessToken: 't', tokenType: 'Bearer' as const, expiresIn: 600 };

  async function signInOn(at: string) {
    vi.mocked(auth.login).mockResolvedValue(SESSION);
    const mounted = await mountLogin(at);
    await mounted.wrapper.get('input[type=email]').setValue('ann@example.com');
    await mounted.wrapper.get('input[type=password]').setValue('secret password');
    await mounted.wrapper.get('form').trigger('submit');
    await flushPromises();
    return mounted;
  }

  it('returns to the page the user was on after signing in again', async () => {
    const { router } = await signInOn('/login?next=%2Fhistory%3Fnumber%3D2001');
    expect(router.currentRoute.value.fullPath).toBe('/history?number=2001');
  });

  it('goes home rather than to another site', async () => {
    const { router } = await signInOn('/login?next=%2F%2Fevil.example%2Fhistory');
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it('says when the session ended and how long it had lasted', async () => {
    const at = Date.parse('2026-05-04T12:30:00Z');
    useSessionStore().ended = { at, signedInAt: at - (2 * 60 + 5) * 60_000 };
    const { wrapper } = await mountLogin('/login?next=%2Fhistory');
    expect(wrapper.get('[data-testid=session-ended]').text()).toBe(`You were signed out at ${formatTime(at)}, 2 h 5 min after signing in. Sign in again to continue.`);
  });

  it('says when the session ended, when it began before this page was opened', async () => {
    const at = Date.parse('2026-05-04T12:30:00Z');
    useSessionStore().ended = { at, signedInAt: null };
    const { wrapper } = await mountLogin();
    expect(wrapper.get('[data-testid=session-ended]').text()).toBe(`You were signed out at ${formatTime(at)}. Sign in again to continue.`);
  });

  it('says nothing of an ended session on an ordinary sign-in', async () => {
    const { wrapper } = await mountLogin();
    expect(wrapper.find('[data-testid=session-ended]').exists()).toBe(false);
  });
});
