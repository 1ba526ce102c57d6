import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../services/http';
import * as users from '../../services/users';
import * as toast from '../../util/toast';
import ResetPasswordDialog from './ResetPasswordDialog.vue';

vi.mock('../../services/users', () => ({ resetUserPassword: vi.fn() }));
vi.mock('../../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

const CARL = { id: '11111111-1111-4111-8111-111111111111', displayName: 'Carl Jones', email: 'carl@example.com' };

async function open(password: string, repeat = password) {
  const wrapper = mount(ResetPasswordDialog, { props: { user: CARL }, attachTo: document.body });
  await flushPromises();
  const inputs = document.querySelectorAll<HTMLInputElement>('[data-testid=reset-password-form] input[type=password]');
  for (const [i, value] of [password, repeat].entries()) {
    inputs[i]!.value = value;
    inputs[i]!.dispatchEvent(new Event('input'));
  }
  await flushPromises();
  return wrapper;
}
const form = () => document.querySelector<HTMLFormElement>('[data-testid=reset-password-form]')!;

describe('ResetPasswordDialog', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    document.body.innerHTML = '';
  });

  it('names the account, sets its password, says so and closes', async () => {
    vi.mocked(users.resetUserPassword).mockResolvedValue(undefined);
    const wrapper = await open('a fresh passphrase for spring');
    expect(document.body.textContent).toContain('New password for Carl Jones');
    form().dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(users.resetUserPassword).toHaveBeenCalledWith(CARL.id, 'a fresh passphrase for spring');
    expect(toast.toastSuccess).toHaveBeenCalledWith('The password of Carl Jones was reset.');
    expect(wrapper.emitted('close')).toHaveLength(1);
    wrapper.unmount();
  });

  it('sends nothing while the two passwords differ', async () => {
    const wrapper = await open('a fresh passphrase for spring', 'a fresh passphrase for summer');
    expect(document.body.textContent).toContain('The two new passwords differ.');
    form().dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(users.resetUserPassword).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('explains a weak password in the dialog and in a toast, and stays open', async () => {
    vi.mocked(users.resetUserPassword).mockRejectedValue(new ApiError(400, 'validation_failed', 'raw'));
    const wrapper = await open('password1234');
    form().dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(document.querySelector('[data-testid=reset-password-error]')?.textContent).toContain('too short or too easy to guess');
    expect(toast.toastError).toHaveBeenCalled();
    expect(wrapper.emitted('close')).toBeUndefined();
    wrapper.unmount();
  });
});
