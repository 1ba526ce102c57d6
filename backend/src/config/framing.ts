// Who may show SIPCall inside their own page (a Nextcloud instance, Talk),
// and what that asks of the session cookie. A page framed by another site is
// a third-party context: its cookies need SameSite=None, Secure and
// Partitioned (CHIPS) to be sent at all, while a page framed by a sibling
// under the same registrable domain (phone.example.org in cloud.example.org)
// keeps SameSite=Lax. Nothing framed: SameSite=Strict, as before.
import { getDomain } from 'tldts';

export type CookieSameSite = 'strict' | 'lax' | 'none';

export interface Framing {
  /** Origins allowed to frame the web app (CSP frame-ancestors), besides the app itself. */
  readonly ancestors: readonly string[];
  /** SameSite of the session cookie, chosen from the app's own address and the ancestors'. */
  readonly cookieSameSite: CookieSameSite;
}

/**
 * The site of an origin as browsers compare it for SameSite: the scheme and
 * the registrable domain (public suffix list), or the host itself for
 * addresses and single-label names.
 */
export function siteOf(origin: string): string {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return `${url.protocol}//${getDomain(host, { allowPrivateDomains: true }) ?? host}`;
}

/**
 * Which cookie a deployment needs: `own` is the web app's public address
 * (null when unknown: then a framing origin is taken to be another site, the
 * choice that works in both cases).
 */
export function framingFor(own: string | null, ancestors: readonly string[]): Framing {
  const unique = [...new Set(ancestors)];
  if (unique.length === 0) return { ancestors: unique, cookieSameSite: 'strict' };
  const ownSite = own === null ? null : siteOf(own);
  const sameSite = ownSite !== null && unique.every((origin) => siteOf(origin) === ownSite);
  return { ancestors: unique, cookieSameSite: sameSite ? 'lax' : 'none' };
}
