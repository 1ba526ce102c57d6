import { Router } from 'express';
import type { Lifecycle } from './lifecycle.js';
import type { Operations } from '../http/openapi.js';

/** A named dependency the process needs to serve requests: database, shared state, and the switch nodes when there are any. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when ready, optionally with details to show (the switch nodes' states); rejects when not. */
  check(): Promise<unknown>;
  /** Details to show when the check fails. */
  details?(): unknown;
}

const CHECK_TIMEOUT_MS = 2_000;

interface CheckResult {
  name: string;
  status: 'ok' | 'down';
  error?: string;
  details?: unknown;
}

async function runCheck(c: ReadinessCheck): Promise<CheckResult> {
  try {
    const details = await withTimeout(c.check(), CHECK_TIMEOUT_MS);
    return details === undefined ? { name: c.name, status: 'ok' } : { name: c.name, status: 'ok', details };
  } catch (err) {
    return { name: c.name, status: 'down', error: err instanceof Error ? err.message : String(err), ...(c.details ? { details: c.details() } : {}) };
  }
}

export const healthApi: Operations = {
  'GET /healthz': { summary: 'Liveness: the process answers', responses: { 200: '{ status: "ok" }' } },
  'GET /readyz': { summary: 'Readiness: database, shared state and switches answer, and the process is not draining', responses: { 200: 'Ready, with each check', 503: 'Not ready or draining, with each check' } },
};

export function healthRouter(checks: readonly ReadinessCheck[], lifecycle: Lifecycle): Router {
  const r = Router();

  // Liveness: the process answers. Nothing else is consulted, so a database
  // outage never makes an orchestrator kill a healthy process.
  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  r.get('/readyz', async (_req, res) => {
    const checked: CheckResult[] = await Promise.all(checks.map(runCheck));
    const healthy = checked.every((c) => c.status === 'ok');
    const byName: Record<string, Omit<CheckResult, 'name'>> = {};
    for (const { name, ...result } of checked) byName[name] = result;
    // Draining wins: the dependencies may be fine, but this process takes no new work.
    const status = lifecycle.draining ? 'draining' : healthy ? 'ready' : 'not_ready';
    res
      .status(status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status, checks: byName });
  });

  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
