import { CapstanError } from '../api/errors.ts';

/**
 * The `continue` token of a paged list: the index member (`namespace/name`, or `name`) after which the next page
 * starts. Shared by the Redis store and the API's read cache, so a page from one continues on the other.
 */
export function encodeContinue(last: string): string {
  return Buffer.from(JSON.stringify({ after: last })).toString('base64url');
}

/** The member a `continue` token points after; INVALID for anything a list did not return. */
export function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw CapstanError.invalid([{ field: 'continue', message: 'is not a continue token returned by a list' }]);
}
