import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerState } from '../src/api/types.ts';
import { dockerConfigJson } from '../src/cli/config-data.ts';
import { IMAGE_PULL_SECRETS_ANNOTATION } from '../src/resolvers/image-pull-secrets.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import { waitFor } from './support/store.ts';

/**
 * A real registry (Debian's docker-registry) on a loopback port with htpasswd (bcrypt) authentication, started by
 * this test with its own config and storage. Docker treats 127.0.0.0/8 registries as insecure, so plain HTTP works.
 * The image is pushed with credentials passed per call (X-Registry-Auth): nothing is written to ~/.docker.
 */
const run = promisify(execFile);
const docker = new Docker();
const USER = 'puller';
const PASSWORD = 'right-password-42';

let cluster: TestCluster;
let ns: string;
let dir: string;
let registry: ChildProcess | undefined;
let port: number;
let image: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: chosen } = server.address() as { port: number };
      server.close(() => resolve(chosen));
    });
  });
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err ?? output.find((o) => o.error);
      if (failed) reject(new Error(String((failed as { error?: string }).error ?? failed)));
      else resolve();
    });
  });
}

async function removeLocalImage(): Promise<void> {
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
}

function pullSecret(name: string, password: string): Promise<unknown> {
  const json = dockerConfigJson({ server: `127.0.0.1:${port}`, username: USER, password });
  return cluster.store.create('Secret', {
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(json).toString('base64') },
  });
}

function pod(name: string, secret?: string): Promise<unknown> {
  return cluster.store.create('Pod', {
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(secret ? { imagePullSecrets: [{ name: secret }] } : {}),
      containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
    },
  });
}

async function waitingOf(name: string): Promise<ContainerState['waiting']> {
  return waitFor(
    async () => {
      const p = await cluster.store.get('Pod', ns, name);
      const waiting = p.status?.containerStatuses?.[0]?.state.waiting;
      return waiting?.reason === 'ErrImagePull' || waiting?.reason === 'ImagePullBackOff' ? waiting : undefined;
    },
    { timeoutMs: 30_000, message: `pod ${name} failing to pull` },
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-registry-'));
  port = await freePort();
  image = `127.0.0.1:${port}/hello:v1`;
  const { stdout } = await run('htpasswd', ['-Bbn', USER, PASSWORD]);
  await writeFile(join(dir, 'htpasswd'), stdout);
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      'auth:',
      '  htpasswd:',
      '    realm: capstan-test',
      `    path: ${join(dir, 'htpasswd')}`,
      '',
    ].join('\n'),
  );
  registry = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
      return res?.status === 401 ? true : undefined;
    },
    { timeoutMs: 15_000, message: 'the registry asking for credentials' },
  );
  await docker.getImage('capstan/hello:latest').tag({ repo: `127.0.0.1:${port}/hello`, tag: 'v1' });
  const auth = { username: USER, password: PASSWORD, serveraddress: `127.0.0.1:${port}` };
  await drain(await docker.getImage(image).push({ authconfig: auth }));
  await removeLocalImage();

  cluster = await startTestCluster();
  ns = await cluster.namespace('e2e-registry');
}, 90_000);

afterAll(async () => {
  await cluster?.cleanup();
  await removeLocalImage();
  registry?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pulls from a private registry', () => {
  it('fails with the registry’s reason without credentials and with a wrong password', async () => {
    await pullSecret('wrong', 'not-the-password');
    await pod('no-secret');
    await pod('wrong-secret', 'wrong');
    const without = await waitingOf('no-secret');
    expect(without?.message).toMatch(/no basic auth credentials|unauthorized|authentication required/);
    const wrong = await waitingOf('wrong-secret');
    expect(wrong?.message).toMatch(/unauthorized|authentication required/);
    expect(wrong?.message).not.toContain('not-the-password');
    expect(
      await docker
        .getImage(image)
        .inspect()
        .catch(() => undefined),
    ).toBeUndefined();
  }, 60_000);

  it('pulls with the right Secret, here the namespace default (imagePullSecrets copied into the pod)', async () => {
    await pullSecret('regcred', PASSWORD);
    await cluster.store.mutate('Namespace', undefined, ns, (n) => {
      n.metadata.annotations = { ...n.metadata.annotations, [IMAGE_PULL_SECRETS_ANNOTATION]: 'regcred' };
      return n;
    });
    await pod('with-secret');
    expect((await cluster.store.get('Pod', ns, 'with-secret')).spec?.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    await waitFor(
      async () => {
        const p = await cluster.store.get('Pod', ns, 'with-secret');
        return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? true : undefined;
      },
      { timeoutMs: 45_000, message: 'the pod running from the pulled image' },
    );
    expect((await docker.getImage(image).inspect()).Id).toMatch(/^sha256:/);
  }, 60_000);
});
