/** The closed set of error codes Capstan's domain code raises. The API maps them to GraphQL `extensions.code`. */
export type CapstanErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'INVALID'
  | 'EXPIRED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'TOO_MANY_REQUESTS';

/** Which limit a TOO_MANY_REQUESTS error hit: its name, its value and the setting that changes it. */
export interface LimitDetail {
  limit: string;
  max: number;
  setting: string;
}

/** One field-level problem behind an INVALID error: the field path and the rule it broke. */
export interface FieldViolation {
  field: string;
  message: string;
}

/** The one error class of Capstan: a code a program can branch on and a message a user can act on. */
export class CapstanError extends Error {
  readonly code: CapstanErrorCode;
  readonly violations: FieldViolation[];
  /** For TOO_MANY_REQUESTS: the limit that was hit. */
  readonly limit?: LimitDetail;

  constructor(
    code: CapstanErrorCode,
    message: string,
    options?: { cause?: unknown; violations?: FieldViolation[]; limit?: LimitDetail },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CapstanError';
    this.code = code;
    this.violations = options?.violations ?? [];
    if (options?.limit) this.limit = options.limit;
  }

  /** A TOO_MANY_REQUESTS error: `what` says what was refused; the message adds the limit and its setting. */
  static limitExceeded(what: string, limit: LimitDetail): CapstanError {
    return new CapstanError(
      'TOO_MANY_REQUESTS',
      `${what}: the limit ${limit.limit} is ${limit.max} (setting ${limit.setting}); close some or try again later`,
      { limit },
    );
  }

  /** An INVALID error from field violations; the message names every field and rule. */
  static invalid(violations: FieldViolation[], subject?: string): CapstanError {
    const detail = violations.map((v) => `${v.field}: ${v.message}`).join('; ');
    return new CapstanError('INVALID', subject ? `${subject} is invalid: ${detail}` : detail, { violations });
  }
}

export function isCapstanError(err: unknown, code?: CapstanErrorCode): err is CapstanError {
  return err instanceof CapstanError && (code === undefined || err.code === code);
}
