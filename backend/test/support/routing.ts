import type { Config } from '../../src/config/settings.js';

/** A routing configuration for unit tests: Germany allowed, two calls per user, the trunk offered G.711. */
export const ROUTING: Config['routing'] = {
  sipDomain: 'sip.example.com',
  wssUrl: 'wss://sip.example.com:7443',
  defaultCountry: 'DE',
  allowedCountries: ['DE'],
  allowedPrefixes: [],
  blockedPrefixes: [],
  emergencyNumbers: ['112'],
  emergencyPolicy: 'allow',
  maxCallSeconds: 600,
  userMaxConcurrent: 2,
  globalMaxConcurrent: 100,
  userCallsPerSecond: 100,
  globalCallsPerSecond: 1000,
  gateway: 'trunk',
  trunkCodecs: ['PCMU', 'PCMA'],
  stunUrls: [],
  turn: null,
};
