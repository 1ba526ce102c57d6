import { z } from 'zod';
import { ValidationError } from '../core/errors.js';

type Where = 'body' | 'query' | 'params' | 'cookie';
type Issue = { path: string; message: string };

/**
 * Parses one part of a request with its schema; anything off is a 400 naming
 * each field. Text with a NUL character is refused wherever it sits: no
 * field needs one, and PostgreSQL's text cannot hold it.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const nul = nulPaths(value, [where]);
  if (nul.length > 0) throw invalid(where, nul.map((path) => ({ path, message: 'must not contain a NUL character' })));
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(
    where,
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

function invalid(where: Where, issues: Issue[]): ValidationError {
  return new ValidationError(`Invalid request ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/** Where NUL characters hide in a parsed body or query (keys included); bounded, as the body parser bounds depth. */
function nulPaths(value: unknown, path: string[], depth = 0, found: string[] = []): string[] {
  if (found.length >= 10 || depth > 32) return found;
  if (typeof value === 'string') {
    if (value.includes('\0')) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, [...path, String(i)], depth + 1, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) found.push([...path, k.replaceAll('\0', '\\0')].join('.'));
      else nulPaths(v, [...path, k], depth + 1, found);
    }
  }
  return found;
}

/** The dates a query may name: what the database stores and people mean (1900 to 9999). */
export const EARLIEST_QUERY_DATE = new Date(Date.UTC(1900, 0, 1));
export const LATEST_QUERY_DATE = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
export const isQueryDate = (d: Date) => !Number.isNaN(d.getTime()) && d >= EARLIEST_QUERY_DATE && d <= LATEST_QUERY_DATE;

/** A calendar day, YYYY-MM-DD, that exists (no 31 February), from 1900 to 9999. */
export const calendarDay = z
  .string()
  .regex(/^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$/, 'must be a day like 2026-12-01')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a day that exists');

export const queryDate = z.coerce.date().refine(isQueryDate, 'must be a date between 1900 and 9999');

/** PostgreSQL's bigint, as the decimal text of a row id (keyset cursors). */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
export const isRowId = (s: string) => /^\d{1,19}$/.test(s) && BigInt(s) <= MAX_BIGINT;
