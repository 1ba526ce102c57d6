// Where sign-in may send the user back to: a path of this app, never another
// site. `//evil.example`, `/\evil.example` and `https://…` all leave the origin
// once the browser resolves them, so only what resolves to this origin passes.
const BASE = 'http://sipcall.invalid';

/** The internal path `next` names, or `/` when it names anything else (or nothing). */
export function internalPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters and backslashes are what browsers strip or turn into slashes.
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE || url.pathname === '/login') return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
