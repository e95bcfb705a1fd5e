import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsIndex } from '../src/dns/dns-index.ts';
import { newEndpoints, newService, podAddresses } from '../src/dns/dns-fixtures.ts';
import type { DnsServer } from '../src/dns/dns-server.ts';
import { startDnsServer } from '../src/dns/dns-server.ts';
import { registry } from '../src/util/metrics.ts';

async function rejections(limit: string): Promise<number> {
  const metric = await registry.getSingleMetric('capstan_limit_rejections_total')?.get();
  return metric?.values.find((v) => v.labels['limit'] === limit)?.value ?? 0;
}

function tcpQuery(name: string, id: number): Buffer {
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name }],
  });
  const frame = Buffer.alloc(query.length + 2);
  frame.writeUInt16BE(query.length, 0);
  query.copy(frame, 2);
  return frame;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('DNS over TCP limits', () => {
  const index = new DnsIndex();
  let server: DnsServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    index.upsertService(newService({ name: 'crowd', clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
    index.upsertEndpoints(newEndpoints({ name: 'crowd', ready: podAddresses(200) }));
    server = await startDnsServer(index, { port: 0, maxTcpConnections: 4, tcpIdleTimeoutMs: 1500 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  });

  it('stops reading a client that sends queries and never reads the answers, then drops it when idle', async () => {
    const socket = connect(server.address.port, '127.0.0.1');
    sockets.push(socket);
    await once(socket, 'connect');
    socket.pause(); // never reads: answers pile up in the kernel, then (without back-pressure) in the server
    // 4,000 queries for a name with 200 addresses: about 13 MB of answers, far beyond the socket buffers.
    const queries = Buffer.concat(
      Array.from({ length: 4000 }, (_, i) => tcpQuery('crowd.default.svc.cluster.local', i)),
    );
    socket.write(queries);
    // A client that reads still gets its answer (about 9 KB) meanwhile.
    const reader = connect(server.address.port, '127.0.0.1');
    sockets.push(reader);
    await once(reader, 'connect');
    reader.write(tcpQuery('crowd.default.svc.cluster.local', 1));
    const [answer] = (await once(reader, 'data')) as [Buffer];
    expect(answer.length).toBeGreaterThan(9000);
    reader.destroy();
    let peak = 0;
    const started = Date.now();
    // Watch the server's queue while it handles what it reads.
    while (Date.now() - started < 1000) {
      peak = Math.max(peak, server.tcpQueuedBytes);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(peak).toBeLessThan(256 * 1024);
    // Neither reading nor written to: the idle timeout closes it.
    await until(() => server.tcpConnectionCount === 0, 5000, 'the server to drop the idle connection');
  });

  it('closes connections beyond the cap on accept and counts them', async () => {
    const before = await rejections('dnsTcpConnections');
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = connect(server.address.port, '127.0.0.1');
      sockets.push(s);
      held.push(s);
      await once(s, 'connect');
    }
    await until(() => server.tcpConnectionCount === 4, 2000, 'four connections');
    const extra = connect(server.address.port, '127.0.0.1');
    sockets.push(extra);
    await once(extra, 'close');
    expect(await rejections('dnsTcpConnections')).toBe(before + 1);
    for (const s of held) s.destroy();
  });
});
