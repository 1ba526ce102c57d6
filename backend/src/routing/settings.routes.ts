import type { RoutingSettings } from '@sipcall/contract';
import { Router } from 'express';
import type { Config } from '../config/settings.js';
import { FRAUD_PREFIXES } from '../core/phone-numbers.js';
import type { Operations } from '../http/openapi.js';

export const routingSettingsApi: Operations = {
  'GET /': { summary: 'The routing policy and trunk as configured, without secrets' },
};

/**
 * The routing policy and trunk as configured (environment variables), for
 * admins to read. Changing them is a deployment change, so this is read-only;
 * no secret is included.
 */
export function routingSettingsRouter(deps: { config: Config }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    const c = deps.config.routing;
    res.set('Cache-Control', 'no-store').json({
      sipDomain: c.sipDomain,
      wssUrl: c.wssUrl,
      gateway: c.gateway,
      trunkCodecs: c.trunkCodecs,
      trunkPasswordSet: deps.config.switch.trunkPassword !== null,
      defaultCountry: c.defaultCountry,
      allowedCountries: c.allowedCountries,
      allowedPrefixes: c.allowedPrefixes,
      blockedPrefixes: c.blockedPrefixes,
      builtInBlockedPrefixes: FRAUD_PREFIXES,
      emergencyNumbers: c.emergencyNumbers,
      emergencyPolicy: c.emergencyPolicy,
      maxCallSeconds: c.maxCallSeconds,
      userMaxConcurrent: c.userMaxConcurrent,
      globalMaxConcurrent: c.globalMaxConcurrent,
      userCallsPerSecond: c.userCallsPerSecond,
      globalCallsPerSecond: c.globalCallsPerSecond,
      stunUrls: c.stunUrls,
      turnUrls: c.turn?.urls ?? [],
    } satisfies RoutingSettings);
  });
  return r;
}
