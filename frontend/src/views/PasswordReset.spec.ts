import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { forgetSignInProviders } from '../composables/useSignInProviders';
import * as auth from '../services/auth';
import { ApiError } from '../services/http';
import * as toast from '../util/toast';
import ForgotPasswordView from './ForgotPasswordView.vue';
import LoginView from './LoginView.vue';
import ResetPasswordView from './ResetPasswordView.vue';

vi.mock('../services/auth', () => ({ login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), providers: vi.fn(), forgotPassword: vi.fn(), resetPassword: vi.fn() }));
vi.mock('../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

const NEW = 'a fresh passphrase for spring';

async function at(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/forgot-password', name: 'forgot-password', component: ForgotPasswordView },
      { path: '/reset-password', name: 'reset-password', component: ResetPasswordView },
      { path: '/', component: { template: '<p>home</p>' } },
    ],
  });
  await router.push(path);
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

describe('a forgotten password', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    forgetSignInProviders();
    vi.clearAllMocks();
  });

  it('offers “Forgot password?” on the sign-in page when mail is configured', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: true, nextcloud: false });
    const { wrapper, router } = await at('/login');
    expect(wrapper.find('[data-testid=forgot-ask-admin]').exists()).toBe(false);
    await wrapper.get('[data-testid=forgot-link]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('forgot-password');
    wrapper.unmount();
  });

  it('tells people to ask an admin when no mail is configured', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false });
    const { wrapper } = await at('/login');
    expect(wrapper.find('[data-testid=forgot-link]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=forgot-ask-admin]').text()).toBe('Forgot your password? Ask an admin to reset it.');
    wrapper.unmount();
  });

  it('asks for a link in the page’s language and says the same whatever the address', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: true, nextcloud: false });
    vi.mocked(auth.forgotPassword).mockResolvedValue({ accepted: true });
    const { wrapper } = await at('/forgot-password');
    await wrapper.get('input[type=email]').setValue(' ann@example.com ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(auth.forgotPassword).toHaveBeenCalledWith('ann@example.com', 'en');
    expect(wrapper.get('[data-testid=forgot-sent]').text()).toContain('If an account exists for that address, we sent a link');
    expect(toast.toastSuccess).toHaveBeenCalled();
    wrapper.unmount();
  });

  it('explains a refusal in the form and in a toast, and keeps the address', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: true, nextcloud: false });
    vi.mocked(auth.forgotPassword).mockRejectedValue(new ApiError(429, 'rate_limited', 'raw'));
    const { wrapper } = await at('/forgot-password');
    await wrapper.get('input[type=email]').setValue('ann@example.com');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=forgot-error]').text()).toContain('Too many requests');
    expect(toast.toastError).toHaveBeenCalledWith(expect.stringContaining('Too many requests'));
    expect((wrapper.get('input[type=email]').element as HTMLInputElement).value).toBe('ann@example.com');
    wrapper.unmount();
  });

  it('offers no form when no mail is configured', async () => {
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: false, nextcloud: false });
    const { wrapper } = await at('/forgot-password');
    expect(wrapper.get('[data-testid=forgot-unavailable]').text()).toContain('Ask an admin');
    expect(wrapper.find('input[type=email]').exists()).toBe(false);
    wrapper.unmount();
  });
});

describe('a new password from a mailed link', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    forgetSignInProviders();
    vi.clearAllMocks();
    vi.mocked(auth.providers).mockResolvedValue({ password: true, passwordAdminsOnly: false, passwordReset: true, nextcloud: false });
  });

  async function submit(path: string, password: string, repeat = password) {
    const view = await at(path);
    const [a, b] = view.wrapper.findAll('input[type=password]');
    await a!.setValue(password);
    await b!.setValue(repeat);
    await view.wrapper.get('form').trigger('submit');
    await flushPromises();
    return view;
  }

  it('sets the password with the link’s token, then goes to sign-in with a sentence saying it worked', async () => {
    vi.mocked(auth.resetPassword).mockResolvedValue(undefined);
    const { wrapper, router } = await submit('/reset-password?token=abc_DEF-123', NEW);
    expect(auth.resetPassword).toHaveBeenCalledWith({ token: 'abc_DEF-123', password: NEW });
    expect(router.currentRoute.value.name).toBe('login');
    expect(wrapper.get('[data-testid=reset-done]').text()).toBe('Your password was changed. Sign in with the new one.');
    expect(toast.toastSuccess).toHaveBeenCalled();
    wrapper.unmount();
  });

  it('sends nothing while the two passwords differ', async () => {
    const { wrapper } = await submit('/reset-password?token=abc', NEW, 'something else entirely');
    expect(wrapper.text()).toContain('The two new passwords differ.');
    expect(auth.resetPassword).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it.each([
    ['reset_token_expired', 'This link has expired.', true],
    ['reset_token_used', 'This link was already used.', true],
    ['reset_token_invalid', 'This link is not valid', true],
    ['validation_failed', 'too short or too easy to guess', false],
  ])('explains %s in words and in a toast, offering a new link when the link failed', async (code, text, askAgain) => {
    vi.mocked(auth.resetPassword).mockRejectedValue(new ApiError(400, code, 'raw'));
    const { wrapper, router } = await submit('/reset-password?token=abc', NEW);
    expect(router.currentRoute.value.name).toBe('reset-password');
    expect(wrapper.get('[data-testid=reset-error]').text()).toContain(text);
    expect(toast.toastError).toHaveBeenCalledWith(expect.stringContaining(text));
    expect(wrapper.find('[data-testid=reset-ask-again]').exists()).toBe(askAgain);
    wrapper.unmount();
  });

  it('says a link without a token is not valid, and offers a new one', async () => {
    const { wrapper } = await at('/reset-password');
    expect(wrapper.get('[data-testid=reset-error]').text()).toContain('This link is not valid');
    expect(wrapper.find('input[type=password]').exists()).toBe(false);
    expect(wrapper.find('[data-testid=reset-ask-again]').exists()).toBe(true);
    wrapper.unmount();
  });
});
