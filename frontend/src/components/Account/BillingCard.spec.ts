import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../services/billing';
import { ApiError } from '../../services/http';
import * as toast from '../../util/toast';
import BillingCard from './BillingCard.vue';

vi.mock('../../services/billing', () => ({ fetchMyBilling: vi.fn(), redeemVoucher: vi.fn() }));
vi.mock('../../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));

const prepaid = (balance: string) => ({
  account: { kind: 'user' as const, mode: 'prepaid' as const, currency: 'EUR', balance, held: '0', spentToday: '0', spentThisMonth: '0', dailyLimit: null, monthlyLimit: null, minutesLeft: null, low: false },
});

describe('BillingCard', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.fetchMyBilling).mockReset().mockResolvedValue(prepaid('0.3'));
    vi.mocked(api.redeemVoucher).mockReset();
  });

  it('shows a prepaid balance, redeems a voucher and shows the new one', async () => {
    const wrapper = mount(BillingCard);
    await flushPromises();
    expect(wrapper.get('[data-testid=billing-balance]').text()).toBe('€0.30');
    vi.mocked(api.redeemVoucher).mockResolvedValue({ amount: '2.5' });
    vi.mocked(api.fetchMyBilling).mockResolvedValue(prepaid('2.8'));
    await wrapper.get('[data-testid=voucher-code]').setValue('abcd-efgh-jkmn-pqrs');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.redeemVoucher).toHaveBeenCalledWith('abcd-efgh-jkmn-pqrs');
    expect(wrapper.get('[data-testid=billing-balance]').text()).toBe('€2.80');
    expect(toast.toastSuccess).toHaveBeenCalledWith('€2.50 added to your balance');
  });

  it('says in words why a voucher was refused, and keeps the balance', async () => {
    const wrapper = mount(BillingCard);
    await flushPromises();
    vi.mocked(api.redeemVoucher).mockRejectedValue(new ApiError(409, 'voucher_redeemed', 'This voucher was redeemed already'));
    await wrapper.get('[data-testid=voucher-code]').setValue('ABCD-EFGH-JKMN-PQRS');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('This voucher was redeemed already.');
    expect(wrapper.get('[data-testid=billing-balance]').text()).toBe('€0.30');
  });
});
