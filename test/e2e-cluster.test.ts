import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../src/node/runtime.ts';
import { waitFor } from './support/store.ts';
import { startTestBed, type TestBed } from './support/test-bed.ts';

// The seed's walkthrough on three real hosts of the test bed (`npm run cluster -- up --nodes 3`): each host a
// network namespace with its own Docker engine and `capstan node`, joined over the bed's LAN. Everything goes
// through the capstan CLI from this machine and commands run on the hosts, as a user would do it.

interface PodJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

// Generous: the CLI starts a process per command, and the machine's two cores are shared.
const STEP_TIMEOUT_MS = 240_000;

let bed: TestBed | undefined;
const MESH_FILE = join(tmpdir(), `capstan-e2e-cluster-${process.pid}.yaml`);

function theBed(): TestBed {
  if (!bed) throw new Error('the test bed did not start');
  return bed;
}

async function pods(selector: string): Promise<PodJson[]> {
  const out = await theBed().capstanOk(['get', 'pods', '-l', selector, '-o', 'json']);
  return (JSON.parse(out) as { items: PodJson[] }).items;
}

const ready = (pod: PodJson): boolean =>
  pod.status?.phase === 'Running' &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

function waitForReadyPods(selector: string, count: number, timeoutMs = 90_000): Promise<PodJson[]> {
  return waitFor(
    async () => {
      const list = await pods(selector);
      return list.length === count && list.every(ready) ? list : undefined;
    },
    { timeoutMs, intervalMs: 1_000, message: `${count} ready pods with ${selector}` },
  );
}

