import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError, isCapstanError } from '../src/api/errors.ts';
import type { Volume } from '../src/api/types.ts';
import { DockerRuntime } from '../src/node/docker-runtime.ts';
import { runProbe } from '../src/node/probes.ts';
import { ImagePullError, containerSpecHash } from '../src/node/runtime.ts';
import type { ContainerSpec, LogLine, NodeNetwork, SandboxConfig, SandboxInfo } from '../src/node/runtime.ts';

const node = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const namespace = `ns-${node}`;
const BUSYBOX = 'capstan/busybox:latest';
const HELLO = 'capstan/hello:latest';
const DNS = {
  nameservers: ['10.96.0.10'],
  searches: [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'],
  options: ['ndots:5'],
};

let runtime: DockerRuntime;
let stateRoot: string;
let network: NodeNetwork;
const claims = new Set<string>();

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function newPod(name: string, extra: Partial<SandboxConfig> = {}): SandboxConfig {
  return { node, uid: randomUUID(), namespace, name, hostIP: '127.0.0.1', ports: [], dns: DNS, ...extra };
}

function busybox(name: string, script: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image: BUSYBOX, command: ['sh', '-c', script], ...extra };
}

async function run(sandbox: SandboxInfo, spec: ContainerSpec): Promise<string> {
  const id = await runtime.createContainer(sandbox, spec);
  await runtime.startContainer(id);
  return id;
}

async function waitExited(id: string): Promise<number | undefined> {
  const info = await waitFor(`container ${id} to exit`, async () => {
    const c = await runtime.inspectContainer(id);
    return c.state === 'exited' ? c : undefined;
  });
  return info.exitCode;
}

async function logText(id: string): Promise<string> {
  const lines: string[] = [];
  for await (const line of runtime.logs(id)) lines.push(line.text);
  return lines.join('\n');
}

