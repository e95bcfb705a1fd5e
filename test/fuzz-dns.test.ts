import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEndpoints, newService, podAddresses } from '../src/dns/dns-fixtures.ts';
import { DnsIndex } from '../src/dns/dns-index.ts';
import { DnsResponder, FORWARD } from '../src/dns/dns-responder.ts';
import { startDnsServer, type DnsServer } from '../src/dns/dns-server.ts';
import { MAX_STALL_MS, report, runs, StallProbe } from './fuzz/fuzz-support.ts';

function newIndex(): DnsIndex {
  const index = new DnsIndex();
  index.upsertService(newService({ name: 'web', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] }));
  index.upsertService(newService({ name: 'crowd', clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  index.upsertEndpoints(
    newEndpoints({ name: 'crowd', ready: podAddresses(60), ports: [{ name: 'http', port: 8080 }] }),
  );
  return index;
}

const names = fc.oneof(
  fc.constantFrom(
    'web.default.svc.cluster.local',
    'crowd.default.svc.cluster.local',
    '_http._tcp.web.default.svc.cluster.local',
    'nope.default.svc.cluster.local',
    'cluster.local',
    '10.0.96.10.in-addr.arpa',
    'example.com',
    '',
    '.',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.cluster.local`,
  ),
  fc.array(fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/), { maxLength: 6 }).map((labels) => labels.join('.')),
);

const types = fc.constantFrom('A', 'AAAA', 'SRV', 'PTR', 'SOA', 'NS', 'TXT', 'ANY', 'CNAME', 'MX', 'OPT', 'AXFR');

/** Well-formed messages from dns-packet: queries with any flags, several questions, EDNS with odd sizes, answers. */
const structured = fc
  .record({
    id: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom('query', 'response'),
    flags: fc.integer({ min: 0, max: 65535 }),
    questions: fc.array(fc.record({ name: names, type: types, class: fc.constantFrom('IN', 'CH', 'ANY') }), {
      maxLength: 3,
    }),
    edns: fc.option(
      fc.record({ udpPayloadSize: fc.integer({ min: 0, max: 65535 }), version: fc.integer({ min: 0, max: 3 }) }),
    ),
    answer: fc.option(fc.record({ name: names, data: fc.ipV4() })),
  })
  .map((m) => {
    try {
      return dnsPacket.encode({
        id: m.id,
        type: m.type as 'query',
        flags: m.flags,
        questions: m.questions as dnsPacket.Question[],
        ...(m.answer ? { answers: [{ type: 'A', name: m.answer.name, data: m.answer.data }] } : {}),
        ...(m.edns
          ? {
              additionals: [
                {
                  type: 'OPT',
                  name: '.',
                  udpPayloadSize: m.edns.udpPayloadSize,
                  extendedRcode: 0,
                  ednsVersion: m.edns.version,
                  flags: 0,
                  flag_do: false,
                  options: [],
                } as unknown as dnsPacket.Answer,
              ],
            }
          : {}),
      });
    } catch {
      return Buffer.from([0]);
    }
  });

/** Raw bytes: random, truncated or bit-flipped well-formed messages, compression-pointer loops. */
const raw = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  fc.tuple(structured, fc.nat()).map(([b, n]) => b.subarray(0, n % (b.length + 1))),
  fc.tuple(structured, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, v]) => {
    const copy = Buffer.from(b);
    if (copy.length > 0) copy[i % copy.length] = v;
    return copy;
  }),
  fc.constant(Buffer.from('0001010000010000000000000c000100c00c', 'hex')), // a name that points at itself
  fc.constant(Buffer.alloc(65_535, 0xc0)),
);

const packets = fc.oneof(structured, raw);

describe('fuzz: DNS packets', () => {
  it('answers or drops every packet, over UDP and TCP framing; answers always decode', () => {
    const responder = new DnsResponder(newIndex());
    const probe = new StallProbe();
    let tried = 0;
    fc.assert(
      fc.property(packets, fc.constantFrom('udp' as const, 'tcp' as const), (packet, transport) => {
        tried++;
        const reply = probe.time(packet.toString('hex'), () => responder.respond(packet, transport));
        if (reply === null || reply === FORWARD) return;
        expect(Buffer.isBuffer(reply)).toBe(true);
        const decoded = dnsPacket.decode(reply);
        expect(decoded.type).toBe('response');
        if (transport === 'udp') expect(reply.length).toBeLessThanOrEqual(65_535);
      }),
      runs(3000, 200_000),
    );
    report('DNS packets (responder)', tried, probe);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });

  describe('through the UDP server', () => {
    let server: DnsServer;
    beforeAll(async () => {
      server = await startDnsServer(newIndex(), { port: 0 });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('keeps answering after every malformed datagram', async () => {
      const client = createSocket('udp4');
      await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
      const probe = new StallProbe();
      const query = dnsPacket.encode({
        type: 'query',
        id: 7,
        questions: [{ type: 'A', name: 'web.default.svc.cluster.local' }],
      });
      const ask = () =>
        new Promise<Buffer>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the server stopped answering')), 5000);
          const onMessage = (msg: Buffer) => {
            if (msg.readUInt16BE(0) !== 7) return;
            clearTimeout(timer);
            client.off('message', onMessage);
            resolve(msg);
          };
          client.on('message', onMessage);
          client.send(query, server.address.port, '127.0.0.1');
        });
      let tried = 0;
      probe.start();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              raw.filter((b) => b.length <= 1400),
              { minLength: 1, maxLength: 20 },
            ),
            async (batch) => {
              for (const packet of batch) {
                tried++;
                client.send(packet, server.address.port, '127.0.0.1');
              }
              const answer = dnsPacket.decode(await ask());
              expect(answer.answers?.[0]).toMatchObject({ type: 'A', data: '10.96.0.10' });
              probe.mark(batch.map((b) => b.toString('hex')));
            },
          ),
          runs(50, 2000),
        );
      } finally {
        probe.stop();
        client.close();
      }
      report('DNS datagrams (UDP server)', tried, probe);
      expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
    });
  });
});