/** The project's pod containers (sandboxes included) on host `index`'s engine. */
async function podContainers(index: number): Promise<string[]> {
  const result = await theBed().exec(index, ['docker', 'ps', '-aq', '--filter', `label=${LABELS.podName}`]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

/** GET `url` with curl inside host `index`'s namespace; the body, or undefined when it failed. */
async function curlOnHost(index: number, url: string): Promise<string | undefined> {
  const result = await theBed().exec(index, ['curl', '-s', '-m', '3', url], { timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout : undefined;
}

beforeAll(async () => {
  bed = await startTestBed({ nodes: 3 });
}, 300_000);

afterAll(async () => {
  if (!bed) return;
  await bed.capstan(['delete', 'deployment', 'hello-world', '--ignore-not-found']);
  await bed.capstan(['delete', 'service', 'hello-service', '--ignore-not-found']);
  await bed.capstan(['delete', '-f', MESH_FILE, '--ignore-not-found']);
  await rm(MESH_FILE, { force: true });
  await bed.release();
}, 180_000);

describe('the seed walkthrough across three hosts of the test bed', { timeout: STEP_TIMEOUT_MS }, () => {
  it('has three Ready nodes, one per host, each at its LAN address', async () => {
    const out = await theBed().capstanOk(['get', 'nodes', '-o', 'json']);
    const nodes = (
      JSON.parse(out) as {
        items: { metadata: { name: string }; status: { addresses?: { type: string; address: string }[] } }[];
      }
    ).items;
    const byName = Object.fromEntries(
      nodes.map((n) => [n.metadata.name, n.status.addresses?.find((a) => a.type === 'InternalIP')?.address]),
    );
    expect(byName).toMatchObject({ h0: '10.123.0.10', h1: '10.123.0.11', h2: '10.123.0.12' });
  });

  it('runs hello-world, scales it to three replicas spread over the three hosts, each on its own engine', async () => {
    await theBed().capstanOk(['run', 'hello-world', '--image=capstan/hello', '--port=80']);
    await waitForReadyPods('run=hello-world', 1);
    await theBed().capstanOk(['scale', 'deployment', 'hello-world', '--replicas=3']);
    const running = await waitForReadyPods('run=hello-world', 3);
    expect(running.map((p) => p.spec.nodeName).sort()).toEqual(['h0', 'h1', 'h2']);
    // Each host's own engine runs the pod bound to it (sandbox and app container), and only that one.
    for (const index of [0, 1, 2]) {
      const pod = running.find((p) => p.spec.nodeName === `h${index}`)!;
      const names = await theBed().exec(index, ['docker', 'ps', '--format', '{{.Label "' + LABELS.podName + '"}}']);
      expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual([pod.metadata.name, pod.metadata.name]);
    }
  });

  it('exposes it as a NodePort that answers from a host over the LAN', async () => {
    const exposed = await theBed().capstanOk([
      'expose',
      'deployment',
      'hello-world',
      '--type=NodePort',
      '--name=hello-service',
    ]);
    const nodePort = Number(/80:(\d+)\/TCP/.exec(exposed)?.[1]);
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const names = (await pods('run=hello-world')).map((p) => p.metadata.name);
    // From host h2, the NodePort of host h1: answered by one of the deployment's pods.
    const body = await waitFor(() => curlOnHost(2, `http://${theBed().host(1).address}:${nodePort}/`), {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: `an answer on h1's NodePort ${nodePort}`,
    });
    const server = /Server name: (\S+)/.exec(body)?.[1];
    expect(names).toContain(server);
  });

  it('deletes the deployment and the service: no pod and no container is left on any host', async () => {
    await theBed().capstanOk(['delete', 'service', 'hello-service']);
    await theBed().capstanOk(['delete', 'deployment', 'hello-world']);
    await waitFor(async () => (await pods('run=hello-world')).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      message: 'the pods of hello-world to go',
    });
    for (const index of [0, 1, 2]) {
      await waitFor(async () => (await podContainers(index)).length === 0, {
        timeoutMs: 30_000,
        intervalMs: 500,
        message: `no pod containers on h${index}`,
      });
    }
  });
});

/**
 * Three peers, one pinned to each host, answering on 9000 with the server side's own view of its connections
 * (`netstat -tn` run per connection), so a client reads which address the server saw it come from; a headless
 * Service over them; and `solo`, a hello server that runs only on h2, behind a NodePort Service.
 */
const MESH = [0, 1, 2]
  .map(
    (i) => `apiVersion: v1
kind: Pod
metadata:
  name: mesh-${i}
  labels: { app: mesh }
spec:
  nodeSelector: { kubernetes.io/hostname: h${i} }
  containers:
    - name: peer
      image: capstan/busybox
      command: ['sh', '-c', 'trap "exit 0" TERM; nc -ll -p 9000 -e netstat -tn & wait']
      ports: [{ containerPort: 9000 }]
`,
  )
  .concat(
    `apiVersion: v1
kind: Service
metadata: { name: mesh }
spec:
  clusterIP: None
  selector: { app: mesh }
  ports: [{ port: 9000 }]
`,
    `apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels: { app: solo }
spec:
  nodeSelector: { kubernetes.io/hostname: h2 }
  containers:
    - name: hello
      image: capstan/hello
      ports: [{ containerPort: 80 }]
`,
    `apiVersion: v1
kind: Service
metadata: { name: solo }
spec:
  type: NodePort
  selector: { app: solo }
  ports: [{ port: 80 }]
`,
  )
  .join('---\n');

/** What a host's network looks like apart from its pods: veths, addresses, routes, FDB entries, IPAM leases. */
async function networkOf(index: number): Promise<Record<string, string[]>> {
  const lines = async (command: string[]): Promise<string[]> => {
    const result = await theBed().exec(index, command);
    expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter(Boolean)
      .sort();
  };
  const leases = (await readdir(join(theBed().host(index).dataDir, 'node'), { recursive: true }).catch(() => []))
    .map(String)
    .filter((f) => /(^|\/)\d+\.\d+\.\d+\.\d+$/.test(f));
  return {
    veths: (await lines(['ip', '-o', 'link', 'show', 'type', 'veth'])).map((l) => l.split(' ')[1]!),
    addresses: await lines(['ip', '-o', '-4', 'addr', 'show']),
    // A bridge whose last port lost carrier before it was deleted stays NO-CARRIER, and its routes read `linkdown`,
    // while a bridge whose ports were removed up does not: carrier is the kernel's state of the link, not a leak.
    routes: (await lines(['ip', 'route', 'show', 'table', 'all'])).map((l) => l.replace(/ linkdown\b/, '')),
    fdb: await lines(['bridge', 'fdb', 'show']),
    leases: leases.sort(),
  };
}

async function podsByName(selector: string): Promise<Map<string, PodJson>> {
  return new Map((await pods(selector)).map((p) => [p.metadata.name, p]));
}

/** `capstan exec POD -- sh -c SCRIPT` on whichever host the pod runs; its stdout. */
function inPod(pod: string, script: string): Promise<string> {
  return theBed().capstanOk(['exec', pod, '--', 'sh', '-c', script]);
}

describe('a flat pod network across the three hosts', { timeout: STEP_TIMEOUT_MS }, () => {
  let before: Record<string, string[]>[] = [];
  let mesh = new Map<string, PodJson>();

  beforeAll(async () => {
    // After the walkthrough deleted its pods: each host's network without pods, to compare with at the end.
    before = await Promise.all([0, 1, 2].map(networkOf));
    await writeFile(MESH_FILE, MESH);
    await theBed().capstanOk(['apply', '-f', MESH_FILE]);
    await waitForReadyPods('app=mesh', 3);
    await waitForReadyPods('app=solo', 1);
    mesh = await podsByName('app=mesh');
  }, STEP_TIMEOUT_MS);

  it('reaches every pod from every other host by its pod IP, and the server sees the client pod’s own IP', async () => {
    for (const [name, client] of mesh) {
      expect(client.spec.nodeName).toBe(`h${name.slice(-1)}`);
      const peers = [...mesh.values()].filter((p) => p !== client).map((p) => p.status!.podIP!);
      const out = await inPod(name, peers.map((ip) => `timeout 5 nc ${ip} 9000 </dev/null`).join('; '));
      for (const peer of peers) {
        // The server's netstat line for this (still open) connection: local <peer>:9000, foreign <client pod IP>:<port>.
        const seen = new RegExp(
          `${peer.replace(/\./g, '\\.')}:9000\\s+(?:::ffff:)?(\\d+\\.\\d+\\.\\d+\\.\\d+):\\d+\\s+(?:ESTABLISHED|CLOSE_WAIT)`,
        );
        expect(seen.exec(out)?.[1], `${name} -> ${peer}:\n${out}`).toBe(client.status!.podIP);
      }
    }
  });

  it('resolves the headless Service to the three pod IPs and connects by that name', async () => {
    const ips = [...mesh.values()].map((p) => p.status!.podIP!).sort();
    const lookup = await inPod('mesh-0', 'nslookup mesh.default.svc.cluster.local');
    const answered = [...lookup.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)(?!:)\s*$/gm)].map((m) => m[1]!);
    expect(answered.filter((ip) => ips.includes(ip)).sort()).toEqual(ips);
    const out = await inPod('mesh-0', 'timeout 5 nc mesh.default.svc.cluster.local 9000 </dev/null');
    expect(out).toContain(`${mesh.get('mesh-0')!.status!.podIP}:`);
  });

  it('reaches a pod that runs only on h2 through a NodePort of h0 and a ClusterIP from h1', async () => {
    const service = JSON.parse(await theBed().capstanOk(['get', 'service', 'solo', '-o', 'json'])) as {
      spec: { clusterIP: string; ports: { nodePort: number }[] };
    };
    const nodePort = service.spec.ports[0]!.nodePort;
    const fromNodePort = await waitFor(() => curlOnHost(1, `http://${theBed().host(0).address}:${nodePort}/`), {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: `solo through h0's NodePort ${nodePort}`,
    });
    expect(fromNodePort).toContain('Server name: solo');
    const fromClusterIp = await waitFor(() => curlOnHost(1, `http://${service.spec.clusterIP}/`), {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: `solo through its ClusterIP ${service.spec.clusterIP} from h1`,
    });
    expect(fromClusterIp).toContain('Server name: solo');
    // And from a pod on h1, by the Service's DNS name.
    expect(await inPod('mesh-1', 'timeout 5 wget -qO- http://solo.default.svc.cluster.local/')).toContain(
      'Server name: solo',
    );
  });

  it('leaves no veth, address, route, FDB entry or IPAM lease behind once everything is deleted', async () => {
    await theBed().capstanOk(['delete', '-f', MESH_FILE]);
    await waitFor(async () => (await pods('app=mesh')).length + (await pods('app=solo')).length === 0, {
      timeoutMs: 90_000,
      intervalMs: 1_000,
      message: 'the mesh and solo pods to go',
    });
    for (const index of [0, 1, 2]) {
      await waitFor(async () => JSON.stringify(await networkOf(index)) === JSON.stringify(before[index]) || undefined, {
        timeoutMs: 30_000,
        intervalMs: 1_000,
        message: `h${index}'s network as before the pods`,
      }).catch(async (err: Error) => {
        expect(await networkOf(index), err.message).toEqual(before[index]);
      });
    }
  });
});
