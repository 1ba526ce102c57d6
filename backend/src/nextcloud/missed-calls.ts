// A PSTN call to a Nextcloud user that nobody answered, told to SIPCall's
// Nextcloud app, which leaves "Missed call from …" in Nextcloud's
// notifications unless a Nextcloud tab held the phone (the app knows; the
// tab told it). The notice is a short JWT (HS256 with the secret both sides
// share; issuer PUBLIC_URL, audience NEXTCLOUD_URL — the assertion's
// directions reversed), its jti the call's uuid, sent once per call whichever
// of the call's records arrives first or again.
import jwt from 'jsonwebtoken';
import type { ParsedCdr } from '../cdr/parse.js';
import type { Logger } from '../logger.js';
import type { KeyValueStore } from '../state/state.js';
import type { NextcloudIdentities } from './identities.js';

/** How long a notice is good for: it is sent at once, so a few minutes allow for clocks and a slow Nextcloud. */
export const NOTICE_SECONDS = 300;
/** The app's route (nextcloud-app/appinfo/routes.php missed_call#notify). */
export const MISSED_CALL_PATH = '/index.php/apps/sipcall/api/v1/missed-call';
const SEND_TIMEOUT_MS = 5_000;

interface NextcloudMissedCallsDeps {
  /** NEXTCLOUD_URL: the instance, and the issuer its users' identities carry. */
  nextcloudUrl: string;
  /** PUBLIC_URL: who the notice is from. */
  publicUrl: string;
  secret: string;
  identities: Pick<NextcloudIdentities, 'ofUser'>;
  /** Calls already told, until their notice expired. */
  told: KeyValueStore;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/** An inbound call the policy let through, to a user, never answered. */
export const isMissed = (r: Pick<ParsedCdr, 'direction' | 'answeredAt' | 'userId' | 'decision'>): boolean =>
  r.direction === 'inbound' && r.answeredAt === null && r.userId !== null && r.decision !== 'refuse';

export class NextcloudMissedCalls {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly deps: NextcloudMissedCallsDeps) {
    this.fetch = deps.fetch ?? ((input, init) => fetch(input, init));
    this.now = deps.now ?? Date.now;
  }

  /** A call record was stored: tell the app when it is a missed call of one of its users. Never throws. */
  async recorded(record: ParsedCdr): Promise<void> {
    if (!isMissed(record) || record.userId === null) return;
    try {
      const identity = await this.deps.identities.ofUser(record.userId);
      // The subject is the Nextcloud user id for identities this Nextcloud vouched for (the app's assertion, its OAuth2 and OpenID sign-ins).
      if (!identity || identity.issuer !== this.deps.nextcloudUrl) return;
      if (!(await this.deps.told.setIfAbsent(`nextcloud-missed:${record.callUuid}`, '1', NOTICE_SECONDS * 1000))) return;
      const nowS = Math.floor(this.now() / 1000);
      const notice = jwt.sign(
        { sub: identity.subject, caller: record.callerE164 ?? record.caller ?? '', at: Math.floor(record.startedAt.getTime() / 1000), iat: nowS, exp: nowS + NOTICE_SECONDS, jti: record.callUuid },
        this.deps.secret,
        { algorithm: 'HS256', issuer: this.deps.publicUrl, audience: this.deps.nextcloudUrl },
      );
      const answer = await this.fetch(`${this.deps.nextcloudUrl}${MISSED_CALL_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ notice }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      if (!answer.ok) this.deps.log.warn({ status: answer.status, uuid: record.callUuid }, 'the Nextcloud app refused a missed-call notice');
    } catch (err) {
      this.deps.log.warn({ err, uuid: record.callUuid }, 'a missed-call notice could not be sent to Nextcloud');
    }
  }
}
