import { describe, expect, it } from 'vitest';
import { DnsIndex, RR, reverseName, type LookupResult } from './dns-index.ts';
import { newEndpoints, newService, podAddresses } from './dns-fixtures.ts';

function data(result: LookupResult): unknown[] {
  return result.status === 'answer' ? result.answers.map((a) => ('data' in a ? a.data : undefined)) : [];
}

function withWebAndDb(): DnsIndex {
  const index = new DnsIndex();
  index.upsertService(
    newService({
      name: 'web',
      clusterIP: '10.96.0.10',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'DNS', port: 53, protocol: 'UDP' }, { port: 8080 }],
    }),
  );
  index.upsertService(newService({ name: 'db', clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
  index.upsertEndpoints(
    newEndpoints({
      name: 'db',
      ready: [{ ip: '10.244.0.5', hostname: 'db-0' }, { ip: '10.244.0.6' }],
      notReady: [{ ip: '10.244.0.7', hostname: 'db-2' }],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    }),
  );
  return index;
}

describe('DnsIndex', () => {
  it('answers a ClusterIP service name with its ClusterIP', () => {
    const index = withWebAndDb();
    expect(index.lookup('web.default.svc.cluster.local', RR.A)).toEqual({
      status: 'answer',
      answers: [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.10' }],
      additionals: [],
    });
  });

  it('has SRV records for named ports only, protocol lowercased, targeting the service', () => {
    const index = withWebAndDb();
    const http = index.lookup('_http._tcp.web.default.svc.cluster.local', RR.SRV);
    expect(data(http)).toEqual([{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    expect(data(index.lookup('_dns._udp.web.default.svc.cluster.local', RR.SRV))).toHaveLength(1);
    expect(http.status === 'answer' && http.additionals).toEqual([
      { name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.10' },
    ]);
    expect(index.lookup('_8080._tcp.web.default.svc.cluster.local', RR.SRV).status).toBe('nxdomain');
    // `_tcp.web...` holds no record but has one below it: an empty non-terminal, not NXDOMAIN.
    expect(index.lookup('_tcp.web.default.svc.cluster.local', RR.SRV).status).toBe('nodata');
  });

  it('maps a ClusterIP back to the service name', () => {
    const index = withWebAndDb();
    expect(data(index.lookup('10.0.96.10.in-addr.arpa', RR.PTR))).toEqual(['web.default.svc.cluster.local']);
    expect(index.isAuthoritative('10.0.96.10.in-addr.arpa')).toBe(true);
    expect(index.lookup('11.0.96.10.in-addr.arpa', RR.PTR).status).toBe('outside');
  });

  it('answers a headless service with its ready endpoint addresses only', () => {
    const index = withWebAndDb();
    expect(data(index.lookup('db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.5', '10.244.0.6']);
    expect(data(index.lookup('db-0.db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.5']);
    expect(data(index.lookup('10-244-0-6.db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.6']);
    expect(index.lookup('db-2.db.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
  });

  it('gives a headless service one SRV record per ready endpoint and PTRs to endpoint names', () => {
    const index = withWebAndDb();
    const srv = index.lookup('_pg._tcp.db.default.svc.cluster.local', RR.SRV);
    expect(data(srv)).toEqual([
      { priority: 0, weight: 100, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
      { priority: 0, weight: 100, port: 5432, target: '10-244-0-6.db.default.svc.cluster.local' },
    ]);
    expect(srv.status === 'answer' && srv.additionals.map((a) => a.data)).toEqual(['10.244.0.5', '10.244.0.6']);
    expect(data(index.lookup('5.0.244.10.in-addr.arpa', RR.PTR))).toEqual(['db-0.db.default.svc.cluster.local']);
    expect(index.lookup('7.0.244.10.in-addr.arpa', RR.PTR).status).toBe('outside');
  });

  it('keeps a headless service without ready endpoints as an existing name without records', () => {
    const index = new DnsIndex();
    index.upsertService(newService({ name: 'db', clusterIP: 'None' }));
    expect(index.lookup('db.default.svc.cluster.local', RR.A).status).toBe('nodata');
    index.upsertEndpoints(newEndpoints({ name: 'db', ready: [{ ip: '10.244.0.5' }] }));
    expect(data(index.lookup('db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.5']);
    index.deleteEndpoints('default', 'db');
    expect(index.lookup('db.default.svc.cluster.local', RR.A).status).toBe('nodata');
    expect(index.lookup('5.0.244.10.in-addr.arpa', RR.PTR).status).toBe('outside');
  });

  it('uses endpoints that arrived before their service', () => {
    const index = new DnsIndex();
    index.upsertEndpoints(newEndpoints({ name: 'db', ready: [{ ip: '10.244.0.5' }] }));
    expect(index.lookup('db.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    index.upsertService(newService({ name: 'db', clusterIP: 'None' }));
    expect(data(index.lookup('db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.5']);
  });

  it('tells existing names without the asked type (NODATA) from unknown names (NXDOMAIN)', () => {
    const index = withWebAndDb();
    expect(index.lookup('web.default.svc.cluster.local', RR.AAAA).status).toBe('nodata');
    expect(index.lookup('web.default.svc.cluster.local', RR.TXT).status).toBe('nodata');
    expect(index.lookup('default.svc.cluster.local', RR.A).status).toBe('nodata');
    expect(index.lookup('svc.cluster.local', RR.A).status).toBe('nodata');
    expect(index.lookup('nope.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('other.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('example.com', RR.A).status).toBe('outside');
  });

  it('removes every record of a deleted service, and its namespace name when it was the last', () => {
    const index = withWebAndDb();
    index.deleteService('default', 'web');
    index.deleteService('default', 'db');
    expect(index.lookup('web.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('_http._tcp.web.default.svc.cluster.local', RR.SRV).status).toBe('nxdomain');
    expect(index.lookup('10.0.96.10.in-addr.arpa', RR.PTR).status).toBe('outside');
    expect(index.lookup('db-0.db.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.size).toBe(0);
  });

  it('replaces the records of an updated service without touching the others', () => {
    const index = withWebAndDb();
    const version = index.version;
    index.upsertService(newService({ name: 'web', clusterIP: '10.96.0.11', ports: [] }));
    expect(index.version).toBeGreaterThan(version);
    expect(data(index.lookup('web.default.svc.cluster.local', RR.A))).toEqual(['10.96.0.11']);
    expect(index.lookup('10.0.96.10.in-addr.arpa', RR.PTR).status).toBe('outside');
    expect(index.lookup('_http._tcp.web.default.svc.cluster.local', RR.SRV).status).toBe('nxdomain');
    expect(data(index.lookup('db-0.db.default.svc.cluster.local', RR.A))).toEqual(['10.244.0.5']);
  });

  it('applies watch events, DELETED included', () => {
    const index = new DnsIndex();
    const svc = newService({ name: 'web', namespace: 'shop', clusterIP: '10.96.1.1' });
    index.applyServiceEvent({ type: 'ADDED', object: svc });
    expect(data(index.lookup('web.shop.svc.cluster.local', RR.A))).toEqual(['10.96.1.1']);
    index.applyServiceEvent({ type: 'DELETED', object: svc });
    expect(index.lookup('web.shop.svc.cluster.local', RR.A).status).toBe('nxdomain');
  });

  it('drops what is gone on replaceAll', () => {
    const index = withWebAndDb();
    index.replaceAll([newService({ name: 'api', clusterIP: '10.96.0.20' })], []);
    expect(index.lookup('web.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('db.default.svc.cluster.local', RR.A).status).toBe('nxdomain');
    expect(data(index.lookup('api.default.svc.cluster.local', RR.A))).toEqual(['10.96.0.20']);
  });

  it('synthesizes pod A records from dashed addresses', () => {
    const index = new DnsIndex();
    expect(data(index.lookup('10-244-1-7.any.pod.cluster.local', RR.A))).toEqual(['10.244.1.7']);
    expect(index.lookup('10-244-1-7.any.pod.cluster.local', RR.AAAA).status).toBe('nodata');
    expect(index.lookup('10-244-1-300.any.pod.cluster.local', RR.A).status).toBe('nxdomain');
    expect(index.lookup('any.pod.cluster.local', RR.A).status).toBe('nodata');
  });

  it('serves SOA and NS at the apex and the schema version', () => {
    const index = new DnsIndex({ zone: 'Example.Test', ttl: 30, nameserverIp: '127.0.0.1' });
    const soa = index.lookup('example.test', RR.SOA);
    expect(soa.status === 'answer' && soa.answers[0]).toMatchObject({
      name: 'example.test',
      type: 'SOA',
      ttl: 30,
      data: { mname: 'ns.dns.example.test', minimum: 30 },
    });
    expect(data(index.lookup('example.test', RR.NS))).toEqual(['ns.dns.example.test']);
    expect(data(index.lookup('ns.dns.example.test', RR.A))).toEqual(['127.0.0.1']);
    expect(data(index.lookup('dns-version.example.test', RR.TXT))).toEqual(['1.0.0']);
    expect(index.lookup('web.default.svc.cluster.local', RR.A).status).toBe('outside');
  });

  it('raises the SOA serial on every change', () => {
    const index = new DnsIndex();
    const before = index.serial;
    index.upsertService(newService({ name: 'web', clusterIP: '10.96.0.10' }));
    expect(index.serial).toBeGreaterThan(before);
    expect(index.soaFor('x.cluster.local').data.serial).toBe(index.serial);
  });

  it('rejects an invalid zone or ttl', () => {
    expect(() => new DnsIndex({ zone: 'bad zone' })).toThrow(/not a valid domain name/);
    expect(() => new DnsIndex({ ttl: -1 })).toThrow(/ttl/);
  });

  it('builds reverse names for IPv4 only', () => {
    expect(reverseName('10.96.0.1')).toBe('1.0.96.10.in-addr.arpa');
    expect(reverseName('fd00::1')).toBeUndefined();
  });

  it('handles a large headless service', () => {
    const index = new DnsIndex();
    index.upsertService(newService({ name: 'big', clusterIP: 'None' }));
    index.upsertEndpoints(newEndpoints({ name: 'big', ready: podAddresses(1000) }));
    expect(data(index.lookup('big.default.svc.cluster.local', RR.A))).toHaveLength(1000);
    index.upsertEndpoints(newEndpoints({ name: 'big', ready: podAddresses(10) }));
    expect(data(index.lookup('big.default.svc.cluster.local', RR.A))).toHaveLength(10);
    expect(index.size).toBe(1 + 10 * 2);
  });
});
