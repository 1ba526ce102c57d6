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

// Placing and controlling calls. Click-to-call rings the user's own phone
// first; the first four say why that phone did not take the call.

export class NotRegisteredError extends AppError {
  constructor() {
    super(409, 'not_registered', 'You have no registered phone or browser to ring first');
  }
}

export class PhoneBusyError extends AppError {
  constructor() {
    super(409, 'busy', 'Your phone is busy');
  }
}

export class NoAnswerError extends AppError {
  constructor() {
    super(409, 'no_answer', 'Your phone did not answer');
  }
}

export class CallRejectedError extends AppError {
  constructor() {
    super(403, 'rejected', 'The call was refused');
  }
}

/** The switch could not place the call, for a reason of its own (its words, as they came). */
export class OriginateFailedError extends AppError {
  constructor(reason: string) {
    super(502, 'originate_failed', `The switch could not place the call (${reason || 'no reason given'})`);
  }
}

/** The switch refused an action on a live call (hold, transfer, …); its words, as they came. */
export class SwitchRefusedError extends AppError {
  constructor(reason: string) {
    super(409, 'switch_refused', `The switch refused: ${reason}`);
  }
}
