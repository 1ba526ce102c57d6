import type { Request } from 'express';

/** One cookie from the raw header (no cookie parser for the two we have); anything oversized counts as absent. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