beforeAll(async () => {
  stateRoot = await mkdtemp(join(tmpdir(), 'capstan-runtime-'));
  runtime = new DockerRuntime({ stateRoot });
  // Other test runs may hold a subnet; try a few random ones in a range nothing else here uses.
  for (let attempt = 0; ; attempt++) {
    const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0/24`;
    try {
      network = await runtime.ensureNodeNetwork({ node, subnet });
      break;
    } catch (err) {
      if (attempt >= 5 || !isCapstanError(err, 'CONFLICT')) throw err;
    }
  }
});

afterAll(async () => {
  if (!runtime) return;
  for (const pod of await runtime.listPodContainers(node)) await runtime.removePod(pod.uid);
  for (const claim of claims) await runtime.removeClaimVolume(namespace, claim);
  await runtime.removeNodeNetwork(node);
  await rm(stateRoot, { recursive: true, force: true });
});

describe('DockerRuntime node network', () => {
  it('sets the node network up idempotently, on a bridge of its own with a Linux-sized name', async () => {
    const again = await runtime.ensureNodeNetwork({ node, subnet: network.subnet });
    expect(again).toEqual(network);
    expect(network.name).toMatch(/^capbr-[0-9a-f]{8}$/);
    expect(network.name.length).toBeLessThanOrEqual(15);
    expect(network.gateway).toMatch(/^10\.\d+\.\d+\.1$/);
    await expect(runtime.ensureNodeNetwork({ node, subnet: '10.199.255.0' })).rejects.toMatchObject({
      code: 'INVALID',
    });
  });
});

describe('DockerRuntime pod with a web server and a client', () => {
  let sandbox: SandboxInfo;
  let helloId: string;
  let clientId: string;
  let sidecarId: string;
  const hello: ContainerSpec = { name: 'hello', image: HELLO };

  beforeAll(async () => {
    sandbox = await runtime.createSandbox(newPod('web', { ports: [{ containerPort: 80 }] }));
    helloId = await run(sandbox, hello);
    sidecarId = await run(sandbox, busybox('sidecar', 'sleep 1000'));
    clientId = await run(
      sandbox,
      busybox('client', 'until timeout 2 wget -q -O- http://127.0.0.1:80/from-client; do sleep 0.2; done'),
    );
  });

  it('lets containers of one pod talk over localhost and names the pod host after the pod', async () => {
    expect(await waitExited(clientId)).toBe(0);
    const out = await logText(clientId);
    expect(out).toContain('Server name: web');
    expect(out).toContain('Request URI: /from-client');
  });

  it('serves the container port on the pod IP, routed from the node, and publishes nothing without a hostPort', async () => {
    expect(sandbox.hostPorts).toEqual([]);
    const body = await waitFor('the pod IP to answer', async () => {
      try {
        const res = await fetch(`http://${sandbox.podIP}:80/from-host`, { signal: AbortSignal.timeout(2000) });
        return await res.text();
      } catch {
        return undefined;
      }
    });
    expect(body).toContain('Request URI: /from-host');
    expect(body).toContain(`Server address: ${sandbox.podIP}:80`);
  });

  it('gives the pod the resolv.conf and hosts file it was configured with', async () => {
    const resolv = await runtime.exec(sidecarId, ['cat', '/etc/resolv.conf'], 5000);
    expect(resolv.output).toContain('nameserver 10.96.0.10');
    expect(resolv.output).toContain(`search ${namespace}.svc.cluster.local svc.cluster.local cluster.local`);
    expect(resolv.output).toContain('options ndots:5');
    const hosts = await runtime.exec(sidecarId, ['cat', '/etc/hosts'], 5000);
    expect(hosts.output).toMatch(new RegExp(`${sandbox.podIP.replace(/\./g, '\\.')}\\s+web`));
  });

  it('execs a command and returns its exit code and output, or a timeout', async () => {
    const result = await runtime.exec(sidecarId, ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'], 5000);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    expect(result.output).toContain('to-out');
    expect(result.output).toContain('to-err');
    const started = Date.now();
    const slow = await runtime.exec(sidecarId, ['sleep', '5'], 300);
    expect(slow).toMatchObject({ exitCode: null, timedOut: true });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('runs httpGet, tcpSocket and exec probes', async () => {
    const port = 80;
    const target = { podIP: sandbox.podIP, containerId: sidecarId, ports: [{ name: 'web', containerPort: port }] };
    const exec = runtime.exec.bind(runtime);
    expect(await runProbe({ httpGet: { port: 'web', path: '/healthz' } }, target, exec)).toMatchObject({
      success: true,
    });
    expect(await runProbe({ tcpSocket: { port } }, target, exec)).toMatchObject({ success: true });
    expect(await runProbe({ exec: { command: ['test', '-f', '/etc/hosts'] } }, target, exec)).toMatchObject({
      success: true,
    });
    expect(await runProbe({ exec: { command: ['test', '-f', '/nope'] } }, target, exec)).toMatchObject({
      success: false,
    });
  });

  it('lists the pod with its sandbox, containers, states, pod IP and port mappings', async () => {
    await waitExited(clientId);
    const pods = await runtime.listPodContainers(node);
    const pod = pods.find((p) => p.uid === sandbox.uid);
    expect(pod).toMatchObject({ namespace, name: 'web' });
    expect(pod!.sandbox).toMatchObject({ id: sandbox.id, name: 'POD', state: 'running', podIP: sandbox.podIP });
    expect(pod!.sandbox!.hostPorts).toEqual(sandbox.hostPorts);
    const byName = Object.fromEntries(pod!.containers.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['client', 'hello', 'sidecar']);
    expect(byName['hello']).toMatchObject({
      id: helloId,
      state: 'running',
      specHash: containerSpecHash(hello),
      restartCount: 0,
    });
    expect(byName['hello']!.startedAt).toBeDefined();
    expect(byName['client']).toMatchObject({ state: 'exited', exitCode: 0, oomKilled: false });
    expect(byName['client']!.finishedAt).toBeDefined();
    expect(pods.every((p) => p.uid !== sandbox.uid || p.containers.every((c) => c.podUid === sandbox.uid))).toBe(true);
  });

  it('lists what the caller knows of a container in the state it knew, and inspects the others', async () => {
    await waitExited(clientId);
    const first = (await runtime.listPodContainers(node)).find((p) => p.uid === sandbox.uid)!;
    const helloInfo = first.containers.find((c) => c.id === helloId)!;
    const clientInfo = first.containers.find((c) => c.id === clientId)!;
    const known = new Map([
      [helloId, { ...helloInfo, image: 'as-known' }],
      [clientId, { ...clientInfo, state: 'running' as const, image: 'stale' }],
      [sandbox.id, { ...first.sandbox!, podIP: '10.0.0.99' }],
    ]);
    const again = (await runtime.listPodContainers(node, (id) => known.get(id))).find((p) => p.uid === sandbox.uid)!;
    expect(again.containers.find((c) => c.id === helloId)?.image).toBe('as-known');
    expect(again.containers.find((c) => c.id === clientId)).toMatchObject({ state: 'exited', image: BUSYBOX });
    expect(again.sandbox).toMatchObject({ id: sandbox.id, podIP: '10.0.0.99', hostPorts: sandbox.hostPorts });
  });
});

describe('DockerRuntime sandbox created in two steps', () => {
  it('creates app containers before the sandbox starts, and they run in its network with its hosts file', async () => {
    const prepared = await runtime.prepareSandbox(newPod('early', { ports: [{ containerPort: 80 }] }));
    expect((await runtime.inspectContainer(prepared.id)).state).toBe('created');
    const helloId = await runtime.createContainer(prepared, { name: 'hello', image: HELLO });
    const clientId = await runtime.createContainer(
      prepared,
      busybox('client', 'cat /etc/hosts; until timeout 2 wget -q -O- http://127.0.0.1:80/early; do sleep 0.2; done'),
    );
    const sandbox = await runtime.startSandbox(prepared);
    expect(sandbox).toMatchObject({ id: prepared.id, uid: prepared.uid, name: 'early' });
    await runtime.startContainer(helloId);
    await runtime.startContainer(clientId);
    expect(await waitExited(clientId)).toBe(0);
    const out = await logText(clientId);
    expect(out).toMatch(new RegExp(`${sandbox.podIP.replace(/\./g, '\\.')}\\s+early`));
    expect(out).toContain(`Server address: ${sandbox.podIP}:80`);
    expect(out).toContain('Request URI: /early');
    await runtime.removePod(sandbox.uid);
  });

  it('removes a sandbox that cannot start, and names a missing sandbox image', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const prepared = await runtime.prepareSandbox(
        newPod('blocked', { ports: [{ containerPort: 80, hostPort: port }] }),
      );
      await expect(runtime.startSandbox(prepared)).rejects.toBeInstanceOf(CapstanError);
      await expect(runtime.inspectContainer(prepared.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const noPause = new DockerRuntime({ stateRoot, pauseImage: `capstan/absent-${node}:1` });
    await expect(noPause.prepareSandbox(newPod('nopause'))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`sandbox image capstan/absent-${node}:1 is missing`),
    });
  });
});

