// The user's Nextcloud status while a SIPCall call is up: the app's PHP sets
// "In a call" and reverts it (lib/Service/CallStatus.php) when told by this
// page, through a CSRF-checked route of the app.
import { getRequestToken } from '@nextcloud/auth';
import { generateUrl } from '@nextcloud/router';

export type SetInCall = (inCall: boolean) => Promise<void>;

export const setInCall: SetInCall = async (inCall) => {
  try {
    await fetch(generateUrl('/apps/sipcall/api/v1/status'), {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', requesttoken: getRequestToken() ?? '' },
      body: JSON.stringify({ inCall }),
    });
  } catch {
    // A status is a courtesy: the call goes on without it.
  }
};
