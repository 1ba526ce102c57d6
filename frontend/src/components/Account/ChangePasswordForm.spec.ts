import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../services/http';
import * as me from '../../services/me';
import * as toast from '../../util/toast';
import ChangePasswordForm from './ChangePasswordForm.vue';

vi.mock('../../services/me', () => ({ changeMyPassword: vi.fn() }));
vi.mock('../../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

async function fill(current: string, next: string, repeat: string) {
  const wrapper = mount(ChangePasswordForm, { attachTo: document.body });
  const [a, b, c] = wrapper.findAll('input');
  await a!.setValue(current);
  await b!.setValue(next);
  await c!.setValue(repeat);
  return wrapper;
}

describe('ChangePasswordForm', () => {
  beforeEach(() => {
    vi.mocked(me.changeMyPassword).mockReset();
    vi.mocked(toast.toastSuccess).mockReset();
    vi.mocked(toast.toastError).mockReset();
  });

  it('sends the current and the new password, empties the fields and says so', async () => {
    vi.mocked(me.changeMyPassword).mockResolvedValue(undefined);
    const wrapper = await fill('the old password is long', 'a fresh passphrase for spring', 'a fresh passphrase for spring');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(me.changeMyPassword).toHaveBeenCalledWith({ currentPassword: 'the old password is long', newPassword: 'a fresh passphrase for spring' });
    expect(toast.toastSuccess).toHaveBeenCalledWith(expect.stringContaining('Your password was changed'));
    expect(wrapper.findAll('input').map((i) => (i.element as HTMLInputElement).value)).toEqual(['', '', '']);
    wrapper.unmount();
  });

  it('an account without a password sets a first one: no current field, told it was set', async () => {
    vi.mocked(me.changeMyPassword).mockResolvedValue(undefined);
    const wrapper = mount(ChangePasswordForm, { attachTo: document.body, props: { hasPassword: false } });
    const inputs = wrapper.findAll('input');
    expect(inputs).toHaveLength(2);
    expect(wrapper.text()).toContain('You sign in with Nextcloud');
    await inputs[0]!.setValue('a fresh passphrase for spring');
    await inputs[1]!.setValue('a fresh passphrase for spring');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(me.changeMyPassword).toHaveBeenCalledWith({ newPassword: 'a fresh passphrase for spring' });
    expect(toast.toastSuccess).toHaveBeenCalledWith(expect.stringContaining('Your password was set'));
    expect(wrapper.emitted('changed')).toHaveLength(1);
    wrapper.unmount();
  });

  it('sends nothing while the two new passwords differ, and says why', async () => {
    const wrapper = await fill('the old password is long', 'a fresh passphrase for spring', 'a fresh passphrase for summer');
    expect(wrapper.text()).toContain('The two new passwords differ.');
    expect(wrapper.get('[data-testid=password-submit]').attributes('disabled')).toBeDefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(me.changeMyPassword).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it.each([
    ['wrong_current_password', 403, 'The current password is wrong.'],
    ['validation_failed', 400, 'too short or too easy to guess'],
    ['rate_limited', 429, 'Too many attempts'],
    ['storage_unavailable', 503, 'The password was not changed: raw'],
  ])('explains a %s refusal in words, in the form and in a toast, and keeps what was typed', async (code, status, text) => {
    vi.mocked(me.changeMyPassword).mockRejectedValue(new ApiError(status, code, 'raw'));
    const wrapper = await fill('the old password is long', 'a fresh passphrase for spring', 'a fresh passphrase for spring');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=password-error]').text()).toContain(text);
    expect(toast.toastError).toHaveBeenCalledWith(expect.stringContaining(text));
    expect((wrapper.findAll('input')[1]!.element as HTMLInputElement).value).toBe('a fresh passphrase for spring');
    wrapper.unmount();
  });
});
