// Who has a phone registered right now, and on how many devices: asked of
// every switch that is up, each time (registrations come and go by the
// minute; nothing here is kept).
import type { Assert, RegisteredDevices as RegisteredDevicesOnTheWire, Same } from '@sipcall/contract';
import { registrations, type CommandTarget } from '../switch/commands.js';
import type { NodeState } from '../switch/node.js';
import { userIdOfSipUser } from './sip-credentials.js';

export interface RegistrationsDeps {
  switches: { states(): Record<string, NodeState>; get(name: string): CommandTarget };
  /** Only registrations in SIPCall's own domain are its users'. */
  sipDomain: string;
}

export interface RegisteredDevices {
  /** Devices per user id, for the users with at least one. */
  devices: Record<string, number>;
  /** Each switch's state; one that is not ready was not asked, so the counts may be short. */
  switches: Record<string, NodeState | 'unreadable'>;
}
type _Checked = Assert<Same<RegisteredDevices, RegisteredDevicesOnTheWire>>;

export class SipRegistrations {
  constructor(private readonly deps: RegistrationsDeps) {}

  async devicesByUser(): Promise<RegisteredDevices> {
    const devices: Record<string, number> = {};
    const switches: RegisteredDevices['switches'] = { ...this.deps.switches.states() };
    await Promise.all(
      Object.entries(switches)
        .filter(([, state]) => state === 'ready')
        .map(async ([name]) => {
          const listed = await registrations(this.deps.switches.get(name), { timeoutMs: 5_000 }).catch(() => null);
          if (!listed?.ok) {
            switches[name] = 'unreadable';
            return;
          }
          for (const r of listed.registrations) {
            const userId = r.realm === this.deps.sipDomain ? userIdOfSipUser(r.sipUser) : null;
            if (userId) devices[userId] = (devices[userId] ?? 0) + 1;
          }
        }),
    );
    return { devices, switches };
  }
}
