import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../core/errors.js';
import { ROLES, type Role } from '../core/identity.js';
import { UUID } from '../core/ids.js';

/** The only algorithm we sign with and the only one we accept: no `none`, no key confusion. */
const ALGORITHMS: jwt.Algorithm[] = ['HS256'];

export interface AccessTokenConfig {
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessClaims {
  userId: string;
  role: Role;
  /** The refresh-token family (session) the token was issued for. */
  sessionId: string;
}

export interface VerifiedAccessClaims extends AccessClaims {
  expiresAt: Date;
}


export interface SignedAccessToken {
  token: string;
  expiresIn: number;
}

export class AccessTokens {
  constructor(private readonly config: AccessTokenConfig) {}

  sign(claims: AccessClaims): SignedAccessToken {
    const token = jwt.sign({ role: claims.role, sid: claims.sessionId }, this.config.jwtSecret, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: this.config.jwtIssuer,
      audience: this.config.jwtAudience,
      expiresIn: this.config.accessTokenTtlSeconds,
      jwtid: randomUUID(),
    });
    return { token, expiresIn: this.config.accessTokenTtlSeconds };
  }

  /**
   * Checks signature, algorithm, issuer, audience and expiry, and that the
   * token says whose it is (a user id), for which session, and until when: a
   * token we did not issue lacks one of those. Any failure is a 401.
   */
  verify(token: string): VerifiedAccessClaims {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.config.jwtSecret, {
        algorithms: ALGORITHMS,
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        clockTolerance: 5,
      });
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw new UnauthorizedError(expired ? 'Access token expired' : 'Invalid access token', expired ? 'token_expired' : 'invalid_token');
    }
    if (typeof payload === 'string') throw new UnauthorizedError('Invalid access token', 'invalid_token');
    const { sub, exp, role, sid } = payload as { sub?: unknown; exp?: unknown; role?: unknown; sid?: unknown };
    if (typeof sub !== 'string' || !UUID.test(sub) || typeof sid !== 'string' || !UUID.test(sid) || !ROLES.includes(role as Role) || typeof exp !== 'number' || !Number.isSafeInteger(exp)) {
      throw new UnauthorizedError('Invalid access token', 'invalid_token');
    }
    return { userId: sub, role: role as Role, sessionId: sid, expiresAt: new Date(exp * 1000) };
  }
}
