// The process's own state: serving, or draining after SIGTERM. While it
// drains, /readyz says so (the load balancer stops sending), new call
// decisions and click-to-call are refused with 503 and Retry-After (the
// switch or the browser tries another replica, or again shortly), and
// everything already under way — live calls, call-record posts, reads — goes
// on until the listener closes.
import type { RequestHandler } from 'express';
import { ServiceUnavailableError } from '../core/errors.js';

/** What a refused client is told to wait before trying again. */
export const DRAIN_RETRY_AFTER_SECONDS = 5;

export class Lifecycle {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }
}

/** While draining, every answer asks the client to reconnect (to another replica). */
export function closeConnectionsWhileDraining(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  };
}

/** Refuses new work while draining: 503 `draining` with Retry-After. */
export function refuseWhileDraining(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (!lifecycle.draining) return next();
    res.setHeader('Retry-After', String(DRAIN_RETRY_AFTER_SECONDS));
    throw new ServiceUnavailableError('This server is shutting down; try again shortly', 'draining');
  };
}
