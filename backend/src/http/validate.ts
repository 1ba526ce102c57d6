import type { z } from 'zod';
import { ValidationError } from './errors.js';

type Where = 'body' | 'query' | 'params' | 'cookie';

/** Parses one part of a request with its schema; anything off is a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationError(`Invalid request ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
