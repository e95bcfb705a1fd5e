/** The closed set of error codes Capstan's domain code raises. The API maps them to GraphQL `extensions.code`. */
export type CapstanErrorCode =
  'NOT_FOUND' | 'ALREADY_EXISTS' | 'CONFLICT' | 'INVALID' | 'EXPIRED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'UNAVAILABLE';

/** One field-level problem behind an INVALID error: the field path and the rule it broke. */
export interface FieldViolation {
  field: string;
  message: string;
}

/** The one error class of Capstan: a code a program can branch on and a message a user can act on. */
export class CapstanError extends Error {
  readonly code: CapstanErrorCode;
  readonly violations: FieldViolation[];

  constructor(code: CapstanErrorCode, message: string, options?: { cause?: unknown; violations?: FieldViolation[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CapstanError';
    this.code = code;
    this.violations = options?.violations ?? [];
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