describe('DockerRuntime volumes', () => {
  it('shares an emptyDir between the containers of a pod and removes it with the pod', async () => {
    const volumes: Volume[] = [{ name: 'shared', emptyDir: {} }];
    const sandbox = await runtime.createSandbox(newPod('share', { volumes }));
    const mount = [{ name: 'shared', mountPath: '/data' }];
    await run(sandbox, busybox('writer', 'echo hello-from-writer > /data/msg; sleep 1000', { volumeMounts: mount }));
    const reader = await run(
      sandbox,
      busybox('reader', 'until cat /data/msg; do sleep 0.1; done', { volumeMounts: mount }),
    );
    expect(await waitExited(reader)).toBe(0);
    expect(await logText(reader)).toContain('hello-from-writer');
    const dir = join(stateRoot, 'pods', sandbox.uid, 'volumes', 'shared');
    expect(existsSync(join(dir, 'msg'))).toBe(true);
    await runtime.removePod(sandbox.uid);
    expect(existsSync(dir)).toBe(false);
    expect((await runtime.listPodContainers(node)).some((p) => p.uid === sandbox.uid)).toBe(false);
  });

  it('keeps PVC data after the pod is removed and shows it to a new pod with the same claim', async () => {
    const claimName = `data-${node}`;
    claims.add(claimName);
    const volumes: Volume[] = [{ name: 'store', persistentVolumeClaim: { claimName } }];
    const mount = [{ name: 'store', mountPath: '/store' }];
    const first = await runtime.createSandbox(newPod('pvc-a', { volumes }));
    const writer = await run(first, busybox('writer', 'echo kept-across-pods > /store/file', { volumeMounts: mount }));
    expect(await waitExited(writer)).toBe(0);
    await runtime.removePod(first.uid);

    const second = await runtime.createSandbox(newPod('pvc-b', { volumes }));
    const reader = await run(second, busybox('reader', 'cat /store/file', { volumeMounts: mount }));
    expect(await waitExited(reader)).toBe(0);
    expect(await logText(reader)).toContain('kept-across-pods');
    await runtime.removePod(second.uid);
  });

  it('passes cpu and memory limits to Docker', async () => {
    const sandbox = await runtime.createSandbox(newPod('limits'));
    const id = await runtime.createContainer(
      sandbox,
      busybox('app', 'true', { resources: { limits: { cpu: '500m', memory: '64Mi' } } }),
    );
    const info = await runtime.client.getContainer(id).inspect();
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.Init).toBe(true);
    await runtime.removePod(sandbox.uid);
  });
});

