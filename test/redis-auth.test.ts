import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import { newTestStore, REDIS_URL } from './support/store.ts';

// The attack of issue 18: Redis ran as root without a password, so any local process could connect, write a Token
// hash and be admin of the cluster. The Redis setup starts admits only Capstan's ACL user, whose password the
// server and this suite read from the secret file setup keeps (src/store/redis-url.ts).

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
const { hostname, port } = new URL(REDIS_URL);
/** What a local process that knows nothing but the address uses. */
const WITHOUT_CREDENTIALS = `redis://${hostname}:${port || 6379}`;

beforeAll(async () => {
  store = await newTestStore();
});

afterAll(async () => {
  await store?.dispose();
});

describe('Redis authentication', () => {
  it('refuses a local process without the credential that writes itself an admin Token', async () => {
    const yoga = createCapstanYoga({ store, logger: createLogger({ level: 'silent' }) });
    let forged: string | undefined;
    // The attacker cannot read the root-only secret file: it has the address and nothing else.
    const secret = process.env.CAPSTAN_REDIS_SECRET;
    process.env.CAPSTAN_REDIS_SECRET = '/nonexistent/redis.secret';
    try {
      const attacker = await createRedisStore({
        url: WITHOUT_CREDENTIALS,
        prefix: store.prefix,
        ensureDefaultNamespace: false,
      });
      try {
        forged = (await createToken(attacker, { role: 'admin', description: 'forged' })).token;
      } finally {
        await attacker.close();
      }
    } catch (err) {
      expect(err).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('REDIS_URL=') });
    } finally {
      if (secret === undefined) delete process.env.CAPSTAN_REDIS_SECRET;
      else process.env.CAPSTAN_REDIS_SECRET = secret;
    }
    if (forged) {
      const res = await yoga.fetch('http://capstan.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}` },
        body: JSON.stringify({ query: '{ whoami { role } }' }),
      });
      const body = (await res.json()) as { data?: { whoami?: { role?: string } } };
      expect.fail(`a process without the Redis password made itself ${JSON.stringify(body.data?.whoami)}`);
    }
  });

  it('connects with the credential in REDIS_URL', async () => {
    expect(new URL(REDIS_URL).password).not.toBe('');
    const other = await createRedisStore({ url: REDIS_URL, prefix: store.prefix, ensureDefaultNamespace: false });
    await other.close();
  });

  it('says in one error naming REDIS_URL that Redis refused a wrong password, without printing it', async () => {
    const wrong = new URL(REDIS_URL);
    wrong.username = 'capstan';
    wrong.password = 'not-the-password';
    const failure = await createRedisStore({ url: wrong.toString(), prefix: store.prefix }).then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(failure?.code).toBe('UNAUTHENTICATED');
    expect(failure?.message).toMatch(/^Redis at REDIS_URL=redis:\/\/capstan:\*\*\*@.* refused the credential/);
    expect(failure?.message).not.toContain('not-the-password');
    expect(failure?.message.split('\n')).toHaveLength(1);
  });
});
