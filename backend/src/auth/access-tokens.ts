import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../http/errors.js';
import { ROLES, type Role } from '../users/user.entity.js';

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
  sessionId?: string | undefined;
}

export interface SignedAccessToken {
  token: string;
  expiresIn: number;
}

export class AccessTokens {
  constructor(private readonly config: AccessTokenConfig) {}

  sign(claims: AccessClaims): SignedAccessToken {
    const token = jwt.sign(claims.sessionId ? { role: claims.role, sid: claims.sessionId } : { role: claims.role }, this.config.jwtSecret, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: this.config.jwtIssuer,
      audience: this.config.jwtAudience,
      expiresIn: this.config.accessTokenTtlSeconds,
      jwtid: randomUUID(),
    });
    return { token, expiresIn: this.config.accessTokenTtlSeconds };
  }

  /** Checks signature, algorithm, issuer, audience and expiry; any failure is a 401. */
  verify(token: string): AccessClaims {
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
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || !ROLES.includes(payload['role'] as Role)) {
      throw new UnauthorizedError('Invalid access token', 'invalid_token');
    }
    const sid: unknown = payload['sid'];
    return { userId: payload.sub, role: payload['role'] as Role, sessionId: typeof sid === 'string' && /^[0-9a-f-]{36}$/.test(sid) ? sid : undefined };
  }
}
