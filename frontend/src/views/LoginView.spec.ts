import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as auth from '../services/auth';
import { ApiError } from '../services/http';
import { useSessionStore } from '../stores/session';
import { makeUser } from '../test/fixtures';
import { setLanguageChoice } from '../i18n';
import { formatTime } from '../i18n/format';
import { forgetSignInProviders } from '../composables/useSignInProviders';
import type { SignInProviders } from '@sipcall/contract';
import LoginView from './LoginView.vue';

vi.mock('../services/auth', () => ({ login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), providers: vi.fn() }));
const framing = vi.hoisted(() => ({ embedded: false, talk: false, dial: null }));
vi.mock('../embed/embedding', () => ({ embedding: framing }));

const PASSWORD_ONLY: SignInProviders = { password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false };

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
  await flushPromises();
  return { wrapper, router };
}

describe('LoginView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(auth.login).mockReset();
    forgetSignInProviders();
    vi.mocked(auth.providers).mockResolvedValue(PASSWORD_ONLY);
    framing.embedded = false;
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

  it('offers no Nextcloud sign-in unless the server has one', async () => {
    const { wrapper } = await mountLogin();
    expect(wrapper.find('[data-testid=nextcloud-signin]').exists()).toBe(false);
    expect(wrapper.find('.login__or').exists()).toBe(false);
  });

  it('offers Nextcloud sign-in as a link above the password form, with "or" between them', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ ...PASSWORD_ONLY, nextcloud: true });
    const { wrapper } = await mountLogin();
    const link = wrapper.get('[data-testid=nextcloud-signin]');
    expect(link.element.tagName).toBe('A');
    expect(link.attributes('href')).toBe('/api/auth/nextcloud/start');
    expect(link.attributes('target')).toBe('_self');
    expect(link.text()).toBe('Sign in with Nextcloud');
    expect(wrapper.get('.login__or').text()).toBe('or');
    expect(link.element.compareDocumentPosition(wrapper.get('form').element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(wrapper.find('[data-testid=nextcloud-new-tab]').exists()).toBe(false);
  });

  it('opens Nextcloud sign-in in a new tab when framed, and says the frame follows', async () => {
    framing.embedded = true;
    vi.mocked(auth.providers).mockResolvedValue({ ...PASSWORD_ONLY, nextcloud: true });
    const { wrapper } = await mountLogin();
    const link = wrapper.get('[data-testid=nextcloud-signin]');
    expect(link.attributes('target')).toBe('_blank');
    expect(link.attributes('rel')).toContain('noopener');
    expect(wrapper.get('[data-testid=nextcloud-new-tab]').text()).toBe('Sign-in opens in a new tab; this panel follows once you are signed in.');
  });

  it('shows only Nextcloud sign-in when password sign-in is off, without the forgotten-password help', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: false, passwordAdminsOnly: false, passwordReset: true, nextcloud: true });
    const { wrapper } = await mountLogin();
    expect(wrapper.find('[data-testid=nextcloud-signin]').exists()).toBe(true);
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.find('input[type=password]').exists()).toBe(false);
    expect(wrapper.find('.login__or').exists()).toBe(false);
    expect(wrapper.find('[data-testid=forgot-link]').exists()).toBe(false);
    expect(wrapper.find('[data-testid=forgot-ask-admin]').exists()).toBe(false);
  });

  it('says password sign-in is for administrators when only they may use it', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ ...PASSWORD_ONLY, passwordAdminsOnly: true, nextcloud: true });
    const { wrapper } = await mountLogin();
    expect(wrapper.get('[data-testid=password-admins-only]').text()).toBe('Password sign-in is for administrators; everyone else signs in with Nextcloud.');
  });

  it('says nothing of administrators when everyone may sign in with a password', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ ...PASSWORD_ONLY, nextcloud: true });
    const { wrapper } = await mountLogin();
    expect(wrapper.find('[data-testid=password-admins-only]').exists()).toBe(false);
  });

  it('says to sign in with Nextcloud when the server refuses password sign-in for this account', async () => {
    vi.mocked(auth.login).mockRejectedValue(new ApiError(403, 'password_login_disabled', 'raw'));
    const { wrapper } = await mountLogin();
    await wrapper.get('input[type=email]').setValue('ann@example.com');
    await wrapper.get('input[type=password]').setValue('secret password');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=login-error]').text()).toBe('Password sign-in is switched off here; sign in with Nextcloud.');
  });

  it.each([
    ['denied', 'You did not allow SIPCall to use your Nextcloud account.'],
    ['flow_lost', 'The sign-in took too long or was started in another window. Please try again.'],
    ['refused', 'Nextcloud’s answer could not be trusted, so you were not signed in. Please try again; if it keeps happening, tell your administrator.'],
    ['unavailable', 'Nextcloud could not be reached. Please try again in a moment.'],
    ['no_email', 'Your Nextcloud account has no email address. Add one in Nextcloud’s personal settings, then try again.'],
    ['email_taken', 'A SIPCall account with your email address already exists. Sign in with its password and link Nextcloud in Settings.'],
    ['account_disabled', 'This account is disabled.'],
    ['something_new', 'Signing in with Nextcloud did not work. Please try again.'],
  ])('says why Nextcloud sign-in came back with %s, once: the address forgets it', async (code, text) => {
    vi.mocked(auth.providers).mockResolvedValue({ ...PASSWORD_ONLY, nextcloud: true });
    const { wrapper, router } = await mountLogin(`/login?signin_error=${code}&next=%2Fhistory`);
    const note = wrapper.get('[data-testid=signin-error]');
    expect(note.text()).toBe(text);
    expect(note.attributes('role')).toBe('alert');
    expect(router.currentRoute.value.query).toEqual({ next: '/history' });
  });

  describe('in another language', () => {
    afterEach(() => setLanguageChoice(null));

    it('says why Nextcloud sign-in came back in the language chosen after the address forgot it', async () => {
      const { wrapper } = await mountLogin('/login?signin_error=unavailable');
      await setLanguageChoice('de');
      await vi.waitFor(() => expect(wrapper.get('[data-testid=signin-error]').text()).toBe('Nextcloud war nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.'));
    });
  });

  it('shows no sign-in error on an ordinary visit', async () => {
    const { wrapper, router } = await mountLogin('/login');
    expect(wrapper.find('[data-testid=signin-error]').exists()).toBe(false);
    expect(router.currentRoute.value.fullPath).toBe('/login');
  });

  it('moves on when a sign-in in another tab reaches this page', async () => {
    const { router } = await mountLogin('/login?next=%2Fhistory');
    useSessionStore().status = 'signedIn';
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/history');
  });
});
