import type { RateDecks } from '@sipcall/contract';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../../services/rates';
import RatesView from './RatesView.vue';

vi.mock('../../services/rates', () => ({ listDecks: vi.fn(), importDeck: vi.fn(), exportDeck: vi.fn() }));

const DECKS: RateDecks = {
  currency: 'EUR',
  gateway: 'carrier',
  decks: [
    {
      name: 'sell',
      kind: 'sell',
      versions: [
        { id: 'v1', effectiveFrom: '2026-01-01', rows: 1200, currency: 'EUR', importedBy: 'admin@example.com', importedAt: '2026-01-01T09:00:00Z', inEffect: false },
        { id: 'v2', effectiveFrom: '2026-06-01', rows: 1250, currency: 'EUR', importedBy: 'admin@example.com', importedAt: '2026-05-30T09:00:00Z', inEffect: true },
      ],
    },
  ],
};

async function chooseFile(wrapper: ReturnType<typeof mount>, text: string) {
  const input = wrapper.get('[data-testid=rates-file]');
  Object.defineProperty(input.element, 'files', { value: [new File([text], 'deck.csv', { type: 'text/csv' })], configurable: true });
  await input.trigger('change');
}

describe('RatesView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.listDecks).mockReset().mockResolvedValue(DECKS);
    vi.mocked(api.importDeck).mockReset();
  });

  it('lists each deck with its versions, newest first, and which one prices calls today', async () => {
    const wrapper = mount(RatesView);
    await flushPromises();
    const rows = wrapper.findAll('[data-testid=deck-sell] tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows.map((r) => [r[1], r[3]])).toEqual([
      ['1,250', 'In effect'],
      ['1,200', 'Replaced by a later version'],
    ]);
    expect(wrapper.text()).toContain('Prices are in EUR.');
  });

  it('shows every line of a refused file by its number, and that nothing was imported', async () => {
    vi.mocked(api.importDeck).mockResolvedValue({
      problems: [
        { line: 3, message: 'prefix +49 again (first on line 2)' },
        { line: 7, message: 'currency "XYZ" is not an ISO 4217 code like EUR' },
      ],
    });
    const wrapper = mount(RatesView);
    await flushPromises();
    await chooseFile(wrapper, 'prefix,…');
    await wrapper.get('[data-testid=rates-import]').trigger('submit');
    await flushPromises();
    expect(api.importDeck).toHaveBeenCalledWith('sell', 'prefix,…', expect.objectContaining({ replace: false }));
    expect(wrapper.get('[data-testid=rates-problems]').text()).toContain('The file was not imported: 2 lines are wrong.');
    expect(wrapper.findAll('[data-testid=rates-problems] li').map((l) => l.text())).toEqual(['Line 3: prefix +49 again (first on line 2)', 'Line 7: currency "XYZ" is not an ISO 4217 code like EUR']);
    expect(api.listDecks).toHaveBeenCalledTimes(1);
  });

  it('imports into the gateway\'s carrier deck on the chosen day and shows the new list', async () => {
    vi.mocked(api.importDeck).mockResolvedValue({ rows: 10, effectiveFrom: '2026-12-01' });
    const wrapper = mount(RatesView);
    await flushPromises();
    await wrapper.get('select').setValue('carrier');
    await wrapper.get('input[type=date]').setValue('2026-12-01');
    await chooseFile(wrapper, 'csv');
    await wrapper.get('[data-testid=rates-import]').trigger('submit');
    await flushPromises();
    expect(api.importDeck).toHaveBeenCalledWith('carrier', 'csv', { effective: '2026-12-01', replace: false });
    expect(api.listDecks).toHaveBeenCalledTimes(2);
    expect(wrapper.find('[data-testid=rates-problems]').exists()).toBe(false);
  });
});
