import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { SharedStateUnavailableError } from '../state/state.js';
import { AppError, NotFoundError, RateLimitedError } from '../core/errors.js';

interface HttpLikeError {
  type?: string;
  status?: number;
}

/** Errors raised by express.json before any route runs, mapped to our codes. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'Unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_charset', 'Unsupported charset'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted'],
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`Route ${req.method} ${req.path}`));
};

/** The one place errors become responses: `{ error: { code, message } }`, never internals. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof AppError) {
      if (err.status >= 500) req.log?.error({ err }, err.message);
      if (err instanceof RateLimitedError) res.set('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    if (err instanceof SharedStateUnavailableError) {
      // Redis is away: what needs it waits; everything else goes on without it.
      (req.log ?? log).warn({ err: err.cause instanceof Error ? err.cause.message : String(err.cause) }, err.message);
      res.status(503).set('Retry-After', String(err.retryAfterSeconds)).json({ error: { code: 'unavailable', message: 'This is not possible right now; try again in a few seconds' } });
      return;
    }
    const httpError = err as HttpLikeError;
    const mapped = httpError.type ? BODY_ERRORS[httpError.type] : undefined;
    if (mapped) {
      const [status, code, message] = mapped;
      res.status(status).json({ error: { code, message } });
      return;
    }
    // Other client errors raised by Express itself or its static files (e.g. a missing asset).
    if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
      const notFound = httpError.status === 404;
      res.status(httpError.status).json({ error: { code: notFound ? 'not_found' : 'bad_request', message: notFound ? 'Not found' : 'Bad request' } });
      return;
    }
    (req.log ?? log).error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
  };
}
