import { describe, expect, it } from 'vitest';
import type { CallRecordReader, CallRecordRow, RecordFilter } from './call-records.js';
import { CallHistory, type Viewer } from './history.js';

const ANN = '11111111-1111-4111-8111-111111111111';
const BEN = '22222222-2222-4222-8222-222222222222';
const ann: Viewer = { id: ANN, role: 'user' };
const admin: Viewer = { id: BEN, role: 'admin' };

const row = (i: number, over: Partial<CallRecordRow> = {}): CallRecordRow => ({
  id: String(i),
  call_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  leg: 'a',
  user_id: ANN,
  direction: 'outbound',
  started_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 60 - i)),
  answered_at: null,
  ended_at: new Date(Date.UTC(2026, 0, 1, 12, 1, 0)),
  duration_s: 10,
  billsec: 0,
  hangup_cause: 'NORMAL_CLEARING',
  sip_status: 200,
  decision: 'allow',
  reason: 'allowed',
  country: 'DE',
  destination_enc: 'sealed:+49301234567',
  caller_enc: null,
  ...over,
});

/** History over a fake table: `rows` newest first; the filters it was asked with are kept. Sealed fields open by dropping "sealed:". */
function historyOf(rows: CallRecordRow[], accounts: Record<string, { privacyMode: boolean; defaultCountry: string | null }> = {}) {
  const asked: RecordFilter[] = [];
  const records: CallRecordReader = {
    page: async (f) => {
      asked.push(f);
      const after = f.before ? rows.findIndex((r) => r.id === f.before!.id) + 1 : 0;
      return rows.filter((r) => f.userId === null || r.user_id === f.userId).slice(after, after + f.limit);
    },
    allOf: async (userId) => rows.filter((r) => r.user_id === userId),
  };
  const history = new CallHistory({
    records,
    keys: { open: async (stored) => (stored.startsWith('sealed:') ? stored.slice(7) : null) },
    index: { of: (e164) => `idx:${e164}` },
    users: { findById: async (id) => accounts[id] ?? { privacyMode: false, defaultCountry: null } },
    defaultCountry: 'DE',
  });
  return { history, asked };
}

describe('call history', () => {
  it('shows a user their own calls, opened, whatever they ask for', async () => {
    const { history, asked } = historyOf([row(1), row(2, { user_id: BEN })]);
    const page = await history.list(ann, { limit: 10, userId: null });
    expect(page.items.map((i) => [i.id, i.destination])).toEqual([['1', '+49301234567']]);
    expect(asked[0]).toMatchObject({ userId: ANN });
  });

  it('refuses a user another user’s calls, and asks the table nothing', async () => {
    const { history, asked } = historyOf([row(1)]);
    await expect(history.list(ann, { limit: 10, userId: BEN })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(asked).toEqual([]);
  });

  it('shows an admin everyone’s calls, or one user’s', async () => {
    const { history, asked } = historyOf([row(1), row(2, { user_id: BEN })]);
    expect((await history.list(admin, { limit: 10, userId: null })).items).toHaveLength(2);
    expect((await history.list(admin, { limit: 10, userId: BEN })).items.map((i) => i.userId)).toEqual([BEN]);
    expect(asked.map((f) => f.userId)).toEqual([null, BEN]);
  });

  it('masks numbers for a viewer in privacy mode', async () => {
    const { history } = historyOf([row(1)], { [ANN]: { privacyMode: true, defaultCountry: null } });
    expect((await history.list(ann, { limit: 10, userId: null })).items[0]!.destination).toBe('+********567');
  });

  it('reads an erased user’s numbers as null', async () => {
    const { history } = historyOf([row(1, { destination_enc: 'shredded' })]);
    expect((await history.list(ann, { limit: 10, userId: null })).items[0]!.destination).toBeNull();
  });

  it('finds a number by its blind index, read in the viewer’s own country', async () => {
    const { history, asked } = historyOf([row(1)], { [ANN]: { privacyMode: false, defaultCountry: 'AT' } });
    await history.list(ann, { limit: 10, userId: null, number: '01 5131234' });
    expect(asked[0]!.numberIndex).toBe('idx:+4315131234');
    await expect(history.list(ann, { limit: 10, userId: null, number: 'abc' })).rejects.toMatchObject({ status: 400 });
  });

  it('pages by a cursor from the previous page, and refuses one it did not make', async () => {
    const { history } = historyOf([row(1), row(2), row(3)]);
    const first = await history.list(ann, { limit: 2, userId: null });
    expect(first.items.map((i) => i.id)).toEqual(['1', '2']);
    const second = await history.list(ann, { limit: 2, userId: null, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [{ id: '3' }], nextCursor: null });
    await expect(history.list(ann, { limit: 2, userId: null, cursor: 'bm9wZQ' })).rejects.toMatchObject({ status: 400 });
  });
});
