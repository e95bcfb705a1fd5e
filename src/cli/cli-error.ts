import { certificateTimeFault } from '../sdk/certificate-time.ts';
import { CapstanClientError } from '../sdk/errors.ts';

/** A user-facing failure of a command: printed as one line (`error: ...`) and turned into a non-zero exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Printed as it is, without `error: ` (kubectl's `command terminated with exit code N`). */
  readonly bare: boolean;

  constructor(message: string, options: { exitCode?: number; cause?: unknown; bare?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.bare = options.bare ?? false;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The one line printed for a failure of any kind, with advice where the cause is known. */
export function errorLine(err: unknown): string {
  if (err instanceof CliError) return err.bare ? oneLine(err.message) : `error: ${oneLine(err.message)}`;
  if (err instanceof CapstanClientError) {
    switch (err.code) {
      case 'UNREACHABLE':
        // The message says to check the clocks; "is the server running?" would send the user elsewhere.
        if (certificateTimeFault(err)) return `error: ${oneLine(err.message)}`;
        return `error: ${oneLine(err.message)} (is the server running? start one with "capstan up", or set --server)`;
      case 'UNAUTHENTICATED':
        return `error: the server refused the token: ${oneLine(err.message)} (check --token, CAPSTAN_TOKEN or ~/.capstan/config)`;
      case 'FORBIDDEN':
        return `error: forbidden: ${oneLine(err.message)}`;
      default:
        return `error: ${oneLine(err.message)}`;
    }
  }
  if (err instanceof Error) return `error: ${oneLine(err.message)}`;
  return `error: ${oneLine(String(err))}`;
}
