// An incoming call makes itself heard: the ring tone on whatever page is open
// and, while the tab is in the background and the user allowed it in
// Settings, a desktop notification that brings the tab forward.
import { t } from '../i18n';
import { startRingtone } from './ringtone';

export interface IncomingAlert {
  /** Silences the ring and closes the notification; safe to call again. */
  stop(): void;
}

export function alertIncoming(caller: { remote: string; remoteName: string | null }): IncomingAlert {
  const ringtone = startRingtone();
  const notification = notify(caller);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      ringtone.stop();
      notification?.close();
    },
  };
}

function notify(caller: { remote: string; remoteName: string | null }): Notification | null {
  if (typeof document === 'undefined' || !document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return null;
  const from = caller.remoteName ? `${caller.remoteName} (${caller.remote})` : caller.remote;
  const notification = new Notification(t('call.notification', { from }), { tag: 'sipcall-incoming', requireInteraction: true });
  notification.onclick = () => window.focus();
  return notification;
}
