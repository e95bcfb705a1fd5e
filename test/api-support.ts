import type { ExecutionResult } from 'graphql';
import { createToken } from '../src/auth/tokens.ts';
import type { LogSource } from '../src/resolvers/logs.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore } from './support/store.ts';

export type GraphQLResponse<T = Record<string, unknown>> = ExecutionResult<T, { code?: string; fields?: unknown }>;

/**
 * The real API in process: a store on its own Redis prefix, the real yoga edge (auth, limits, error masking) and
 * admin and viewer tokens. `gql` runs one operation; `subscribe` opens an SSE subscription.
 */
export async function newApi(options: { streamMaxLen?: number; logSource?: LogSource } = {}) {
  const store = await newTestStore(options.streamMaxLen ? { streamMaxLen: options.streamMaxLen } : {});
  const admin = await createToken(store, { role: 'admin', description: 'api test admin' });
  const viewer = await createToken(store, { role: 'viewer', description: 'api test viewer' });
  const yoga = createCapstanYoga({
    store,
    logger: createLogger({ level: 'silent' }),
    maxCost: 1_000_000,
    contextExtras: options.logSource ? { logSource: options.logSource } : {},
  });

  function headers(token: string | null, accept = 'application/json'): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
  }

  async function gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    { token = admin.token as string | null } = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await yoga.fetch('http://capstan.test/graphql', {
      method: 'POST',
      headers: headers(token),
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** Runs an operation and returns its data, failing the test with the errors if there are any. */
  async function data<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await gql<T>(query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  /** An SSE subscription; `next()` resolves with each payload, `close()` ends it. */
  async function subscribe<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    { token = admin.token as string | null } = {},
  ) {
    const response = await yoga.fetch('http://capstan.test/graphql', {
      method: 'POST',
      headers: headers(token, 'text/event-stream'),
      body: JSON.stringify({ query, variables }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const pending: GraphQLResponse<T>[] = [];
    let done = false;
    async function next(timeoutMs = 10_000): Promise<GraphQLResponse<T>> {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0) {
        if (done) throw new Error('subscription ended');
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no subscription event within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no subscription event within ${timeoutMs} ms`)), remaining);
          }),
        ]).finally(() => clearTimeout(timer));
        if (chunk.done) {
          done = true;
          continue;
        }
        buffer += chunk.value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const payload = /^data: (.*)$/m.exec(message)?.[1];
          if (event === 'complete') done = true;
          else if (payload) pending.push(JSON.parse(payload) as GraphQLResponse<T>);
        }
      }
      return pending.shift()!;
    }
    return {
      status: response.status,
      next,
      async close() {
        await reader.cancel().catch(() => undefined);
      },
    };
  }

  return {
    store,
    yoga,
    adminToken: admin.token,
    viewerToken: viewer.token,
    gql,
    data,
    subscribe,
    async dispose() {
      await yoga.dispose?.();
      await store.dispose();
    },
  };
}

export type Api = Awaited<ReturnType<typeof newApi>>;
