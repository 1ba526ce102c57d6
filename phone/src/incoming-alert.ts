// An incoming call makes itself heard: the ring tone on whatever page is open
// and, while the tab is in the background and the user allowed it in
// Settings, a desktop notification that brings the tab forward. Its words come
// from the caller of this module (the phone store), in the page's language.
import { startRingtone } from './ringtone';

export interface IncomingAlert {
  /** Silences the ring and closes the notification; safe to call again. */
  stop(): void;
}

/** The notification's title for who calls ("Incoming call from Bob (1002)"). */
export type IncomingTitle = (from: string) => string;

export function alertIncoming(caller: { remote: string; remoteName: string | null }, title: IncomingTitle): IncomingAlert {
  const ringtone = startRingtone();
  const notification = notify(caller, title);
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

function notify(caller: { remote: string; remoteName: string | null }, title: IncomingTitle): Notification | null {
  if (typeof document === 'undefined' || !document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return null;
  const from = caller.remoteName ? `${caller.remoteName} (${caller.remote})` : caller.remote;
  const notification = new Notification(title(from), { tag: 'sipcall-incoming', requireInteraction: true });
  notification.onclick = () => window.focus();
  return notification;
}
