// The switches' own view of their load, polled over ESL: sessions up, the
// peak, sessions per second and the configured maximum (from `status`), and
// calls up (`show calls count`).
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SwitchPool } from './switches.js';

export interface SwitchStatus {
  sessions: number;
  peak: number;
  perSecond: number;
  maxSessions: number;
}

/** Reads the text of `api status` (see the captures). */
export function parseStatus(text: string): SwitchStatus | null {
  const sessions = /^(\d+) session\(s\) - peak (\d+)/m.exec(text);
  const sps = /^(\d+) session\(s\) per Sec/m.exec(text);
  const max = /^(\d+) session\(s\) max/m.exec(text);
  if (!sessions || !sps || !max) return null;
  return { sessions: Number(sessions[1]), peak: Number(sessions[2]), perSecond: Number(sps[1]), maxSessions: Number(max[1]) };
}

export function parseCallsCount(text: string): number | null {
  const m = /^(\d+) total\./m.exec(text.trim());
  return m ? Number(m[1]) : null;
}

export function pollSwitchStats(pool: SwitchPool, metrics: Metrics, log: Logger, everyMs = 15_000): () => void {
  const poll = async () => {
    for (const [name, state] of Object.entries(pool.states())) {
      if (state !== 'ready') continue;
      try {
        const node = pool.get(name);
        const [status, calls] = await Promise.all([node.api('status', { timeoutMs: 5_000 }), node.api('show calls count', { timeoutMs: 5_000 })]);
        const s = parseStatus(status);
        if (s) {
          metrics.freeswitchSessions.set({ node: name }, s.sessions);
          metrics.freeswitchSessionsPeak.set({ node: name }, s.peak);
          metrics.freeswitchSessionsPerSecond.set({ node: name }, s.perSecond);
          metrics.freeswitchMaxSessions.set({ node: name }, s.maxSessions);
        }
        const c = parseCallsCount(calls);
        if (c !== null) metrics.freeswitchCalls.set({ node: name }, c);
      } catch (err) {
        log.debug({ err, node: name }, 'polling switch status failed');
      }
    }
  };
  const timer = setInterval(() => void poll(), everyMs);
  timer.unref();
  void poll();
  return () => clearInterval(timer);
}
