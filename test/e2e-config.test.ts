import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import { main } from '../src/cli/main.ts';
import { UpdateConfigMapDocument } from '../src/sdk/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import { apply, execIn, waitForReadyPods } from './support/e2e-tools.ts';
import { REDIS_URL, waitFor } from './support/store.ts';

let cluster: TestCluster;
let ns: string;
let viewerToken: string;

const EXAMPLE = 'examples/multi-tier-config.yaml';
const PASSWORD = 'correct-horse-battery-staple';

/** Runs the CLI in process against the test cluster with `token` (default admin). */
async function capstan(
  args: string[],
  token = cluster.token,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const env = {
    CAPSTAN_SERVER: cluster.apiUrl,
    CAPSTAN_TOKEN: token,
    CAPSTAN_CONFIG: '/nonexistent/capstan-config',
    CAPSTAN_NAMESPACE: ns,
  };
  const code = await main(['node', 'capstan', '-n', ns, ...args], { stdout, stderr, stdin: new PassThrough(), env });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

async function frontendPod(): Promise<Pod> {
  const [pod] = await waitForReadyPods(cluster, ns, 'tier=frontend', 1);
  return pod!;
}

function ask(pod: Pod): Promise<string> {
  return execIn(ns, pod.metadata.name, 'frontend', ['sh', '-c', 'timeout 8 wget -q -O- http://127.0.0.1:80/']);
}

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.namespace('e2e-config');
  viewerToken = (await createToken(cluster.store, { role: 'viewer', ttlSeconds: 3600 })).token;
  await apply(cluster, ns, await readFile(EXAMPLE, 'utf8'));
  await waitForReadyPods(cluster, ns, 'tier=backend', 2);
}, 90_000);

afterAll(async () => {
  await cluster?.cleanup();
});

