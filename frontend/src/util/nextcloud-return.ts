// Where Nextcloud sends the browser back to after a sign-in or a link (`/login?signin_error=…`,
// `/settings?nextcloud_linked=1`): what it says, read once and taken out of the address, so a
// reload or a bookmark does not say it again.
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router';
import { hasMessage, t, type MessageKey } from '../i18n';

/** The values of `names` in the address (the first, if one is repeated), which then leave it. */
export function takeFromQuery<N extends string>(route: RouteLocationNormalizedLoaded, router: Router, names: readonly N[]): Partial<Record<N, string>> {
  const taken: Partial<Record<N, string>> = {};
  const rest = { ...route.query };
  for (const name of names) {
    if (!(name in rest)) continue;
    const value = rest[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') taken[name] = first;
    delete rest[name];
  }
  if (Object.keys(rest).length !== Object.keys(route.query).length) void router.replace({ path: route.path, query: rest, hash: route.hash });
  return taken;
}

/** Why Nextcloud's sign-in came back, in words; a code this app does not know reads as `otherwise`. */
export function signInErrorWords(code: string, otherwise: MessageKey): string {
  const key = `signin.error.${code}`;
  return t(hasMessage(key) ? key : otherwise);
}
