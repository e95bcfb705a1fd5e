/**
 * DNS responder throughput against dnsmasq, both on loopback, both asked the same name by the same load generator.
 *
 *   node --import tsx bench/dns.ts   (env: DNS_BENCH_SECONDS=5, DNS_BENCH_ROUNDS=3, DNS_BENCH_GENERATOR=node)
 *
 * The load generator is dnsperf (Debian package `dnsperf`) when installed, otherwise a bounded Node UDP generator
 * in a child process (said so in the output). Runs alternate between the two servers and the median of each is
 * compared, because this machine is shared and noisy. Prints a table and, last, one JSON line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { DnsIndex } from '../src/dns/dns-index.ts';
import { startDnsServer } from '../src/dns/dns-server.ts';
import { newEndpoints, newService, podAddresses } from '../src/dns/dns-fixtures.ts';
import { report } from './report.ts';

const run = promisify(execFile);
const NAME = 'web.default.svc.cluster.local';
const ADDRESS = '10.96.0.10';
const TARGET_RATIO = 0.7;
const OUTSTANDING = 100;

async function has(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** A free loopback UDP port (dnsmasq needs the number up front). */
async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** One A query for NAME, answered within `ms`, or false. */
async function answers(port: number, ms: number): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    const reply = new Promise<boolean>((resolve) => {
      socket.on('message', (msg) => resolve(dnsPacket.decode(msg).answers?.length === 1));
      setTimeout(() => resolve(false), ms);
    });
    socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: NAME, type: 'A' }] }), port, '127.0.0.1');
    return await reply;
  } finally {
    socket.close();
  }
}

async function startDnsmasq(port: number): Promise<ChildProcess> {
  const child = spawn(
    'dnsmasq',
    [
      `--address=/${NAME}/${ADDRESS}`,
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-daemon',
      '--cache-size=1000',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await answers(port, 200)) return child;
  }
  child.kill();
  throw new Error(`dnsmasq did not answer on 127.0.0.1:${port} within 5 s`);
}

async function dnsperf(port: number, seconds: number, dataFile: string): Promise<number> {
  const maxRuns = String(seconds * 500_000); // bounds the query count as well as the time
  const { stdout } = await run(
    'dnsperf',
    [
      '-s',
      '127.0.0.1',
      '-p',
      String(port),
      '-d',
      dataFile,
      '-l',
      String(seconds),
      '-n',
      maxRuns,
      '-q',
      String(OUTSTANDING),
    ],
    { timeout: (seconds + 15) * 1000 },
  );
  const qps = /Queries per second:\s+([\d.]+)/.exec(stdout)?.[1];
  const lost = /Queries lost:\s+(\d+)/.exec(stdout)?.[1];
  if (!qps) throw new Error(`no rate in dnsperf output:\n${stdout}`);
  if (Number(lost) > 0) console.log(`  (dnsperf lost ${lost} queries on port ${port})`);
  return Number(qps);
}

/** Fallback generator: runs this file in a child process in generator mode. */
async function nodeGenerator(port: number, seconds: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--generate', String(port), String(seconds)],
    {
      timeout: (seconds + 15) * 1000,
    },
  );
  return Number(stdout.trim());
}

/** Generator mode: keeps OUTSTANDING queries in flight for `seconds` (at most 5M queries), prints queries/s. */
async function generate(port: number, seconds: number): Promise<void> {
  const socket = createSocket('udp4');
  const query = dnsPacket.encode({ type: 'query', id: 0, questions: [{ name: NAME, type: 'A' }] });
  let sent = 0;
  let received = 0;
  const start = process.hrtime.bigint();
  const endAt = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const fire = (): void => {
      if (Date.now() >= endAt || sent >= 5_000_000) {
        if (received >= sent - OUTSTANDING) resolve();
        return;
      }
      query.writeUInt16BE(sent & 0xffff, 0);
      sent += 1;
      socket.send(query, port, '127.0.0.1');
    };
    socket.on('message', () => {
      received += 1;
      fire();
    });
    for (let i = 0; i < OUTSTANDING; i++) fire();
    setTimeout(resolve, seconds * 1000 + 2000);
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  socket.close();
  console.log(String(received / elapsed));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchDns(): Promise<void> {
  const seconds = Number(process.env.DNS_BENCH_SECONDS ?? 5);
  const rounds = Number(process.env.DNS_BENCH_ROUNDS ?? 3);
  const index = new DnsIndex();
  index.upsertService(newService({ name: 'web', clusterIP: ADDRESS, ports: [{ name: 'http', port: 80 }] }));
  for (let i = 1; i < 100; i++) {
    const name = `svc-${i}`;
    if (i % 10 === 0) {
      index.upsertService(newService({ name, clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
      index.upsertEndpoints(newEndpoints({ name, ready: podAddresses(5, { prefix: `10.${100 + i}` }) }));
    } else {
      index.upsertService(newService({ name, clusterIP: `10.96.${Math.floor(i / 250)}.${20 + i}` }));
    }
  }
  const ours = await startDnsServer(index, { port: 0 });
  const usePerf = process.env.DNS_BENCH_GENERATOR !== 'node' && (await has('dnsperf'));
  const useDnsmasq = await has('dnsmasq');
  const dnsmasqPort = await freePort();
  const dnsmasq = useDnsmasq ? await startDnsmasq(dnsmasqPort) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'capstan-dns-bench-'));
  const dataFile = join(dir, 'queries.txt');
  writeFileSync(dataFile, `${NAME} A\n`);
  const measure = (port: number): Promise<number> =>
    usePerf ? dnsperf(port, seconds, dataFile) : nodeGenerator(port, seconds);
  const results = { capstan: [] as number[], dnsmasq: [] as number[] };
  console.log(
    `load generator: ${usePerf ? 'dnsperf' : 'Node UDP generator (dnsperf not installed or DNS_BENCH_GENERATOR=node)'}; ${rounds} rounds of ${seconds} s`,
  );
  try {
    for (let round = 1; round <= rounds; round++) {
      results.capstan.push(await measure(ours.address.port));
      if (dnsmasq) results.dnsmasq.push(await measure(dnsmasqPort));
      const last = (xs: number[]): string => (xs.length ? xs[xs.length - 1]!.toFixed(0) : '-');
      console.log(`round ${round}: capstan ${last(results.capstan)} q/s, dnsmasq ${last(results.dnsmasq)} q/s`);
    }
  } finally {
    dnsmasq?.kill();
    await ours.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const capstanQps = median(results.capstan);
  const dnsmasqQps = dnsmasq ? median(results.dnsmasq) : undefined;
  const ratio = dnsmasqQps ? capstanQps / dnsmasqQps : undefined;
  console.log(`capstan ${capstanQps.toFixed(0)} q/s, dnsmasq ${dnsmasqQps?.toFixed(0) ?? 'not installed'} q/s`);
  if (ratio !== undefined)
    console.log(`ratio ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);
  report('dns.queries_per_s', capstanQps, {
    dnsmasqQps: dnsmasqQps ?? 'not installed',
    ratio: ratio ?? 'n/a',
    generator: usePerf ? 'dnsperf' : 'node',
    seconds,
    rounds,
    target: `>= ${TARGET_RATIO}x dnsmasq`,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--generate') await generate(Number(process.argv[3]), Number(process.argv[4]));
  else await benchDns();
}
