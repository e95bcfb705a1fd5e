import dnsPacket from 'dns-packet';
import type { DecodedPacket, OptAnswer, Packet, RecordType } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { DnsIndex } from './dns-index.ts';
import { DnsResponder, FORWARD } from './dns-responder.ts';
import { newEndpoints, newService, podAddresses } from './dns-fixtures.ts';

function index(): DnsIndex {
  const idx = new DnsIndex();
  idx.upsertService(newService({ name: 'web', clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80 }] }));
  idx.upsertService(newService({ name: 'many', clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }));
  idx.upsertEndpoints(
    newEndpoints({ name: 'many', ready: podAddresses(20), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
  );
  return idx;
}

function query(name: string, type: RecordType | number = 'A', options: { edns?: number; id?: number } = {}): Buffer {
  const packet: Packet = {
    type: 'query',
    id: options.id ?? 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: (typeof type === 'number' ? `UNKNOWN_${type}` : type) as RecordType }],
  };
  if (options.edns !== undefined) {
    packet.additionals = [
      {
        name: '.',
        type: 'OPT',
        udpPayloadSize: options.edns,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ];
  }
  return dnsPacket.encode(packet);
}

function ask(responder: DnsResponder, q: Buffer, transport: 'udp' | 'tcp' = 'udp'): DecodedPacket & { rcode: string } {
  const reply = responder.respond(q, transport);
  if (!Buffer.isBuffer(reply)) throw new Error(`expected a reply, got ${String(reply)}`);
  return dnsPacket.decode(reply) as DecodedPacket & { rcode: string };
}

