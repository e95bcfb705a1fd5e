import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { get } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointSubset, Service, ServiceSpec } from '../src/api/types.ts';
import { DnsIndex } from '../src/dns/dns-index.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { removeLoopbackAddress } from '../src/services/loopback.ts';
import { startPodDns } from '../src/services/pod-dns.ts';
import type { PodDns } from '../src/services/pod-dns.ts';
import { startServiceProxy } from '../src/services/proxy.ts';
import type { ServiceProxy } from '../src/services/proxy.ts';
import { newTestStore, uniquePrefix, waitFor } from './support/store.ts';

const docker = new Docker();
const run = `svcproxy-${randomBytes(3).toString('hex')}`;
const network = `capstan-${run}`;
const NODE_ADDRESS = '127.0.0.1';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let proxy: ServiceProxy;
const backends: { name: string; ip: string; container: Docker.Container }[] = [];

/** One HTTP GET on a fresh connection; resolves with the answering backend's host name. */
function hello(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(/Server name: (\S+)/.exec(body)?.[1] ?? `unexpected: ${body}`));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

async function helloMany(host: string, port: number, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await hello(host, port));
  return out;
}

function subset(ips: string[], port = 80): EndpointSubset[] {
  return ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port, protocol: 'TCP' }] }] : [];
}

async function createService(name: string, spec: Partial<ServiceSpec>, subsets: EndpointSubset[]): Promise<Service> {
  await store.create('Endpoints', { kind: 'Endpoints', metadata: { name, namespace: 'default' }, subsets });
  return store.create('Service', {
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });
}

async function setEndpoints(name: string, subsets: EndpointSubset[]): Promise<void> {
  await store.mutate('Endpoints', 'default', name, (ep) => ({ ...ep, subsets }));
}

/** Waits until the proxy listens on every address of the service. */
async function serving(svc: Service, expected: number): Promise<void> {
  const key = `default/${svc.metadata.name}:`;
  await waitFor(
    () => {
      const mine = proxy.listeners().filter((l) => l.service.startsWith(key));
      return mine.length === expected && mine.every((l) => l.listening);
    },
    { timeoutMs: 5000, message: `the proxy to listen for ${svc.metadata.name}` },
  );
}

async function execIn(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => stream.on('end', resolve));
  // Multiplexed stream: drop the 8-byte frame headers.
  const raw = Buffer.concat(chunks);
  let text = '';
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text;
}

beforeAll(async () => {
  const allocator = new ServiceAllocator();
  store = await newTestStore({ prefix: uniquePrefix('svc-proxy'), admission: [allocator] });
  allocator.attach(store);
  await docker.createNetwork({ Name: network, Labels: { 'capstan.test': run } });
  for (let i = 0; i < 3; i++) {
    const name = `${run}-b${i}`;
    const container = await docker.createContainer({
      name,
      Hostname: `backend-${i}`,
      Image: 'capstan/hello:latest',
      Labels: { 'capstan.test': run },
      HostConfig: { NetworkMode: network },
    });
    await container.start();
    const info = await container.inspect();
    backends.push({ name: `backend-${i}`, ip: info.NetworkSettings.Networks[network]!.IPAddress, container });
  }
  for (const b of backends) await waitFor(() => hello(b.ip, 80), { timeoutMs: 10_000, message: `${b.name} to answer` });
  proxy = startServiceProxy({ store, nodeName: 'node-1', nodeAddress: NODE_ADDRESS });
  await proxy.synced;
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.all(backends.map((b) => b.container.remove({ force: true }).catch(() => undefined)));
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  await store?.dispose();
});

