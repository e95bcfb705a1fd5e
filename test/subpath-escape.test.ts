import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import type { Volume } from '../src/api/types.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import type { ContainerSpec, SandboxConfig, SandboxInfo } from '../src/node/runtime.ts';

// CVE-2017-1002101: a container of the pod turns a directory of a shared volume into a symbolic link to the host's
// root; a second container that mounts that directory with subPath must not see the host through it.

const node = `sp${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const namespace = `ns-${node}`;
const BUSYBOX = 'capstan/busybox:latest';
const DNS = { nameservers: ['10.96.0.10'], searches: [], options: [] };

let runtime: DockerRuntime;
let stateRoot: string;
/** A host directory outside every volume, holding a secret file the pod must not read. */
let hostSecretDir: string;
const SECRET = `host-secret-${randomUUID()}`;

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function newPod(name: string, volumes: Volume[]): SandboxConfig {
  return { node, uid: randomUUID(), namespace, name, hostIP: '127.0.0.1', ports: [], dns: DNS, volumes };
}

function busybox(name: string, script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image: BUSYBOX, command: ['sh', '-c', script], ...extra };
}

/** Runs a container to its end and returns its exit code and output. */
async function runToEnd(sandbox: SandboxInfo, spec: ContainerSpec): Promise<{ exitCode?: number; text: string }> {
  const id = await runtime.createContainer(sandbox, spec);
  await runtime.startContainer(id);
  const info = await waitFor(`container ${spec.name} to exit`, async () => {
    const c = await runtime.inspectContainer(id);
    return c.state === 'exited' ? c : undefined;
  });
  const lines: string[] = [];
  for await (const line of runtime.logs(id)) lines.push(line.text);
  return { exitCode: info.exitCode, text: lines.join('\n') };
}

/** The attack: the first container plants `link` in the volume, the second mounts `subPath` and reads the secret. */
async function attack(volumes: Volume[], plant: string, subPath: string) {
  const sandbox = await runtime.createSandbox(newPod(`attack-${Math.floor(Math.random() * 1e6)}`, volumes));
  const mount = [{ name: 'data', mountPath: '/data' }];
  const planted = await runToEnd(sandbox, busybox('planter', plant, { volumeMounts: mount }));
  expect(planted.exitCode).toBe(0);
  const reader = busybox('reader', `cat /escape${hostSecretDir}/secret || echo no-secret-here`, {
    volumeMounts: [{ name: 'data', mountPath: '/escape', subPath }],
  });
  try {
    const read = await runToEnd(sandbox, reader);
    return { sandbox, text: read.text, error: undefined };
  } catch (err) {
    return { sandbox, text: '', error: err };
  }
}

let savedUmask: number;

beforeAll(async () => {
  // A node agent started with umask 0 (as some service managers do) must still not make world-writable dirs.
  savedUmask = process.umask(0);
  stateRoot = await mkdtemp(join(tmpdir(), 'capstan-subpath-'));
  hostSecretDir = await mkdtemp(join(tmpdir(), 'capstan-host-secret-'));
  await writeFile(join(hostSecretDir, 'secret'), SECRET);
  runtime = new DockerRuntime({ stateRoot });
  for (let attempt = 0; ; attempt++) {
    const subnet = `10.252.${Math.floor(Math.random() * 256)}.0/24`;
    try {
      await runtime.ensureNodeNetwork({ node, subnet });
      break;
    } catch (err) {
      if (attempt >= 5 || !isCapstanError(err, 'CONFLICT')) throw err;
    }
  }
});

afterAll(async () => {
  process.umask(savedUmask);
  if (!runtime) return;
  for (const pod of await runtime.listPodContainers(node)) await runtime.removePod(pod.uid);
  await runtime.removeNodeNetwork(node);
  // The host's secret must have survived the removal of every pod (no delete through a mount).
  expect(await readFile(join(hostSecretDir, 'secret'), 'utf8')).toBe(SECRET);
  await rm(stateRoot, { recursive: true, force: true });
  await rm(hostSecretDir, { recursive: true, force: true });
});

describe('subPath mounts stay inside their volume', () => {
  it('refuses an emptyDir subPath that a container replaced with a symbolic link to /', async () => {
    const { sandbox, text, error } = await attack(
      [{ name: 'data', emptyDir: {} }],
      'mkdir -p /data/x && rm -rf /data/x && ln -s / /data/x',
      'x',
    );
    expect(text).not.toContain(SECRET);
    expect(error).toBeDefined();
    expect(String((error as Error).message)).toMatch(/subPath.*symbolic link/);
    await runtime.removePod(sandbox.uid);
  });

  it('refuses a subPath whose intermediate directory is a symbolic link', async () => {
    const { sandbox, text, error } = await attack(
      [{ name: 'data', emptyDir: {} }],
      'ln -s / /data/up',
      `up${hostSecretDir}`,
    );
    expect(text).not.toContain(SECRET);
    expect(error).toBeDefined();
    await runtime.removePod(sandbox.uid);
  });

  it('refuses the same escape through a hostPath volume', async () => {
    const hostDir = await mkdtemp(join(tmpdir(), 'capstan-subpath-host-'));
    try {
      const { sandbox, text, error } = await attack(
        [{ name: 'data', hostPath: { path: hostDir } }],
        'ln -s / /data/x',
        'x',
      );
      expect(text).not.toContain(SECRET);
      expect(error).toBeDefined();
      await runtime.removePod(sandbox.uid);
    } finally {
      await rm(hostDir, { recursive: true, force: true });
    }
  });

  it('mounts a plain subPath, creates missing directories 0755, and removes the pod without touching its source', async () => {
    const hostDir = await mkdtemp(join(tmpdir(), 'capstan-subpath-host-'));
    try {
      await mkdir(join(hostDir, 'kept'));
      await writeFile(join(hostDir, 'kept', 'file'), 'kept');
      const volumes: Volume[] = [
        { name: 'scratch', emptyDir: {} },
        { name: 'host', hostPath: { path: hostDir } },
      ];
      const sandbox = await runtime.createSandbox(newPod('plain', volumes));
      const out = await runToEnd(
        sandbox,
        busybox('app', 'echo written > /made/f && cat /made/f /kept/file', {
          volumeMounts: [
            { name: 'scratch', mountPath: '/made', subPath: 'a/b' },
            { name: 'host', mountPath: '/kept', subPath: 'kept' },
          ],
        }),
      );
      expect(out.exitCode).toBe(0);
      expect(out.text).toContain('written');
      expect(out.text).toContain('kept');
      const volume = join(stateRoot, 'pods', sandbox.uid, 'volumes', 'scratch');
      expect(statSync(join(volume, 'a')).mode & 0o777).toBe(0o755);
      expect(statSync(join(volume, 'a', 'b')).mode & 0o777).toBe(0o755);
      expect(await readFile(join(volume, 'a', 'b', 'f'), 'utf8')).toBe('written\n');
      await runtime.removePod(sandbox.uid);
      expect(existsSync(join(stateRoot, 'pods', sandbox.uid))).toBe(false);
      expect(await readFile(join(hostDir, 'kept', 'file'), 'utf8')).toBe('kept');
    } finally {
      await rm(hostDir, { recursive: true, force: true });
    }
  });
});

describe('hostPath mounts and container privileges', () => {
  it('refuses a hostPath through a link that an earlier pod planted under an allowed directory', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'capstan-hostpath-'));
    try {
      const first = await runtime.createSandbox(newPod('planter', [{ name: 'data', hostPath: { path: shared } }]));
      const planted = await runToEnd(
        first,
        busybox('planter', 'ln -s / /data/evil', { volumeMounts: [{ name: 'data', mountPath: '/data' }] }),
      );
      expect(planted.exitCode).toBe(0);
      const second = await runtime.createSandbox(
        newPod('victim', [{ name: 'data', hostPath: { path: join(shared, 'evil'), type: 'Directory' } }]),
      );
      const reader = busybox('reader', `cat /escape${hostSecretDir}/secret`, {
        volumeMounts: [{ name: 'data', mountPath: '/escape' }],
      });
      await expect(runtime.createContainer(second, reader)).rejects.toThrow(/symbolic link/);
      await runtime.removePod(first.uid);
      await runtime.removePod(second.uid);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('runs app containers with no-new-privileges and without NET_RAW', async () => {
    const sandbox = await runtime.createSandbox(newPod('privs', []));
    const out = await runToEnd(sandbox, busybox('app', 'grep -E "^(NoNewPrivs|CapEff)" /proc/self/status'));
    expect(out.text).toMatch(/NoNewPrivs:\s+1/);
    const capEff = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(out.text)![1]}`);
    const NET_RAW = 13n;
    expect((capEff >> NET_RAW) & 1n).toBe(0n);
    await runtime.removePod(sandbox.uid);
  });
});
