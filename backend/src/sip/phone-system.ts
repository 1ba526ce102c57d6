// What the browser phone can count on: whether a switch is configured at all,
// and whether SIPCall reaches one right now, read from the live links to the
// switches (their life in switch/node.ts), never from configuration alone.
import type { Assert, JsonOf, PhoneSystem, Same, SwitchLink } from '@sipcall/contract';
import type { NodeStatus } from '../switch/node.js';

type _Checked = Assert<Same<JsonOf<NodeStatus>, SwitchLink>>;

export interface PhoneSystemDeps {
  /** The switch pool: every node's state, last error and next attempt. */
  switches: { statuses(): NodeStatus[] };
  /** SIP_WSS_URL: where browsers register. */
  wssUrl: string;
}

export class PhoneSystemService {
  constructor(private readonly deps: PhoneSystemDeps) {}

  /** The phone system as a user sees it; admins also get each switch's link (addresses and errors). */
  describe(forAdmin: boolean): PhoneSystem {
    const nodes = this.deps.switches.statuses();
    if (nodes.length === 0) return { configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null, ...(forAdmin ? { switches: [] } : {}) };
    const ready = nodes.some((n) => n.state === 'ready');
    const retries = nodes.flatMap((n) => (n.nextRetryAt ? [n.nextRetryAt.getTime()] : []));
    const nextRetryAt = ready || retries.length === 0 ? null : new Date(Math.min(...retries)).toISOString();
    const answer: PhoneSystem = { configured: true, status: ready ? 'ready' : 'down', nextRetryAt, wssUrl: this.deps.wssUrl };
    if (forAdmin) {
      answer.switches = nodes.map((n) => ({ name: n.name, state: n.state, since: n.since.toISOString(), lastError: n.lastError, nextRetryAt: n.nextRetryAt?.toISOString() ?? null }));
    }
    return answer;
  }
}