describe('service proxy', () => {
  it('balances round-robin across every backend through the NodePort, the LoadBalancer address and the ClusterIP', async () => {
    const svc = await createService('web', { type: 'LoadBalancer' }, subset(backends.map((b) => b.ip)));
    await serving(svc, 3);
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    const lbIP = svc.status!.loadBalancer!.ingress![0]!.ip;
    const names = backends.map((b) => b.name).sort();
    const viaNodePort = await helloMany(NODE_ADDRESS, nodePort, 6);
    expect([...new Set(viaNodePort)].sort()).toEqual(names);
    // Round-robin: every backend gets exactly two of six requests.
    for (const name of names) expect(viaNodePort.filter((n) => n === name)).toHaveLength(2);
    expect([...new Set(await helloMany(lbIP, 80, 6))].sort()).toEqual(names);
    expect([...new Set(await helloMany(svc.spec!.clusterIP!, 80, 6))].sort()).toEqual(names);
  });

  it('lets a pod reach a ClusterIP', async () => {
    const svc = await store.get('Service', 'default', 'web');
    const out = await execIn(backends[0]!.container, [
      'timeout',
      '5',
      'wget',
      '-q',
      '-O',
      '-',
      `http://${svc.spec!.clusterIP}/`,
    ]);
    expect(out).toMatch(/Server name: backend-\d/);
  });

  it('stops sending new connections to a removed endpoint within a second while its open connection completes', async () => {
    const svc = await createService('drain', { type: 'NodePort' }, subset(backends.map((b) => b.ip)));
    await serving(svc, 2);
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    // Three connections opened in a row go to the three backends (round-robin); no request is sent yet.
    const open: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: NODE_ADDRESS, port: nodePort });
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      open.push(socket);
    }
    const removed = backends[0]!;
    const started = Date.now();
    await setEndpoints('drain', subset(backends.slice(1).map((b) => b.ip)));
    await waitFor(async () => !(await helloMany(NODE_ADDRESS, nodePort, 4)).includes(removed.name), {
      timeoutMs: 3000,
      message: 'the removed endpoint to stop getting new connections',
    });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await helloMany(NODE_ADDRESS, nodePort, 8)).not.toContain(removed.name);
    const answers = await Promise.all(
      open.map(
        (socket) =>
          new Promise<string>((resolve, reject) => {
            let body = '';
            socket.setEncoding('utf8');
            socket.on('data', (chunk: string) => (body += chunk));
            socket.on('end', () => resolve(/Server name: (\S+)/.exec(body)?.[1] ?? body));
            socket.on('error', reject);
            socket.write('GET /long HTTP/1.1\r\nHost: drain\r\n\r\n');
          }),
      ),
    );
    expect(answers.sort()).toEqual(backends.map((b) => b.name).sort());
  });

  it('refuses at once, without hanging, when a service has no endpoint', async () => {
    const svc = await createService('empty', { type: 'NodePort' }, []);
    await serving(svc, 2);
    const started = Date.now();
    await expect(hello(NODE_ADDRESS, svc.spec!.ports![0]!.nodePort!, 5000)).rejects.toThrow(
      /ECONNRESET|ECONNREFUSED|socket hang up/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    // An endpoint appearing is picked up.
    await setEndpoints('empty', subset([backends[1]!.ip]));
    await waitFor(() => hello(NODE_ADDRESS, svc.spec!.ports![0]!.nodePort!).catch(() => false), {
      timeoutMs: 2000,
      message: 'the new endpoint to be served',
    });
  });

  it('keeps a client on one backend with sessionAffinity ClientIP', async () => {
    const svc = await createService(
      'sticky',
      { type: 'NodePort', sessionAffinity: 'ClientIP' },
      subset(backends.map((b) => b.ip)),
    );
    await serving(svc, 2);
    const answers = await helloMany(NODE_ADDRESS, svc.spec!.ports![0]!.nodePort!, 9);
    expect(new Set(answers).size).toBe(1);
  });

  it('relays UDP datagrams to every endpoint and refuses when there is none', async () => {
    const echoes: UdpSocket[] = [];
    const subsets: EndpointSubset[] = [];
    // Endpoints may not be loopback addresses: the echoes listen on the test network's gateway, a host address.
    const info = (await docker.getNetwork(network).inspect()) as Docker.NetworkInspectInfo;
    const host = info.IPAM!.Config![0]!.Gateway!;
    for (let i = 0; i < 2; i++) {
      const echo = createSocket('udp4');
      echo.on('message', (msg, from) =>
        echo.send(Buffer.concat([Buffer.from(`echo-${i}:`), msg]), from.port, from.address),
      );
      await new Promise<void>((resolve) => echo.bind(0, host, resolve));
      echoes.push(echo);
      subsets.push({ addresses: [{ ip: host }], ports: [{ port: echo.address().port, protocol: 'UDP' }] });
    }
    try {
      const svc = await createService('udp', { type: 'NodePort', ports: [{ port: 53, protocol: 'UDP' }] }, subsets);
      await serving(svc, 2);
      const nodePort = svc.spec!.ports![0]!.nodePort!;
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add((await udpRoundTrip(NODE_ADDRESS, nodePort, `hi-${i}`)).split(':')[0]!);
      expect([...seen].sort()).toEqual(['echo-0', 'echo-1']);
      expect(await udpRoundTrip(svc.spec!.clusterIP!, 53, 'via-cluster-ip')).toMatch(/^echo-\d:via-cluster-ip$/);

      await setEndpoints('udp', []);
      await waitFor(
        async () =>
          (await udpRoundTrip(NODE_ADDRESS, nodePort, 'gone').catch((err: Error) => err.message)).includes(
            'ECONNREFUSED',
          ),
        {
          timeoutMs: 3000,
          message: 'UDP to be refused without endpoints',
        },
      );
    } finally {
      for (const echo of echoes) echo.close();
    }
  });
});

describe('pod DNS', () => {
  let dns: PodDns | undefined;
  afterAll(async () => {
    await dns?.stop();
    if (dns) await removeLoopbackAddress(dns.address);
  });

  it('answers cluster names from a pod at the DNS service address', async () => {
    const index = new DnsIndex();
    const svc = await store.get('Service', 'default', 'web');
    index.upsertService(svc);
    const address = `10.97.250.${10 + Math.floor(Math.random() * 200)}`;
    dns = await startPodDns(index, { address });
    expect(dns.serving).toBe(true);
    const out = await execIn(backends[1]!.container, [
      'timeout',
      '5',
      'nslookup',
      'web.default.svc.cluster.local',
      address,
    ]);
    expect(out).toContain(svc.spec!.clusterIP!);
  });
});

/** Sends one datagram from a connected socket; connected, so an ICMP port-unreachable surfaces as ECONNREFUSED. */
function udpRoundTrip(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(new Error('no UDP answer within 1000 ms')), 1000);
    const finish = (err: Error | undefined, value?: string): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(value!);
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => finish(undefined, msg.toString()));
    socket.connect(port, host, () => socket.send(text));
  });
}
