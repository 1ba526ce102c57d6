// The switches' own view of their load, polled over ESL: sessions up, the
// peak, sessions per second and the configured maxima (from `status`), and
// calls up (`show calls count`). Each poll also holds the switch's ceilings
// against SIPCall's own caps: a switch that would turn away calls SIPCall
// allows (fewer sessions, sessions a second or RTP ports than the caps need)
// is named in the log, once for each change.
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { callsCount, rtpPorts, status as switchStatus, type SwitchStatus } from './commands.js';
import type { SwitchPool } from './switches.js';

/** SIPCall's own caps, which every switch must sit above. */
export interface CallCaps {
  maxConcurrentCalls: number;
  callsPerSecond: number;
}

/**
 * What a switch lacks to carry SIPCall's caps: each call is two legs, so two
 * sessions, two new sessions within its second, and a pair of RTP ports a
 * leg (RTP and RTCP; video needs a second pair). `rtp` is the port range
 * freeswitch/ configures, when the switch runs that configuration.
 */
export function capacityShortfalls(status: SwitchStatus, caps: CallCaps, rtp: { start: number; end: number } | null): string[] {
  const short: string[] = [];
  if (status.maxSessions < 2 * caps.maxConcurrentCalls) short.push(`max-sessions ${status.maxSessions} < ${2 * caps.maxConcurrentCalls} (two legs for each of GLOBAL_MAX_CONCURRENT_CALLS=${caps.maxConcurrentCalls})`);
  if (status.maxPerSecond < 2 * caps.callsPerSecond) short.push(`sessions-per-second ${status.maxPerSecond} < ${2 * caps.callsPerSecond} (two legs for each of GLOBAL_CALLS_PER_SECOND=${caps.callsPerSecond})`);
  if (rtp && rtp.end - rtp.start + 1 < 4 * caps.maxConcurrentCalls) short.push(`RTP ports ${rtp.start}-${rtp.end} < ${4 * caps.maxConcurrentCalls} (four for each of GLOBAL_MAX_CONCURRENT_CALLS=${caps.maxConcurrentCalls})`);
  return short;
}

export function pollSwitchStats(pool: SwitchPool, metrics: Metrics, log: Logger, caps: CallCaps, everyMs = 15_000): () => void {
  const reported = new Map<string, string>();
  const poll = async () => {
    for (const [name, state] of Object.entries(pool.states())) {
      if (state !== 'ready') continue;
      try {
        const node = pool.get(name);
        const options = { timeoutMs: 5_000 };
        const [status, calls, rtp] = await Promise.all([switchStatus(node, options), callsCount(node, options), rtpPorts(node, options)]);
        if (status.ok) {
          const s = status.status;
          metrics.freeswitchSessions.set({ node: name }, s.sessions);
          metrics.freeswitchSessionsPeak.set({ node: name }, s.peak);
          metrics.freeswitchSessionsPerSecond.set({ node: name }, s.perSecond);
          metrics.freeswitchSessionsPerSecondMax.set({ node: name }, s.maxPerSecond);
          metrics.freeswitchMaxSessions.set({ node: name }, s.maxSessions);
          const short = capacityShortfalls(s, caps, rtp.ok ? rtp : null).join('; ');
          if (short !== (reported.get(name) ?? '')) {
            if (short) log.warn({ node: name, short }, "the switch would refuse calls SIPCall allows: raise its limits (freeswitch/vars.xml: SIPCALL_MAX_CALLS, SIPCALL_CALLS_PER_SECOND) or lower SIPCall's caps");
            else log.info({ node: name }, "the switch's limits sit above SIPCall's caps again");
            reported.set(name, short);
          }
        }
        if (calls.ok) metrics.freeswitchCalls.set({ node: name }, calls.count);
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
