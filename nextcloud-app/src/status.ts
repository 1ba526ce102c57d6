// What this page tells the app's PHP, through its CSRF-checked routes:
// - the user's Nextcloud status while a SIPCall call is up ("In a call", and
//   back afterwards: lib/Service/CallStatus.php);
// - that this tab holds the phone (lib/Service/PhoneTabs.php), so that a
//   call missed here needs no Nextcloud notification.
import { getRequestToken } from '@nextcloud/auth';
import { generateUrl } from '@nextcloud/router';

export type SetInCall = (inCall: boolean) => Promise<void>;
export type SetPresence = (here: boolean) => Promise<void>;

async function put(path: string, body: unknown): Promise<void> {
  try {
    await fetch(generateUrl(path), {
      method: 'PUT',
      credentials: 'same-origin',
      // keepalive: the tab letting go as the page closes still gets its word through.
      keepalive: true,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', requesttoken: getRequestToken() ?? '' },
      body: JSON.stringify(body),
    });
  } catch {
    // A courtesy: the call goes on without it.
  }
}

export const setInCall: SetInCall = (inCall) => put('/apps/sipcall/api/v1/status', { inCall });
export const setPresence: SetPresence = (here) => put('/apps/sipcall/api/v1/presence', { here });
