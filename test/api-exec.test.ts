import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.ts';
import { NodeExecSource } from '../src/server/node-exec-source.ts';
import { createCapstanYoga } from '../src/server/yoga.ts';
import { createLogger } from '../src/util/logger.ts';
import type { GraphQLResponse } from './api-support.ts';
import { BUSYBOX, HELLO, NodeHarness, waitForPod } from './support/node-harness.ts';
import { testNodePki, type TestNodePki } from './support/node-pki.ts';

// The exec mutation end to end in one process: the real API edge (auth, error mapping), a real node agent on Docker
// attached as the in-process exec source, as `capstan up` wires it.

const node = new NodeHarness();
let yoga: ReturnType<typeof createCapstanYoga>;
let adminToken = '';
let viewerToken = '';
let pki: TestNodePki | undefined;

const EXEC = `mutation ($name: String!, $container: String, $command: [String!]!, $timeoutSeconds: Int) {
  exec(name: $name, container: $container, command: $command, timeoutSeconds: $timeoutSeconds) {
    stdout stderr exitCode timedOut truncated
  }
}`;

interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
}

async function exec(
  variables: { name: string; container?: string; command: string[]; timeoutSeconds?: number },
  token = adminToken,
): Promise<GraphQLResponse<{ exec: ExecResult }>> {
  const response = await yoga.fetch('http://capstan.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: EXEC, variables }),
  });
  return (await response.json()) as GraphQLResponse<{ exec: ExecResult }>;
}

function errorOf(result: GraphQLResponse): { code: unknown; message: string } {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, message: error?.message ?? `no error: ${JSON.stringify(result.data)}` };
}

const running = (pod: { status?: { phase?: string } }) => pod.status?.phase === 'Running';

beforeAll(async () => {
  await node.start();
  const { store } = node;
  adminToken = (await createToken(store, { role: 'admin', description: 'api exec test' })).token;
  viewerToken = (await createToken(store, { role: 'viewer', description: 'api exec test' })).token;
  // Every pod of this test is on the in-process node: the dialer is never used.
  pki = await testNodePki();
  const execSource = new NodeExecSource({ store, dialer: pki.dialer });
  execSource.attach(node.nodeName, node.agent.execSource);
  yoga = createCapstanYoga({ store, logger: createLogger({ level: 'silent' }), contextExtras: { execSource } });

  await store.create(
    'Pod',
    node.pod('hello', { containers: [{ name: 'hello', image: HELLO, imagePullPolicy: 'Never' }] }),
  );
  await store.create(
    'Pod',
    node.pod('pair', {
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'app', image: HELLO, imagePullPolicy: 'Never', env: [{ name: 'WHO', value: 'app' }] },
        {
          name: 'side',
          image: BUSYBOX,
          imagePullPolicy: 'Never',
          command: ['sleep', '3600'],
          env: [{ name: 'WHO', value: 'side' }],
        },
      ],
    }),
  );
  await waitForPod(store, 'hello', running, { what: 'hello Running' });
  await waitForPod(store, 'pair', running, { what: 'pair Running' });
}, 60_000);

afterAll(async () => {
  await node.dispose();
  await pki?.dispose();
}, 60_000);

describe('exec mutation on a real node', () => {
  it('runs a command in the only container and returns what it printed', async () => {
    const { data, errors } = await exec({ name: 'hello', command: ['cat', '/etc/hostname'] });
    expect(errors).toBeUndefined();
    expect(data?.exec).toEqual({ stdout: 'hello\n', stderr: '', exitCode: 0, timedOut: false, truncated: false });
  });

  it('keeps stdout and stderr apart and returns the exit code', async () => {
    const { data } = await exec({ name: 'hello', command: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    expect(data?.exec).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false, truncated: false });
  });

  it('runs in the chosen container of a pod with several, and asks which one otherwise', async () => {
    const side = await exec({ name: 'pair', container: 'side', command: ['sh', '-c', 'echo $WHO'] });
    expect(side.data?.exec.stdout).toBe('side\n');
    const app = await exec({ name: 'pair', container: 'app', command: ['sh', '-c', 'echo $WHO'] });
    expect(app.data?.exec.stdout).toBe('app\n');
    expect(errorOf(await exec({ name: 'pair', command: ['true'] }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('choose one of: app, side'),
    });
    expect(errorOf(await exec({ name: 'pair', container: 'nope', command: ['true'] }))).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('container not found ("nope")'),
    });
  });

  it('cuts each stream at 1 MiB and says so', async () => {
    const { data } = await exec({ name: 'hello', command: ['sh', '-c', 'yes | head -c 1100000; echo done >&2'] });
    expect(data?.exec).toMatchObject({ stderr: 'done\n', exitCode: 0, truncated: true });
    expect(data?.exec.stdout).toHaveLength(1024 * 1024);
    expect(data?.exec.stdout.startsWith('y\ny\n')).toBe(true);
  });

  it('returns what a command printed before its timeout, without an exit code', async () => {
    const { data } = await exec({ name: 'hello', command: ['sh', '-c', 'echo started; sleep 30'], timeoutSeconds: 3 });
    expect(data?.exec).toEqual({ stdout: 'started\n', stderr: '', exitCode: null, timedOut: true, truncated: false });
  });

  it('refuses a viewer token with FORBIDDEN', async () => {
    expect(errorOf(await exec({ name: 'hello', command: ['true'] }, viewerToken))).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/role viewer.*may not run commands in containers.*admin/),
    });
  });

  it('answers NOT_FOUND for a missing pod and BAD_USER_INPUT for an empty command', async () => {
    expect(errorOf(await exec({ name: 'no-such-pod', command: ['true'] })).code).toBe('NOT_FOUND');
    expect(errorOf(await exec({ name: 'hello', command: [] }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('command: must name a program'),
    });
    expect(errorOf(await exec({ name: 'hello', command: ['true'], timeoutSeconds: 601 })).message).toMatch(
      /timeoutSeconds: must be a whole number of seconds from 1 to 600/,
    );
  });

  it('refuses a pod that is not scheduled yet and a completed one with CONFLICT', async () => {
    await node.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'unbound', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: HELLO }] },
    });
    expect(errorOf(await exec({ name: 'unbound', command: ['true'] }))).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining('not scheduled to a node yet'),
    });

    await node.store.create(
      'Pod',
      node.pod('done', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: BUSYBOX, imagePullPolicy: 'Never', command: ['true'] }],
      }),
    );
    await waitForPod(node.store, 'done', (pod) => pod.status?.phase === 'Succeeded', { what: 'done Succeeded' });
    expect(errorOf(await exec({ name: 'done', command: ['true'] }))).toEqual({
      code: 'CONFLICT',
      message: 'cannot exec into a container in a completed pod; current phase is Succeeded',
    });
  });
});
