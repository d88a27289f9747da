/**
 * Base of every error the system raises on purpose. `code` is machine readable;
 * `expose` says whether `message` may be shown to the caller (never for 5xx).
 */
export class AppError extends Error {
  readonly code: string;
  readonly expose: boolean;

  constructor(message: string, options: { code?: string; expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'APP_ERROR';
    this.expose = options.expose ?? false;
  }
}

/** An error that maps to an HTTP status. 4xx are exposed by default, 5xx never. */
export class HttpError extends AppError {
  readonly statusCode: number;

  constructor(
    statusCode: number,
    message: string,
    options: { code?: string; expose?: boolean; cause?: unknown } = {},
  ) {
    super(message, {
      code: options.code ?? `HTTP_${statusCode}`,
      expose: options.expose ?? statusCode < 500,
      cause: options.cause,
    });
    this.statusCode = statusCode;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, cause?: unknown) {
    super(400, message, { code: 'BAD_REQUEST', cause });
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'invalid signature') {
    super(401, message, { code: 'UNAUTHORIZED' });
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'not found') {
    super(404, message, { code: 'NOT_FOUND' });
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(message = 'method not allowed') {
    super(405, message, { code: 'METHOD_NOT_ALLOWED' });
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, `request body exceeds ${limitBytes} bytes`, { code: 'PAYLOAD_TOO_LARGE' });
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, message, { code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
}

/** A required configuration value is missing or malformed: fail at cold start. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super(message, { code: 'CONFIG_ERROR' });
  }
}

/** A conditional write lost: the item exists or is not in the expected state. */
export class ConflictError extends AppError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'CONFLICT', cause });
  }
}

/** A task's or the day's LLM budget is spent. The name is matched by the state machine. */
export class BudgetExceededError extends AppError {
  constructor(message: string) {
    super(message, { code: 'BudgetExceeded' });
    this.name = 'BudgetExceeded';
  }
}
