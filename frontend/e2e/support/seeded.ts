// The stack the page tests share: the built app on an embedded database, a
// test switch (the FreeSWITCH peer) that answers its calls, an admin from the
// bootstrap variables, and a user's calls of the last days as the switch
// posts them.
import { FreeSwitchPeer } from '../../../backend/test/support/freeswitch-peer.js';
import { postCdr } from './cdrs.js';
import { Backend, freePort } from './stack.js';

export const SWITCH_PASSWORD = 'switch-http-password-for-e2e';

/** Five calls of the last two days: answered, unanswered, one the policy refused. */
export const RECENT_CALLS = [
  { destination: '+49301234567', hoursAgo: 1, billsec: 125 },
  { destination: '+4315123456', hoursAgo: 5, billsec: 42 },
  { destination: '+33142685300', hoursAgo: 26, billsec: null },
  { destination: '+499001234567', hoursAgo: 30, billsec: null, refusedFor: 'premium_rate' },
  { destination: '+49891234567', hoursAgo: 50, billsec: 600 },
] as const;

export interface Seeded {
  peer: FreeSwitchPeer;
  backend: Backend;
  adminToken: string;
}

export async function startSeeded(admin: { email: string; password: string; name: string }): Promise<Seeded> {
  const peer = await FreeSwitchPeer.start({ answerAfterMs: 50 });
  const backend = new Backend({
    port: await freePort(),
    env: {
      FREESWITCH_NODES: peer.url,
      SWITCH_HTTP_PASSWORD: SWITCH_PASSWORD,
      SIP_WSS_URL: `ws://127.0.0.1:${await freePort()}`,
      SIPCALL_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      SIPCALL_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      SIPCALL_BOOTSTRAP_ADMIN_NAME: admin.name,
      ALLOWED_DESTINATIONS: 'DE,AT,FR',
    },
  });
  await backend.start();
  const adminToken = (await backend.api<{ accessToken: string }>('POST', '/api/auth/login', null, { email: admin.email, password: admin.password })).accessToken;
  return { peer, backend, adminToken };
}

/** RECENT_CALLS as one user's, posted by the switch the way mod_json_cdr posts them. */
export async function postRecentCalls(backend: Backend, userId: string, caller: string): Promise<void> {
  const now = Date.now();
  for (const c of RECENT_CALLS) {
    await postCdr(backend.url, SWITCH_PASSWORD, { userId, caller, destination: c.destination, startedAt: new Date(now - c.hoursAgo * 3_600_000), billsec: c.billsec, refusedFor: 'refusedFor' in c ? c.refusedFor : undefined });
  }
}
