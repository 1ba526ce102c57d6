// One error family for the whole backend. Each error has a stable `code`
// clients can switch on, an HTTP status, and a message safe to show.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, issues: ValidationIssue[] = []) {
    super(400, 'validation_failed', message, issues.length > 0 ? { issues } : undefined);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, code = 'unavailable') {
    super(503, code, message);
  }
}

/** The thing exists but is not in a state where this can be done (a call not yet connected, …). */
export class WrongStateError extends AppError {
  constructor(message: string) {
    super(409, 'wrong_state', message);
  }
}

/** The database could not be reached or refused for a passing reason: the same request may succeed later. */
export class StorageUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'storage_unavailable', message);
  }
}