describe('DnsResponder', () => {
  it('answers authoritatively, echoing id, RD and the question as asked', () => {
    const responder = new DnsResponder(index());
    const reply = ask(responder, query('Web.DEFAULT.svc.cluster.local', 'A', { id: 7 }));
    expect(reply).toMatchObject({
      id: 7,
      rcode: 'NOERROR',
      flag_qr: true,
      flag_aa: true,
      flag_rd: true,
      flag_tc: false,
    });
    expect(reply.questions).toEqual([{ name: 'Web.DEFAULT.svc.cluster.local', type: 'A', class: 'IN' }]);
    expect(reply.answers).toMatchObject([
      { name: 'Web.DEFAULT.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.10' },
    ]);
  });

  it('serves a repeated question from its cache with the new id and spelling', () => {
    const responder = new DnsResponder(index());
    ask(responder, query('web.default.svc.cluster.local'));
    const reply = ask(responder, query('WEB.default.svc.cluster.local', 'A', { id: 9 }));
    expect(reply.id).toBe(9);
    expect(reply.answers?.[0]).toMatchObject({ name: 'WEB.default.svc.cluster.local', data: '10.96.0.10' });
  });

  it('sees index changes at once', () => {
    const idx = index();
    const responder = new DnsResponder(idx);
    expect(ask(responder, query('web.default.svc.cluster.local')).answers?.[0]).toMatchObject({ data: '10.96.0.10' });
    idx.upsertService(newService({ name: 'web', clusterIP: '10.96.0.99' }));
    expect(ask(responder, query('web.default.svc.cluster.local')).answers?.[0]).toMatchObject({ data: '10.96.0.99' });
    idx.deleteService('default', 'web');
    expect(ask(responder, query('web.default.svc.cluster.local')).rcode).toBe('NXDOMAIN');
  });

  it('answers NXDOMAIN and NODATA with the zone SOA in the authority section', () => {
    const responder = new DnsResponder(index());
    const nx = ask(responder, query('nope.default.svc.cluster.local'));
    expect(nx).toMatchObject({ rcode: 'NXDOMAIN', flag_aa: true, answers: [] });
    expect(nx.authorities).toMatchObject([{ name: 'cluster.local', type: 'SOA', data: { minimum: 5 } }]);
    const nodata = ask(responder, query('web.default.svc.cluster.local', 'AAAA'));
    expect(nodata).toMatchObject({ rcode: 'NOERROR', flag_aa: true, answers: [] });
    expect(nodata.authorities).toMatchObject([{ type: 'SOA' }]);
  });

  it('answers SRV and PTR questions', () => {
    const responder = new DnsResponder(index());
    const srv = ask(responder, query('_http._tcp.web.default.svc.cluster.local', 'SRV'));
    expect(srv.answers).toMatchObject([{ type: 'SRV', data: { port: 80, target: 'web.default.svc.cluster.local' } }]);
    const ptr = ask(responder, query('10.0.96.10.in-addr.arpa', 'PTR'));
    expect(ptr.answers).toMatchObject([{ type: 'PTR', data: 'web.default.svc.cluster.local' }]);
  });

  it('refuses names outside the zone unless forwarding, and then hands them over', () => {
    expect(ask(new DnsResponder(index()), query('example.com'))).toMatchObject({ rcode: 'REFUSED', flag_aa: false });
    expect(ask(new DnsResponder(index()), query('9.9.9.9.in-addr.arpa', 'PTR')).rcode).toBe('REFUSED');
    const forwarding = new DnsResponder(index(), { forwarding: true });
    expect(forwarding.respond(query('example.com'), 'udp')).toBe(FORWARD);
    expect(forwarding.respond(query('web.default.svc.cluster.local'), 'udp')).toBeInstanceOf(Buffer);
  });

  it('refuses classes other than IN and zone transfers', () => {
    const responder = new DnsResponder(index());
    const chaos = dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'CH' }],
    });
    expect(ask(responder, chaos).rcode).toBe('REFUSED');
    expect(ask(responder, query('cluster.local', 'AXFR')).rcode).toBe('NOTIMP');
  });

  it('keeps unknown query types intact in the question and answers NODATA', () => {
    const reply = ask(new DnsResponder(index()), query('web.default.svc.cluster.local', 65));
    expect(reply.questions?.[0]?.type).toBe('UNKNOWN_65');
    expect(reply).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('truncates UDP answers over 512 bytes without EDNS, and answers in full over TCP', () => {
    const responder = new DnsResponder(index());
    const q = query('many.default.svc.cluster.local');
    const udp = ask(responder, q, 'udp');
    expect(udp).toMatchObject({ flag_tc: true, flag_aa: true, rcode: 'NOERROR', answers: [] });
    expect(udp.questions).toHaveLength(1);
    const tcp = ask(responder, q, 'tcp');
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(20);
  });

  it('honours the EDNS0 payload size up to its own and advertises its own', () => {
    const responder = new DnsResponder(index(), { udpPayloadSize: 1232 });
    const big = ask(responder, query('many.default.svc.cluster.local', 'A', { edns: 4096 }));
    expect(big.flag_tc).toBe(false);
    expect(big.answers).toHaveLength(20);
    const opt = big.additionals?.find((a) => a.type === 'OPT') as OptAnswer;
    expect(opt.udpPayloadSize).toBe(1232);
    const small = ask(responder, query('many.default.svc.cluster.local', 'A', { edns: 512 }));
    expect(small.flag_tc).toBe(true);
    expect(small.additionals?.map((a) => a.type)).toEqual(['OPT']);
    const capped = ask(
      new DnsResponder(index(), { udpPayloadSize: 600 }),
      query('many.default.svc.cluster.local', 'A', { edns: 4096 }),
    );
    expect(capped.flag_tc).toBe(true);
  });

  it('drops the additional section before truncating', () => {
    const idx = new DnsIndex();
    idx.upsertService(newService({ name: 'eight', clusterIP: 'None' }));
    idx.upsertEndpoints(newEndpoints({ name: 'eight', ready: podAddresses(8), ports: [{ name: 'http', port: 80 }] }));
    const responder = new DnsResponder(idx);
    const q = query('_http._tcp.eight.default.svc.cluster.local', 'SRV', { edns: 1232 });
    expect(ask(responder, q, 'tcp').additionals).toHaveLength(9);
    const reply = ask(responder, q);
    expect(reply.flag_tc).toBe(false);
    expect(reply.answers).toHaveLength(8);
    expect(reply.additionals?.map((a) => a.type)).toEqual(['OPT']);
  });

  it('answers BADVERS to an EDNS version it does not speak', () => {
    const q = query('web.default.svc.cluster.local', 'A', { edns: 1232 });
    q[q.length - 11 + 6] = 1; // OPT TTL byte 2: EDNS version
    const reply = ask(new DnsResponder(index()), q);
    const opt = reply.additionals?.find((a) => a.type === 'OPT') as OptAnswer;
    expect(opt.extendedRcode).toBe(1);
    expect(reply.answers).toEqual([]);
  });

  it('rejects malformed messages with FORMERR, other opcodes with NOTIMP, and ignores responses', () => {
    const responder = new DnsResponder(index());
    expect(responder.respond(Buffer.from([1, 2, 3]), 'udp')).toBeNull();
    const cut = query('web.default.svc.cluster.local').subarray(0, 20);
    expect(ask(responder, cut)).toMatchObject({ rcode: 'FORMERR', questions: [] });
    const two = dnsPacket.encode({
      type: 'query',
      id: 3,
      questions: [
        { name: 'a.cluster.local', type: 'A' },
        { name: 'b.cluster.local', type: 'A' },
      ],
    });
    expect(ask(responder, two).rcode).toBe('FORMERR');
    const notify = query('cluster.local', 'SOA');
    notify[2] = (notify[2]! & 0x87) | (4 << 3);
    expect(ask(responder, notify)).toMatchObject({ rcode: 'NOTIMP', opcode: 'NOTIFY' });
    const response = query('web.default.svc.cluster.local');
    response[2] = response[2]! | 0x80;
    expect(responder.respond(response, 'udp')).toBeNull();
  });

  it('builds a SERVFAIL that keeps the question', () => {
    const responder = new DnsResponder(index());
    const reply = dnsPacket.decode(responder.servfail(query('example.com', 'A', { id: 77 })) as Buffer);
    expect(reply).toMatchObject({ id: 77, rcode: 'SERVFAIL', questions: [{ name: 'example.com', type: 'A' }] });
  });
});
