import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { once } from 'node:events';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsIndex } from '../src/dns/dns-index.ts';
import { DnsServer, startDnsServer } from '../src/dns/dns-server.ts';
import { newEndpoints, newService, podAddresses } from '../src/dns/dns-fixtures.ts';

const run = promisify(execFile);

interface DigResult {
  status: string;
  flags: string[];
  answers: string[][];
  authority: string[][];
  overTcp: boolean;
  retriedTcp: boolean;
}

/** Runs the real `dig` against a port on loopback and parses the parts a user looks at. */
async function dig(port: number, ...args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=2', ...args], {
    timeout: 10_000,
  });
  const section = (title: string): string[][] => {
    const match = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(stdout);
    return match?.[1] ? match[1].split('\n').map((line) => line.trim().split(/\s+/)) : [];
  };
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? `no status in: ${stdout}`,
    flags: /;; flags: ([^;]*);/.exec(stdout)?.[1]?.trim().split(' ') ?? [],
    answers: section('ANSWER'),
    authority: section('AUTHORITY'),
    overTcp: /;; SERVER: .*\(TCP\)/.test(stdout),
    retriedTcp: stdout.includes('Truncated, retrying in TCP mode'),
  };
}

describe('DNS server (UDP and TCP on loopback, queried with dig)', () => {
  const index = new DnsIndex();
  let server: DnsServer;
  let port: number;

  beforeAll(async () => {
    index.upsertService(newService({ name: 'web', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] }));
    index.upsertService(newService({ name: 'crowd', clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
    index.upsertEndpoints(
      newEndpoints({ name: 'crowd', ready: podAddresses(60), ports: [{ name: 'http', port: 8080 }] }),
    );
    index.upsertService(newService({ name: 'pair', clusterIP: 'None' }));
    index.upsertEndpoints(
      newEndpoints({ name: 'pair', ready: podAddresses(20, { hostnames: true, prefix: '10.245' }) }),
    );
    server = await startDnsServer(index, { port: 0 });
    port = server.address.port;
  });

  afterAll(async () => {
    await server.stop();
  });

  it('answers A for a service with its ClusterIP, authoritatively', async () => {
    const r = await dig(port, 'web.default.svc.cluster.local');
    expect(r.status).toBe('NOERROR');
    expect(r.flags).toContain('aa');
    expect(r.answers).toEqual([['web.default.svc.cluster.local.', '5', 'IN', 'A', '10.96.0.10']]);
  });

  it('matches names case-insensitively and echoes the asked spelling', async () => {
    const r = await dig(port, 'WeB.DeFault.SVC.Cluster.Local');
    expect(r.answers).toEqual([['WeB.DeFault.SVC.Cluster.Local.', '5', 'IN', 'A', '10.96.0.10']]);
  });

  it('answers SRV for a named port and PTR for the ClusterIP', async () => {
    const srv = await dig(port, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(srv.answers.map((a) => a.slice(3))).toEqual([['SRV', '0', '100', '80', 'web.default.svc.cluster.local.']]);
    const ptr = await dig(port, '-x', '10.96.0.10');
    expect(ptr.answers.map((a) => a.slice(3))).toEqual([['PTR', 'web.default.svc.cluster.local.']]);
    const pod = await dig(port, '-x', '10.245.1.3');
    expect(pod.answers.map((a) => a[4])).toEqual(['pod-2.pair.default.svc.cluster.local.']);
  });

  it('answers NXDOMAIN with the SOA for an unknown name in the zone', async () => {
    const r = await dig(port, 'nope.default.svc.cluster.local');
    expect(r.status).toBe('NXDOMAIN');
    expect(r.flags).toContain('aa');
    expect(r.answers).toEqual([]);
    expect(r.authority.map((a) => a.slice(0, 5))).toEqual([
      ['cluster.local.', '5', 'IN', 'SOA', 'ns.dns.cluster.local.'],
    ]);
  });

  it('answers NODATA with the SOA for an existing name without the asked type', async () => {
    const r = await dig(port, 'web.default.svc.cluster.local', 'AAAA');
    expect(r.status).toBe('NOERROR');
    expect(r.answers).toEqual([]);
    expect(r.authority.map((a) => a[3])).toEqual(['SOA']);
  });

  it('refuses names outside the zone when no upstream is configured', async () => {
    const r = await dig(port, 'example.com');
    expect(r.status).toBe('REFUSED');
    expect(r.flags).not.toContain('aa');
  });

  it('truncates a large UDP answer and gives it in full over TCP', async () => {
    const udp = await dig(port, 'crowd.default.svc.cluster.local', '+ignore', '+noedns');
    expect(udp.flags).toContain('tc');
    expect(udp.answers).toEqual([]);
    const retried = await dig(port, 'crowd.default.svc.cluster.local');
    expect(retried.retriedTcp).toBe(true);
    expect(retried.overTcp).toBe(true);
    expect(retried.answers).toHaveLength(60);
    const tcp = await dig(port, '+tcp', '_http._tcp.crowd.default.svc.cluster.local', 'SRV');
    expect(tcp.answers).toHaveLength(60);
    expect(tcp.answers[0]?.slice(3, 7)).toEqual(['SRV', '0', '100', '8080']);
  });

  it('uses the EDNS0 buffer size the client advertises', async () => {
    const fits = await dig(port, '+bufsize=1232', 'pair.default.svc.cluster.local');
    expect(fits.retriedTcp).toBe(false);
    expect(fits.overTcp).toBe(false);
    expect(fits.answers).toHaveLength(20);
    const small = await dig(port, '+bufsize=512', '+ignore', 'pair.default.svc.cluster.local');
    expect(small.flags).toContain('tc');
  });

  it('serves changes of the index without a restart', async () => {
    index.upsertService(newService({ name: 'late', namespace: 'shop', clusterIP: '10.96.5.5' }));
    expect((await dig(port, 'late.shop.svc.cluster.local')).answers[0]?.[4]).toBe('10.96.5.5');
    index.deleteService('shop', 'late');
    expect((await dig(port, 'late.shop.svc.cluster.local')).status).toBe('NXDOMAIN');
  });

  it('answers several pipelined queries on one TCP connection, however the bytes are split', async () => {
    const frame = (id: number, name: string): Buffer =>
      dnsPacket.streamEncode({ type: 'query', id, questions: [{ name, type: 'A' }] });
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const bytes = Buffer.concat([
      frame(1, 'web.default.svc.cluster.local'),
      frame(2, 'nope.default.svc.cluster.local'),
    ]);
    socket.write(bytes.subarray(0, 7));
    setImmediate(() => socket.write(bytes.subarray(7)));
    let received = Buffer.alloc(0);
    const replies: { id?: number; rcode?: string }[] = [];
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        replies.push(
          dnsPacket.decode(received.subarray(2, 2 + received.readUInt16BE(0))) as { id?: number; rcode?: string },
        );
        received = received.subarray(2 + received.readUInt16BE(0));
      }
      if (replies.length === 2) break;
    }
    socket.destroy();
    expect(replies.map((r) => [r.id, r.rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
    ]);
  });

  it('answers FORMERR to a malformed UDP query', async () => {
    const socket = createSocket('udp4');
    try {
      const reply = once(socket, 'message');
      socket.send(Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, 0x61]), port, '127.0.0.1');
      const [msg] = (await reply) as [Buffer];
      expect(dnsPacket.decode(msg)).toMatchObject({ id: 0x1234, rcode: 'FORMERR' });
    } finally {
      socket.close();
    }
  });

  it('refuses to start on a port that is taken, with the reason', async () => {
    await expect(new DnsServer(index).start({ port })).rejects.toThrow(
      /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/,
    );
  });
});

