import { Router } from 'express';

/** A named dependency the process needs to serve requests: database, shared state, later the switch nodes. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

export function healthRouter(checks: readonly ReadinessCheck[]): Router {
  const r = Router();

  // Liveness: the process answers. Nothing else is consulted, so a database
  // outage never makes an orchestrator kill a healthy process.
  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  r.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { status: 'ok' }] as const;
        } catch (err) {
          return [name, { status: 'down', error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'ok');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
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
