import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as auth from '../services/auth';
import { ApiError } from '../services/http';
import { makeUser } from '../test/fixtures';
import LoginView from './LoginView.vue';

vi.mock('../services/auth', () => ({ login: vi.fn(), refresh: vi.fn(), logout: vi.fn() }));

async function mountLogin() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/', component: { template: '<p>home</p>' } },
    ],
  });
  await router.push('/login');
  const wrapper = mount(LoginView, { global: { plugins: [router] } });
  return { wrapper, router };
}

describe('LoginView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(auth.login).mockReset();
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
});
