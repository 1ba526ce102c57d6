// The routing policy as one sentence an admin reads at a glance: where calls
// may go, what is blocked whatever the list says, and the emergency numbers.
import type { RoutingSettings } from '@sipcall/contract';
import { t } from '../i18n';
import { countryName } from '../i18n/format';

type Policy = Pick<RoutingSettings, 'allowedCountries' | 'allowedPrefixes' | 'blockedPrefixes' | 'builtInBlockedPrefixes' | 'emergencyNumbers' | 'emergencyPolicy'>;

/** A prefix as a range: +49137… */
const range = (prefix: string) => `${prefix}…`;
const list = (items: readonly string[], none: string) => (items.length > 0 ? items.join(', ') : none);

/** "Calls allowed to: Germany, Austria; blocked: premium-rate and satellite ranges, +49137…; emergency numbers 112, 110: allowed" */
export function policySentence(policy: Policy): string {
  const allowed = [...policy.allowedCountries.map((c) => countryName(c)), ...policy.allowedPrefixes.map(range)];
  const blocked = [...(policy.builtInBlockedPrefixes.length > 0 ? [t('numbers.policy.builtIn')] : []), ...policy.blockedPrefixes.map(range)];
  return t('numbers.policy.sentence', {
    allowed: list(allowed, t('numbers.policy.nowhere')),
    blocked: list(blocked, t('numbers.none')),
    emergency: list(policy.emergencyNumbers, t('numbers.none')),
    policy: t(policy.emergencyPolicy === 'allow' ? 'numbers.emergency.allow' : 'numbers.emergency.refuse'),
  });
}