describe('ConfigMaps and Secrets on the real stack', () => {
  it('runs the two-tier example with its backend address from a ConfigMap and its password from a Secret', async () => {
    const pod = await frontendPod();
    const answer = await waitFor(
      async () => {
        const text = await ask(pod).catch(() => '');
        return /Server name:/.test(text) ? text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: 'an answer of the frontend quoting the backend' },
    );
    expect(answer).toContain(`called http://backend/ (password: ${PASSWORD.length} characters)`);
    expect(answer).toContain('Greeting: hello');
    expect((await execIn(ns, pod.metadata.name, 'frontend', ['sh', '-c', 'echo "$BACKEND_PASSWORD"'])).trim()).toBe(
      PASSWORD,
    );
  }, 60_000);

  it('brings a ConfigMap edit to the running pod’s mounted file; env stays as started, no restart', async () => {
    const pod = await frontendPod();
    await cluster.client.request(UpdateConfigMapDocument, {
      configMap: {
        metadata: { name: 'frontend-config', namespace: ns },
        data: [
          { key: 'backend-url', value: 'http://changed/' },
          { key: 'greeting', value: 'bonjour' },
        ],
      },
    });
    const started = Date.now();
    await waitFor(
      async () =>
        (await execIn(ns, pod.metadata.name, 'frontend', ['cat', '/etc/frontend/greeting'])) === 'bonjour'
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 500, message: 'the new greeting in the mounted file' },
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    // The swap is kubelet's: the visible file is a link into ..data, itself a link to a timestamped directory.
    const listing = await execIn(ns, pod.metadata.name, 'frontend', ['ls', '-la', '/etc/frontend/']);
    expect(listing).toMatch(/\.\.data -> \.\.\d{4}_\d\d_\d\d_/);
    expect(listing).toMatch(/greeting -> \.\.data\/greeting/);
    expect((await execIn(ns, pod.metadata.name, 'frontend', ['sh', '-c', 'echo "$BACKEND_URL"'])).trim()).toBe(
      'http://backend/',
    );
    expect(await ask(pod)).toContain('Greeting: bonjour');
    const now = await cluster.store.get('Pod', ns, pod.metadata.name);
    expect(now.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  }, 90_000);

  it('holds a pod whose Secret is missing in CreateContainerConfigError until it appears', async () => {
    await apply(
      cluster,
      ns,
      `
apiVersion: v1
kind: Pod
metadata:
  name: waits-for-secret
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: capstan/busybox:latest
      command: ["sleep", "3600"]
      env:
        - name: TOKEN
          valueFrom:
            secretKeyRef:
              name: late
              key: token
`,
    );
    const waiting = await waitFor(
      async () => {
        const pod = await cluster.store.get('Pod', ns, 'waits-for-secret');
        return pod.status?.containerStatuses?.[0]?.state.waiting;
      },
      { timeoutMs: 20_000, message: 'the pod waiting' },
    );
    expect(waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "late" not found' });
    expect((await capstan(['create', 'secret', 'generic', 'late', '--from-literal=token=t0k3n'])).code).toBe(0);
    await waitFor(
      async () => {
        const pod = await cluster.store.get('Pod', ns, 'waits-for-secret');
        return pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.ready ? true : undefined;
      },
      { timeoutMs: 30_000, message: 'the pod running once its Secret exists' },
    );
    expect((await execIn(ns, 'waits-for-secret', 'app', ['sh', '-c', 'echo "$TOKEN"'])).trim()).toBe('t0k3n');
  }, 60_000);

  it('shows Secrets in get and describe without their values', async () => {
    const table = await capstan(['get', 'secrets']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/frontend-credentials\s+kubernetes\.io\/basic-auth\s+2\s/);
    const described = await capstan(['describe', 'secret', 'frontend-credentials']);
    expect(described.stdout).toContain(`password:  ${PASSWORD.length} bytes`);
    expect(described.stdout + table.stdout).not.toContain(PASSWORD);
    const resources = await capstan(['api-resources']);
    expect(resources.stdout).toMatch(/configmaps\s+cm\s+v1\s+true\s+ConfigMap/);
    expect(resources.stdout).toMatch(/secrets\s+v1\s+true\s+Secret/);
  });

  it('refuses a viewer’s get secret -o yaml with FORBIDDEN; ConfigMaps stay readable', async () => {
    const secret = await capstan(['get', 'secret', 'frontend-credentials', '-o', 'yaml'], viewerToken);
    expect(secret.code).not.toBe(0);
    expect(secret.stderr).toMatch(/FORBIDDEN|forbidden|may not get secrets/);
    expect(secret.stdout + secret.stderr).not.toContain(PASSWORD);
    const list = await capstan(['get', 'secrets'], viewerToken);
    expect(list.code).not.toBe(0);
    const configMap = await capstan(['get', 'configmap', 'frontend-config', '-o', 'yaml'], viewerToken);
    expect(configMap.code).toBe(0);
    expect(configMap.stdout).toContain('greeting: bonjour');
  });

  it('keeps no plain value of a Secret anywhere in Redis', async () => {
    const redis = new Redis(REDIS_URL);
    const base64 = Buffer.from(PASSWORD).toString('base64');
    const found: string[] = [];
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${cluster.prefix}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          let values: string[] = [];
          if (type === 'string') values = [(await redis.get(key)) ?? ''];
          else if (type === 'hash') values = Object.values(await redis.hgetall(key));
          else if (type === 'zset') values = await redis.zrange(key, 0, -1);
          else if (type === 'set') values = await redis.smembers(key);
          else if (type === 'list') values = await redis.lrange(key, 0, -1);
          else if (type === 'stream')
            values = (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields as string[]);
          for (const value of values) if (value.includes(PASSWORD) || value.includes(base64)) found.push(key);
        }
      } while (cursor !== '0');
      const stored = await redis.hget(`${cluster.prefix}o:Secret:${ns}/frontend-credentials`, 'obj');
      expect(stored).toMatch(/^k8s:enc:aesgcm:v1:key1:/);
    } finally {
      redis.disconnect();
    }
    expect(found).toEqual([]);
  });
});
