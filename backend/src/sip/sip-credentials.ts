// SIP identities for browsers. A user's SIP user name is their id; each
// signed-in session has its own random password, issued anew whenever the app
// asks (after every login and token refresh) and dead with the session. Only
// the digest's A1 hash is stored. Because several sessions can be registered
// at once, the directory answer verifies the request's digest itself and
// hands FreeSWITCH the A1 of the session that produced it.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SipCredentials } from '@sipcall/contract';
import type { Config } from '../config.js';

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

export class SipCredentialService {
  constructor(
    private readonly deps: { dataSource: DataSource; config: Pick<Config, 'routing' | 'auth'> },
  ) {}

  /** New credentials for this session; the session's previous password stops working. */
  async issue(userId: string, sessionId: string): Promise<SipCredentials> {
    const { routing, auth } = this.deps.config;
    const password = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + auth.refreshTokenTtlSeconds * 1000);
    await this.deps.dataSource.query(
      `INSERT INTO sip_credentials (user_id, session_id, realm, a1_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, session_id) DO UPDATE SET realm = EXCLUDED.realm, a1_hash = EXCLUDED.a1_hash, created_at = now(), expires_at = EXCLUDED.expires_at`,
      [userId, sessionId, routing.sipDomain, a1Hash(userId, routing.sipDomain, password), expiresAt],
    );
    return { username: userId, password, domain: routing.sipDomain, wssUrl: routing.wssUrl, iceServers: this.iceServers(userId), expiresAt: expiresAt.toISOString() };
  }

  async revoke(userId: string, sessionId?: string): Promise<number> {
    const r = await this.deps.dataSource.query<[unknown[], number]>(
      sessionId === undefined ? `DELETE FROM sip_credentials WHERE user_id = $1` : `DELETE FROM sip_credentials WHERE user_id = $1 AND session_id = $2`,
      sessionId === undefined ? [userId] : [userId, sessionId],
    );
    return r[1];
  }

  /**
   * The A1 hashes FreeSWITCH may check this attempt against: the one whose
   * digest matches, or the newest (then the switch refuses the attempt). Only
   * sessions that are still alive count.
   */
  async a1For(userId: string, attempt: DigestAttempt | null): Promise<string | null> {
    const rows = await this.deps.dataSource.query<Array<{ a1_hash: string; realm: string }>>(
      `SELECT c.a1_hash, c.realm FROM sip_credentials c
        WHERE c.user_id = $1 AND c.expires_at > now()
          AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = c.session_id AND t.revoked_at IS NULL AND t.expires_at > now())
        ORDER BY c.created_at DESC LIMIT 20`,
      [userId],
    );
    if (rows.length === 0) return null;
    if (attempt) {
      const match = rows.find((r) => r.realm === attempt.realm && digestResponse(r.a1_hash, attempt) === attempt.response.toLowerCase());
      if (match) return match.a1_hash;
    }
    return rows[0]!.a1_hash;
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
