import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../services/billing';
import LowBalanceNotice from './LowBalanceNotice.vue';

vi.mock('../../services/billing', () => ({ fetchMyBilling: vi.fn() }));

const account = (over: object) => ({ kind: 'user' as const, mode: 'prepaid' as const, currency: 'EUR', balance: '0.4', held: '0', spentToday: '0', spentThisMonth: '0', dailyLimit: null, monthlyLimit: null, minutesLeft: 4, low: true, ...over });

describe('LowBalanceNotice', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('says the balance runs low, in minutes of the calls the user makes most, with the way to top up', async () => {
    vi.mocked(api.fetchMyBilling).mockResolvedValue({ account: account({}) });
    const wrapper = mount(LowBalanceNotice, { global: { stubs: { RouterLink: RouterLinkStub } } });
    await flushPromises();
    expect(wrapper.get('[data-testid=low-balance]').text()).toContain('Your balance of €0.40 is running low: about 4 minutes of the calls you make most.');
    expect(wrapper.findComponent(RouterLinkStub).props('to')).toBe('/settings');
  });

  it('says "less than a minute" when not even a minute is left', async () => {
    vi.mocked(api.fetchMyBilling).mockResolvedValue({ account: account({ balance: '0.003333', minutesLeft: 0 }) });
    const wrapper = mount(LowBalanceNotice, { global: { stubs: { RouterLink: RouterLinkStub } } });
    await flushPromises();
    expect(wrapper.get('[data-testid=low-balance]').text()).toContain('Your balance of €0.003333 is running low: less than a minute of the calls you make most.');
  });

  it('says nothing while the balance is not low, or the user is not billed', async () => {
    vi.mocked(api.fetchMyBilling).mockResolvedValue({ account: account({ low: false, minutesLeft: 80 }) });
    expect(mount(LowBalanceNotice).find('[data-testid=low-balance]').exists()).toBe(false);
    vi.mocked(api.fetchMyBilling).mockResolvedValue({ account: null });
    const none = mount(LowBalanceNotice);
    await flushPromises();
    expect(none.find('[data-testid=low-balance]').exists()).toBe(false);
  });
});
