import { describe, expect, it } from 'vitest';
import { CALL_EVENT_NAMES, CHANNEL_EVENT_NAMES, SUBSCRIBED_EVENTS, TYPED_EVENT_NAMES } from './event-names.js';

describe('the one list of event names', () => {
  it('subscribes to every event that moves a call, and each of those carries a channel', () => {
    for (const name of CALL_EVENT_NAMES) {
      expect(SUBSCRIBED_EVENTS).toContain(name);
      expect(CHANNEL_EVENT_NAMES).toContain(name);
    }
  });

  it('subscribes with the CUSTOM subclasses after CUSTOM, as the event command wants them', () => {
    const custom = SUBSCRIBED_EVENTS.indexOf('CUSTOM');
    const subclasses = SUBSCRIBED_EVENTS.filter((n) => n.includes('::'));
    expect(subclasses.length).toBeGreaterThan(0);
    for (const s of subclasses) expect(SUBSCRIBED_EVENTS.indexOf(s)).toBeGreaterThan(custom);
  });

  it('types every channel event by its name, and CUSTOM only by its subclass', () => {
    for (const name of CHANNEL_EVENT_NAMES) expect(TYPED_EVENT_NAMES).toContain(name);
    expect(TYPED_EVENT_NAMES).not.toContain('CUSTOM');
    expect(TYPED_EVENT_NAMES.filter((n) => n.includes('::'))).toEqual([]);
  });
});
