// Child of bench:esl-ingest: a fresh process that fills the live-call
// registry with 10,000 calls through the tracker, as events would, and
// reports its resident set size.
import { CallTracker } from '../backend/src/calls/call-tracker.js';
import { MemoryLiveCallStore } from '../backend/src/calls/live-call-store.js';
import { createLogger } from '../backend/src/logger.js';
import { createMetrics } from '../backend/src/metrics/metrics.js';
import { decodeChannelEvent } from '../backend/src/switch/events.js';

const store = new MemoryLiveCallStore();
const tracker = new CallTracker({ store, metrics: createMetrics(), log: createLogger('silent') });
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (n: number, leg: number) => `${hex(n, 8)}-${hex(leg, 4)}-4000-8000-${hex(n * 7, 12)}`;

const event = (fields: Record<string, string>) => decodeChannelEvent('json', Buffer.from(JSON.stringify(fields)))!;
let t = 1_795_237_083_000_000;
for (let i = 0; i < 10_000; i++) {
  const a = uuid(i, 1);
  const b = uuid(i, 2);
  const user = `${hex(i % 500, 8)}-0000-4000-8000-000000000000`;
  const base = { 'Caller-Destination-Number': `+4930${i}`, 'Caller-Caller-ID-Number': '1000', 'Caller-Channel-Created-Time': String(t) };
  await tracker.apply('fs1', event({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': a, 'Call-Direction': 'inbound', 'Channel-Name': 'sofia/internal/1000@x', variable_sipcall_user_id: user, 'Event-Date-Timestamp': String(t++), ...base }));
  await tracker.apply('fs1', event({ 'Event-Name': 'CHANNEL_CREATE', 'Unique-ID': b, 'Call-Direction': 'outbound', variable_originating_leg_uuid: a, 'Event-Date-Timestamp': String(t++), ...base }));
  await tracker.apply('fs1', event({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': b, 'Event-Date-Timestamp': String(t++) }));
  await tracker.apply('fs1', event({ 'Event-Name': 'CHANNEL_BRIDGE', 'Unique-ID': a, 'Other-Leg-Unique-ID': b, 'Event-Date-Timestamp': String(t++) }));
}
const calls = await store.list();
if (calls.length !== 10_000 || calls.some((c) => c.state !== 'answered')) throw new Error('registry not filled as expected');
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(`${JSON.stringify({ calls: calls.length, rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024) })}\n`);