describe('DockerRuntime stop, logs and events', () => {
  it('stops at once a container that handles TERM and waits out the grace for one that ignores it', async () => {
    const sandbox = await runtime.createSandbox(newPod('stopper'));
    const plain = await run(sandbox, busybox('plain', 'exec sleep 1000'));
    const ignoring = await run(sandbox, busybox('ignoring', 'trap "" TERM; echo ready; sleep 1000'));
    const trapping = await run(
      sandbox,
      busybox('trapping', 'trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done'),
    );
    // TERM before the shell has set its trap would test nothing: wait until both say they are ready.
    for (const id of [ignoring, trapping])
      await waitFor('the trap to be set', async () => (await logText(id)) === 'ready');

    let started = Date.now();
    await runtime.stopContainer(plain, 10);
    expect(Date.now() - started).toBeLessThan(3000);

    started = Date.now();
    await runtime.stopContainer(trapping, 10);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await runtime.inspectContainer(trapping)).toMatchObject({ state: 'exited', exitCode: 0 });

    started = Date.now();
    await runtime.stopContainer(ignoring, 2);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(10_000);
    expect(await runtime.inspectContainer(ignoring)).toMatchObject({ state: 'exited', exitCode: 137 });
    await runtime.stopContainer(ignoring, 2);
    await runtime.removePod(sandbox.uid);
  });

  it('reads logs with tail and follows new lines until cancelled', async () => {
    const sandbox = await runtime.createSandbox(newPod('talker'));
    // Docker copies stdout and stderr separately, so their relative order is only fixed across a sync point.
    const script = [
      'echo oops >&2',
      'until [ -f /tmp/lines ]; do sleep 0.1; done',
      'for i in 1 2 3 4 5; do echo line$i; done',
      'until [ -f /tmp/go ]; do sleep 0.1; done',
      'echo late',
      'sleep 1000',
    ].join('; ');
    const id = await run(sandbox, busybox('app', script));
    const all = async (): Promise<LogLine[]> => {
      const lines: LogLine[] = [];
      for await (const line of runtime.logs(id)) lines.push(line);
      return lines;
    };
    await waitFor('the stderr line', async () => (await all()).length === 1);
    expect(await all()).toEqual([{ stream: 'stderr', text: 'oops' }]);
    await runtime.exec(id, ['touch', '/tmp/lines'], 5000);
    await waitFor('six log lines', async () => (await all()).length >= 6);
    const tail: LogLine[] = [];
    for await (const line of runtime.logs(id, { tailLines: 2, timestamps: true })) tail.push(line);
    expect(tail.map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:line4', 'stdout:line5']);
    expect(tail[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    const abort = new AbortController();
    const seen: string[] = [];
    const follower = (async () => {
      for await (const line of runtime.logs(id, { follow: true, tailLines: 1, signal: abort.signal })) {
        seen.push(line.text);
        if (line.text === 'late') abort.abort();
      }
    })();
    await waitFor('the follower to see the tail', async () => seen.includes('line5'));
    await runtime.exec(id, ['touch', '/tmp/go'], 5000);
    await waitFor('the follower to end after cancel', async () => {
      await Promise.race([follower, new Promise((r) => setTimeout(r, 100))]);
      return abort.signal.aborted && seen.includes('late');
    });
    await follower;
    expect(seen).toEqual(['line5', 'late']);
    await runtime.removePod(sandbox.uid);
  });

  it('reports die events of the node containers with the exit code', async () => {
    const abort = new AbortController();
    const sandbox = await runtime.createSandbox(newPod('dier'));
    const events = runtime.events(node, abort.signal)[Symbol.asyncIterator]();
    const first = events.next();
    const id = await run(sandbox, busybox('app', 'exit 7'));
    let event = (await first).value;
    while (event && !(event.type === 'die' && event.containerId === id)) event = (await events.next()).value;
    expect(event).toMatchObject({ type: 'die', podUid: sandbox.uid, containerName: 'app', exitCode: 7 });
    abort.abort();
    await events.return(undefined);
    await runtime.removePod(sandbox.uid);
  });
});

describe('DockerRuntime images and errors', () => {
  it('uses local images and fails missing ones with typed, bounded errors', async () => {
    expect(await runtime.imagePresent(BUSYBOX)).toBe(true);
    expect(await runtime.ensureImage(BUSYBOX, 'IfNotPresent')).toMatchObject({
      pulled: false,
      id: expect.stringMatching(/^sha256:/),
    });
    expect(await runtime.ensureImage(BUSYBOX, 'Always')).toMatchObject({ pulled: false });
    const started = Date.now();
    const missing = '127.0.0.1:5999/missing:1';
    expect(await runtime.imagePresent(missing)).toBe(false);
    const pullError = await runtime.ensureImage(missing, 'IfNotPresent').catch((e: unknown) => e);
    expect(pullError).toBeInstanceOf(ImagePullError);
    expect(pullError).toMatchObject({ reason: 'ErrImagePull', code: 'UNAVAILABLE', image: missing });
    expect(Date.now() - started).toBeLessThan(15_000);
    await expect(runtime.ensureImage(missing, 'Never')).rejects.toMatchObject({ reason: 'ErrImageNeverPull' });
    await expect(runtime.ensureImage('Bad Name!', 'IfNotPresent')).rejects.toMatchObject({
      reason: 'InvalidImageName',
    });
    // No registry host and not local: refused without the engine asking Docker Hub.
    await expect(runtime.ensureImage(`capstan/absent-${node}:1`, 'IfNotPresent')).rejects.toMatchObject({
      reason: 'ErrImagePull',
    });
  });

  it('publishes a fixed hostPort', async () => {
    const port = await freePort();
    const sandbox = await runtime.createSandbox(newPod('fixed', { ports: [{ containerPort: 8080, hostPort: port }] }));
    await run(sandbox, { name: 'hello', image: HELLO, env: [{ name: 'PORT', value: '8080' }] });
    expect(sandbox.hostPorts).toEqual([{ containerPort: 8080, protocol: 'TCP', hostIP: '127.0.0.1', hostPort: port }]);
    const body = await waitFor('the fixed port to answer', () =>
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.text(),
        () => undefined,
      ),
    );
    expect(body).toContain('Server name: fixed');
    await runtime.removePod(sandbox.uid);
  });

  it('reports an unreachable engine as UNAVAILABLE and an unknown container as NOT_FOUND', async () => {
    expect((await runtime.version()).runtimeVersion).toMatch(/^docker:\/\/\d+\./);
    const down = new DockerRuntime({ docker: { socketPath: join(stateRoot, 'no-such.sock') }, stateRoot });
    const err = await down.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CapstanError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });
    await expect(down.listPodContainers(node)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(runtime.inspectContainer('0123456789ab-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await runtime.stopContainer('0123456789ab-nope', 1);
    await runtime.removeContainer('0123456789ab-nope');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
