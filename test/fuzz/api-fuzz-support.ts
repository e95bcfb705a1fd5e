import { expect } from 'vitest';
import { createToken } from '../../src/auth/tokens.ts';
import { createCapstanYoga, type CapstanYogaOptions } from '../../src/server/yoga.ts';
import { createLogger } from '../../src/util/logger.ts';
import { newTestStore } from '../support/store.ts';
import { briefJson } from './fuzz-support.ts';

export interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; fields?: { field?: unknown; message?: unknown }[] };
}

/** The codes a client may see for a refused request; anything else (INTERNAL_SERVER_ERROR above all) is a bug. */
export const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNAVAILABLE',
  'EXPIRED',
  'TOO_MANY_REQUESTS',
  'REQUEST_ENTITY_TOO_LARGE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
]);

/**
 * Whether a BAD_USER_INPUT error names what was wrong: Capstan's violations (`extensions.fields`, each with a field
 * path and a rule), or GraphQL's own coercion errors, which name the variable and the path inside it.
 */
export function namesTheField(error: GraphQLErrorJson): boolean {
  const fields = error.extensions?.fields;
  if (Array.isArray(fields) && fields.length > 0) {
    return fields.every((f) => typeof f.field === 'string' && f.field.length > 0 && typeof f.message === 'string');
  }
  return /Variable "\$\w+/.test(error.message) || /Argument "\w+"/.test(error.message);
}

/** Checks one GraphQL answer against the fuzz properties; returns its errors. */
export function checkAnswer(status: number, body: { errors?: GraphQLErrorJson[] }, input: unknown): GraphQLErrorJson[] {
  const where = briefJson(input, 2000);
  expect(status, `HTTP status for ${where}`).toBeLessThan(500);
  const errors = body.errors ?? [];
  for (const error of errors) {
    const code = error.extensions?.code;
    expect(code, `error code of ${JSON.stringify(error)} for ${where}`).not.toBe('INTERNAL_SERVER_ERROR');
    expect(CLIENT_CODES.has(code ?? ''), `known code in ${JSON.stringify(error)} for ${where}`).toBe(true);
    if (code === 'BAD_USER_INPUT') {
      expect(namesTheField(error), `field named in ${JSON.stringify(error)} for ${where}`).toBe(true);
    }
  }
  return errors;
}

/** SHA-1 over every key under a prefix and its DUMP, in key order: one round trip for the whole state. */
const FINGERPRINT = `
local keys = redis.call('KEYS', ARGV[1] .. '*')
table.sort(keys)
local parts = {}
for i, key in ipairs(keys) do
  parts[#parts + 1] = key
  parts[#parts + 1] = redis.sha1hex(redis.call('DUMP', key) or '')
end
return redis.sha1hex(table.concat(parts, '\\0'))
`;

/** The real API in process on its own Redis prefix, with an admin token, for the fuzz suites. */
export async function newFuzzApi(options: Partial<CapstanYogaOptions> = {}) {
  const store = await newTestStore();
  const admin = await createToken(store, { role: 'admin', description: 'fuzz admin' });
  const yoga = createCapstanYoga({ store, logger: createLogger({ level: 'silent' }), maxCost: 1_000_000, ...options });

  /**
   * Sends one request as an HTTP client would: the body encoded to bytes first, then one turn of the event loop
   * before the server sees them and one after its answer, so that a stall probe charges the client's encoding of a
   * megabyte input and its checks of the answer to the client, and the server's work to the server (a real client is
   * another process).
   */
  async function call(query: string, variables: Record<string, unknown>) {
    const bytes = Buffer.from(JSON.stringify({ query, variables }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const response = await yoga.fetch('http://capstan.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: bytes,
    });
    const text = await response.text();
    await new Promise<void>((resolve) => setImmediate(resolve));
    let body: { data?: unknown; errors?: GraphQLErrorJson[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 500)}`);
    }
    return { status: response.status, body };
  }

  /**
   * Everything the cluster holds under the store's prefix: the resourceVersion counter and a digest of every key
   * and its contents (objects, indexes, reservations, the change stream's length). Equal before and after a refused
   * mutation means it wrote nothing.
   */
  async function fingerprint(): Promise<string> {
    return String(await store.redis.eval(FINGERPRINT, 0, store.prefix));
  }

  return {
    store,
    yoga,
    call,
    fingerprint,
    async dispose() {
      await yoga.dispose?.();
      await store.dispose();
    },
  };
}
