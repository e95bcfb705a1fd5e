/**
 * Service proxy benchmark: HTTP requests/s with wrk through a NodePort on 127.0.0.1 against the same capstan/hello
 * container hit directly at its address, in the same run (target: proxied ≥ 0.6× direct), and endpoint
 * programming latency: Endpoints changed to a new ready address → first request answered by it (target p99 < 1 s).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import type { EndpointSubset } from '../src/api/types.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { startServiceProxy } from '../src/services/proxy.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import { deletePrefix, REDIS_URL } from '../test/support/store.ts';
import { percentile, report } from './report.ts';

const execFileAsync = promisify(execFile);
/** REDIS_URL with the credential setup stored for a loopback Redis (Redis admits only the ACL user). */
const url = REDIS_URL;
const DURATION_S = Number(process.env.BENCH_PROXY_SECONDS ?? 10);
const CONNECTIONS = 32;
const LATENCY_SAMPLES = 30;

function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'pipe' });
  } catch (err) {
    // wrk --version exits non-zero after printing its version; only a missing binary needs installing.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return;
    execFileSync('apt-get', ['install', '-y', '-q', 'wrk'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

/** Runs wrk without blocking the event loop: the proxy under test lives in this process. */
async function wrk(target: string): Promise<number> {
  const { stdout } = await execFileAsync(
    'wrk',
    ['-t', '2', '-c', String(CONNECTIONS), '-d', `${DURATION_S}s`, target],
    {
      encoding: 'utf8',
      timeout: (DURATION_S + 30) * 1000,
    },
  );
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
}

function hello(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path: '/', agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(/Server name: (\S+)/.exec(body)?.[1] ?? ''));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const subset = (ip: string): EndpointSubset[] => [{ addresses: [{ ip }], ports: [{ port: 80, protocol: 'TCP' }] }];

export async function benchProxy(): Promise<void> {
  ensureWrk();
  const docker = new Docker();
  const run = `bench-proxy-${randomBytes(3).toString('hex')}`;
  const prefix = `capstan-bench:${run}:`;
  const allocator = new ServiceAllocator();
  const store = await createRedisStore({ url, prefix, admission: [allocator] });
  allocator.attach(store);
  const network = await docker.createNetwork({ Name: run, Labels: { 'capstan.bench': run } });
  const containers: Docker.Container[] = [];
  const proxy = startServiceProxy({ store, nodeName: 'bench', nodeAddress: '127.0.0.1' });
  try {
    const ips: string[] = [];
    for (let i = 0; i < 2; i++) {
      const container = await docker.createContainer({
        name: `${run}-${i}`,
        Hostname: `backend-${i}`,
        Image: 'capstan/hello:latest',
        Labels: { 'capstan.bench': run },
        HostConfig: { NetworkMode: run },
      });
      containers.push(container);
      await container.start();
      ips.push((await container.inspect()).NetworkSettings.Networks[run]!.IPAddress);
    }
    await store.create('Endpoints', {
      kind: 'Endpoints',
      metadata: { name: 'bench', namespace: 'default' },
      subsets: subset(ips[0]!),
    });
    const svc = await store.create('Service', {
      kind: 'Service',
      metadata: { name: 'bench', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'bench' }, ports: [{ port: 80 }] },
    });
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    await proxy.synced;
    await waitUntil(async () => (await hello('127.0.0.1', nodePort).catch(() => '')) === 'backend-0');

    const direct = await wrk(`http://${ips[0]}:80/`);
    const proxied = await wrk(`http://127.0.0.1:${nodePort}/`);
    report('proxy.requests_per_s', proxied, {
      directPerS: direct,
      ratio: proxied / direct,
      connections: CONNECTIONS,
      seconds: DURATION_S,
      target: '>= 0.6x direct',
    });

    const latencies: number[] = [];
    for (let i = 1; i <= LATENCY_SAMPLES; i++) {
      const want = `backend-${i % 2}`;
      const started = performance.now();
      await store.mutate('Endpoints', 'default', 'bench', (ep) => ({ ...ep, subsets: subset(ips[i % 2]!) }));
      await waitUntil(async () => (await hello('127.0.0.1', nodePort).catch(() => '')) === want);
      latencies.push(performance.now() - started);
    }
    report('proxy.endpoint_programming_p50_ms', percentile(latencies, 50), { samples: LATENCY_SAMPLES });
    report('proxy.endpoint_programming_p99_ms', percentile(latencies, 99), {
      samples: LATENCY_SAMPLES,
      target: '< 1000 ms',
    });
  } finally {
    await proxy.stop();
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
    await network.remove().catch(() => undefined);
    await store.close();
    await deletePrefix(prefix, url);
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchProxy();
