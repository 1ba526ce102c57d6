// Which sessions are alive. An access token names its session (the refresh-
// token family it was issued for); the session ends at sign-out, when its
// refresh token is used twice, or when its user is disabled, deleted, given a
// new role or a new password. Every authenticated request asks here, so an
// ended session's tokens stop working at once on this replica and within
// LIVE_CACHE_MS on the others; ends are announced to every replica, where the
// live WebSocket closes what belonged to them.
import type { EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import type { PubSub } from '../state/state.js';
import type { RefreshTokenStore } from './refresh-tokens.js';
import { UUID } from '../core/ids.js';

/** A user's sessions, or one of them, that just ended. */
export interface SessionEnd {
  userId: string;
  /** Absent: every session of the user. */
  sessionId?: string | undefined;
  /** With no sessionId: every session but this one (the one that changed its own password). */
  exceptSessionId?: string | undefined;
}

/** How long "this session is alive" is believed without asking again. */
export const LIVE_CACHE_MS = 5_000;
const CACHE_SIZE = 10_000;
const CHANNEL = 'auth:sessions-ended';

interface SessionsDeps {
  refreshTokens: Pick<RefreshTokenStore, 'familyIsLive' | 'revokeAllForUser'>;
  pubsub: PubSub;
  log: Logger;
  now?: () => number;
}

export class Sessions {
  private readonly live = new Map<string, { userId: string; until: number }>();
  private readonly listeners = new Set<(end: SessionEnd) => void>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: SessionsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Hears the ends other replicas announce. */
  async start(): Promise<void> {
    this.unsubscribe ??= await this.deps.pubsub.subscribe(CHANNEL, (message) => {
      const end = parseEnd(message);
      if (end) this.apply(end);
    });
  }

  async close(): Promise<void> {
    const u = this.unsubscribe;
    this.unsubscribe = null;
    await u?.();
  }

  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const hit = this.live.get(sessionId);
    if (hit && hit.userId === userId && hit.until > this.now()) return true;
    const alive = await this.deps.refreshTokens.familyIsLive(sessionId, userId);
    if (alive) {
      if (this.live.size >= CACHE_SIZE) this.live.clear();
      this.live.set(sessionId, { userId, until: this.now() + LIVE_CACHE_MS });
    } else {
      this.live.delete(sessionId);
    }
    return alive;
  }

  /** Ends every session of a user (but `exceptSessionId`), inside the caller's transaction; say ended() once it is committed. */
  async revokeAll(userId: string, reason: string, manager: EntityManager, exceptSessionId?: string): Promise<number> {
    return this.deps.refreshTokens.revokeAllForUser(userId, reason, manager, exceptSessionId);
  }

  /** Called once the end is committed: takes effect here at once, and is announced to the other replicas. */
  async ended(end: SessionEnd): Promise<void> {
    this.apply(end);
    try {
      await this.deps.pubsub.publish(CHANNEL, JSON.stringify(end));
    } catch (err) {
      // The other replicas still stop believing within LIVE_CACHE_MS, and their sockets at the token's expiry.
      this.deps.log.warn({ err }, 'announcing an ended session failed');
    }
  }

  /** Called for every end, local or announced (a session may end twice: listeners must not mind). */
  onEnded(listener: (end: SessionEnd) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(end: SessionEnd): void {
    if (end.sessionId) this.live.delete(end.sessionId);
    else for (const [sid, entry] of this.live) if (entry.userId === end.userId && sid !== end.exceptSessionId) this.live.delete(sid);
    for (const l of this.listeners) l(end);
  }
}

/** A message from the channel, checked like any input from outside the process. */
function parseEnd(message: string): SessionEnd | null {
  try {
    const value = JSON.parse(message) as { userId?: unknown; sessionId?: unknown; exceptSessionId?: unknown };
    if (typeof value.userId !== 'string' || !UUID.test(value.userId)) return null;
    const isId = (v: unknown) => v === undefined || (typeof v === 'string' && UUID.test(v));
    if (!isId(value.sessionId) || !isId(value.exceptSessionId)) return null;
    return { userId: value.userId, sessionId: value.sessionId as string | undefined, exceptSessionId: value.exceptSessionId as string | undefined };
  } catch {
    return null;
  }
}