describe('DNS server forwarding to an upstream', () => {
  it('relays names outside its zone to the upstream and answers its own zone itself', async () => {
    const upstreamIndex = new DnsIndex({ zone: 'example.test' });
    upstreamIndex.upsertService(newService({ name: 'api', clusterIP: '10.97.0.1' }));
    const upstream = await startDnsServer(upstreamIndex, { port: 0 });
    const local = new DnsIndex();
    local.upsertService(newService({ name: 'web', clusterIP: '10.96.0.10' }));
    const front = await startDnsServer(local, { port: 0, upstream: `127.0.0.1:${upstream.address.port}` });
    try {
      const relayed = await dig(front.address.port, 'api.default.svc.example.test');
      expect(relayed.status).toBe('NOERROR');
      expect(relayed.answers).toEqual([['api.default.svc.example.test.', '5', 'IN', 'A', '10.97.0.1']]);
      const relayedTcp = await dig(front.address.port, '+tcp', 'nope.default.svc.example.test');
      expect(relayedTcp.status).toBe('NXDOMAIN');
      expect(relayedTcp.authority[0]?.[0]).toBe('example.test.');
      const own = await dig(front.address.port, 'web.default.svc.cluster.local');
      expect(own.answers[0]?.[4]).toBe('10.96.0.10');
    } finally {
      await front.stop();
      await upstream.stop();
    }
  });

  it('answers SERVFAIL when the upstream stays silent', async () => {
    const silent = createSocket('udp4');
    silent.bind(0, '127.0.0.1');
    await once(silent, 'listening');
    const front = await startDnsServer(new DnsIndex(), {
      port: 0,
      upstream: `127.0.0.1:${silent.address().port}`,
      upstreamTimeoutMs: 300,
    });
    try {
      expect((await dig(front.address.port, 'example.com')).status).toBe('SERVFAIL');
    } finally {
      await front.stop();
      silent.close();
    }
  });
});
