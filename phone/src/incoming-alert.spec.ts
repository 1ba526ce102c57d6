import { afterEach, describe, expect, it, vi } from 'vitest';
import { alertIncoming } from './incoming-alert';

class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  closed = 0;
  onclick: (() => void) | null = null;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close() {
    this.closed++;
  }
}

describe('alertIncoming', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    FakeNotification.shown = [];
  });

  it('notifies while the tab is in the background, naming the caller, and closes the notification once however often it is stopped', () => {
    vi.stubGlobal('Notification', FakeNotification);
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    const alert = alertIncoming({ remote: '1002', remoteName: 'Bob' }, (from) => `Incoming call from ${from}`);
    expect(FakeNotification.shown.map((n) => [n.title, n.options.tag])).toEqual([['Incoming call from Bob (1002)', 'sipcall-incoming']]);
    alert.stop();
    alert.stop();
    expect(FakeNotification.shown[0]!.closed).toBe(1);
  });

  it('shows no notification without permission or in the foreground', () => {
    vi.stubGlobal('Notification', FakeNotification);
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(false);
    alertIncoming({ remote: '1002', remoteName: null }, (from) => `Incoming call from ${from}`).stop();
    hidden.mockReturnValue(true);
    FakeNotification.permission = 'default';
    try {
      alertIncoming({ remote: '1002', remoteName: null }, (from) => `Incoming call from ${from}`).stop();
    } finally {
      FakeNotification.permission = 'granted';
    }
    expect(FakeNotification.shown).toHaveLength(0);
  });
});
