// SIP identities for browsers. A user's SIP user name is their id; each
// signed-in session has its own random password, issued anew whenever the app
// asks (after every login and token refresh) and dead with the session. Only
// the digest's A1 hash is stored. Because several sessions can be registered
// at once, the directory answer verifies the request's digest itself and
// hands FreeSWITCH the A1 of the session that produced it.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SipCredentials } from '@sipcall/contract';
import type { Config } from '../config/settings.js';
import { UUID } from '../core/ids.js';
import type { SipCredentialRepository } from './credential-repository.js';

/** A user's SIP user name: their id. The one place that says so. */
export const sipUserOf = (userId: string): string => userId;

/** The user a SIP user name belongs to, or null when it names no user id. */
export const userIdOfSipUser = (sipUser: string): string | null => (UUID.test(sipUser) ? sipUser : null);

/** What a browser gets to register with (POST /api/sip/credentials). */
export type { SipCredentials };

/** The digest fields mod_xml_curl passes along with a directory lookup for sip_auth. */
export interface DigestAttempt {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  method: string;
  response: string;
  qop?: string | undefined;
  cnonce?: string | undefined;
  nc?: string | undefined;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function a1Hash(username: string, realm: string, password: string): string {
  return md5(`${username}:${realm}:${password}`);
}

/** RFC 2617 digest response for a known A1. */
export function digestResponse(a1: string, d: Omit<DigestAttempt, 'response' | 'username' | 'realm'>): string {
  const ha2 = md5(`${d.method}:${d.uri}`);
  return d.qop ? md5(`${a1}:${d.nonce}:${d.nc ?? ''}:${d.cnonce ?? ''}:${d.qop}:${ha2}`) : md5(`${a1}:${d.nonce}:${ha2}`);
}

/** Which of a user's sessions are still signed in; the sign-in side (auth/) knows. */
export interface LiveSessions {
  liveFamilies(userId: string, sessionIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** The most credentials a digest is checked against: one per recent session. */
const MAX_CANDIDATES = 20;

export interface SipCredentialServiceDeps {
  credentials: SipCredentialRepository;
  sessions: LiveSessions;
  config: Pick<Config, 'routing' | 'auth'>;
}

export class SipCredentialService {
  constructor(private readonly deps: SipCredentialServiceDeps) {}

  /** New credentials for this session; the session's previous password stops working. */
  async issue(userId: string, sessionId: string): Promise<SipCredentials> {
    const { routing, auth } = this.deps.config;
    const password = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + auth.refreshTokenTtlSeconds * 1000);
    const username = sipUserOf(userId);
    await this.deps.credentials.put(userId, { sessionId, realm: routing.sipDomain, a1Hash: a1Hash(username, routing.sipDomain, password), expiresAt });
    return { username, password, domain: routing.sipDomain, wssUrl: routing.wssUrl, iceServers: this.iceServers(userId), expiresAt: expiresAt.toISOString() };
  }

  revoke(userId: string, sessionId?: string): Promise<number> {
    return this.deps.credentials.remove(userId, sessionId);
  }

  /**
   * The A1 hashes FreeSWITCH may check this attempt against: the one whose
   * digest matches, or the newest (then the switch refuses the attempt). Only
   * sessions that are still signed in count.
   */
  async a1For(userId: string, attempt: DigestAttempt | null): Promise<string | null> {
    const unexpired = await this.deps.credentials.unexpired(userId, MAX_CANDIDATES * 5);
    if (unexpired.length === 0) return null;
    const live = await this.deps.sessions.liveFamilies(userId, unexpired.map((c) => c.sessionId));
    const candidates = unexpired.filter((c) => live.has(c.sessionId)).slice(0, MAX_CANDIDATES);
    if (candidates.length === 0) return null;
    if (attempt) {
      const match = candidates.find((c) => c.realm === attempt.realm && digestResponse(c.a1Hash, attempt) === attempt.response.toLowerCase());
      if (match) return match.a1Hash;
    }
    return candidates[0]!.a1Hash;
  }

  /** The sessions a user holds SIP credentials for (for their data export). */
  async sessionsOf(userId: string): Promise<Array<{ sessionId: string; createdAt: Date; expiresAt: Date }>> {
    return (await this.deps.credentials.of(userId)).map(({ sessionId, createdAt, expiresAt }) => ({ sessionId, createdAt, expiresAt }));
  }

  /** STUN as configured; TURN with REST-style ephemeral credentials (HMAC-SHA1, expiring) when configured. */
  private iceServers(userId: string): SipCredentials['iceServers'] {
    const { stunUrls, turn } = this.deps.config.routing;
    const servers: SipCredentials['iceServers'] = [];
    if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
    if (turn) {
      const username = `${Math.floor(Date.now() / 1000) + turn.ttlSeconds}:${userId}`;
      servers.push({ urls: [...turn.urls], username, credential: createHmac('sha1', turn.secret).update(username).digest('base64') });
    }
    return servers;
  }
}
