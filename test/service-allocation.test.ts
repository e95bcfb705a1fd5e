import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import type { ObjectInput, Service, ServiceSpec } from '../src/api/types.ts';
import { startAllocationRepair } from '../src/services/allocation-repair.ts';
import type { AllocationRepair } from '../src/services/allocation-repair.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { newTestStore, uniquePrefix, waitFor } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

async function allocatingStore(prefix: string): Promise<TestStore> {
  const allocator = new ServiceAllocator();
  const store = await newTestStore({ prefix, admission: [allocator] });
  allocator.attach(store);
  return store;
}

function service(name: string, spec: Partial<ServiceSpec> = {}): ObjectInput<Service> {
  return {
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isCapstanError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the write to be refused');
}

describe('service address allocation', () => {
  let store: TestStore;
  let peer: TestStore;
  let repair: AllocationRepair;

  beforeAll(async () => {
    const prefix = uniquePrefix('svc-alloc');
    store = await allocatingStore(prefix);
    // A second "API server" on the same Redis and prefix.
    peer = await allocatingStore(prefix);
    repair = startAllocationRepair(store, { orphanGraceMs: 0 });
    await repair.ready;
  });

  afterAll(async () => {
    await repair.stop();
    await peer.close();
    await store.dispose();
  });

  it('assigns unique ClusterIPs from the service range, never the DNS address, across API servers', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? store : peer).create('Service', service(`unique-${i}`))),
    );
    const ips = created.map((s) => s.spec!.clusterIP!);
    expect(new Set(ips).size).toBe(20);
    for (const ip of ips) {
      expect(ip).toMatch(/^10\.96\.\d+\.\d+$/);
      expect(ip).not.toBe('10.96.0.10');
    }
    const stored = await store.get('Service', 'default', 'unique-0');
    expect(stored.spec!.clusterIP).toBe(created[0]!.spec!.clusterIP);
  });

  it('leaves a headless service without an address', async () => {
    const svc = await store.create('Service', service('headless', { clusterIP: 'None' }));
    expect(svc.spec!.clusterIP).toBe('None');
  });

  it('gives a requested ClusterIP, refuses one out of range or taken', async () => {
    const svc = await store.create('Service', service('fixed-ip', { clusterIP: '10.96.7.7' }));
    expect(svc.spec!.clusterIP).toBe('10.96.7.7');
    const taken = await rejection(peer.create('Service', service('fixed-ip-2', { clusterIP: '10.96.7.7' })));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toContain('spec.clusterIP');
    const outside = await rejection(store.create('Service', service('outside', { clusterIP: '192.168.1.1' })));
    expect(outside.code).toBe('INVALID');
    expect(outside.message).toContain('spec.clusterIP');
    expect(outside.message).toContain('10.96.0.0/16');
  });

  it('keeps the ClusterIP immutable and carries it over an update that omits it', async () => {
    const svc = await store.create('Service', service('immutable'));
    const ip = svc.spec!.clusterIP!;
    const changed = await rejection(
      store.update('Service', {
        ...svc,
        spec: { ...svc.spec, clusterIP: ip === '10.96.9.9' ? '10.96.9.8' : '10.96.9.9' },
      }),
    );
    expect(changed.code).toBe('INVALID');
    expect(changed.message).toContain('spec.clusterIP');
    const { clusterIP: _omitted, ...rest } = svc.spec!;
    const updated = await store.update('Service', { ...svc, spec: { ...rest, selector: { app: 'other' } } });
    expect(updated.spec!.clusterIP).toBe(ip);
  });

  it('allocates node ports in 30000-32767 and refuses a requested one that is taken', async () => {
    const auto = await store.create('Service', service('np-auto', { type: 'NodePort' }));
    const port = auto.spec!.ports![0]!.nodePort!;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(32767);

    await store.create('Service', service('np-first', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    const taken = await rejection(
      peer.create('Service', service('np-second', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })),
    );
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toBe('spec.ports[0].nodePort: provided port is already allocated');
    const outside = await rejection(
      store.create('Service', service('np-out', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] })),
    );
    expect(outside.code).toBe('INVALID');
  });

  it('frees the node port and address of a deleted Service', async () => {
    const first = await store.create(
      'Service',
      service('freed-a', { type: 'NodePort', clusterIP: '10.96.8.8', ports: [{ port: 80, nodePort: 30081 }] }),
    );
    await store.delete('Service', 'default', first.metadata.name);
    const second = await waitFor(
      async () =>
        peer.create(
          'Service',
          service('freed-b', { type: 'NodePort', clusterIP: '10.96.8.8', ports: [{ port: 80, nodePort: 30081 }] }),
        ),
      { timeoutMs: 5000, message: 'the freed node port and ClusterIP to be reusable' },
    );
    expect(second.spec!.ports![0]!.nodePort).toBe(30081);
    expect(second.spec!.clusterIP).toBe('10.96.8.8');
  });

  it('reserves nothing on a dry run', async () => {
    const dry = await store.create(
      'Service',
      service('dry', { type: 'NodePort', ports: [{ port: 80, nodePort: 30082 }] }),
      { dryRun: true },
    );
    expect(dry.spec!.clusterIP).toMatch(/^10\.96\./);
    const real = await store.create(
      'Service',
      service('real', { type: 'NodePort', ports: [{ port: 80, nodePort: 30082 }] }),
    );
    expect(real.spec!.ports![0]!.nodePort).toBe(30082);
  });

  it('gives a LoadBalancer an address from the loopback pool in its status and keeps it on update', async () => {
    const lb = await store.create('Service', service('lb', { type: 'LoadBalancer' }));
    const ip = lb.status?.loadBalancer?.ingress?.[0]?.ip;
    expect(ip).toMatch(/^127\.0\.100\.\d+$/);
    expect(lb.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    const stored = await store.get('Service', 'default', 'lb');
    expect(stored.status?.loadBalancer?.ingress?.[0]?.ip).toBe(ip);
    const updated = await store.update('Service', {
      ...stored,
      spec: { ...stored.spec, selector: { app: 'changed' } },
    });
    expect(updated.status?.loadBalancer?.ingress?.[0]?.ip).toBe(ip);
    expect(updated.spec!.ports![0]!.nodePort).toBe(lb.spec!.ports![0]!.nodePort);
  });

  it('allocates node ports when the type changes to NodePort and frees them on the way back', async () => {
    const svc = await store.create('Service', service('retype'));
    const asNodePort = await store.update('Service', {
      ...svc,
      spec: { ...svc.spec, type: 'NodePort', ports: [{ port: 80, nodePort: 30083 }] },
    });
    expect(asNodePort.spec!.ports![0]!.nodePort).toBe(30083);
    const back = await store.update('Service', { ...asNodePort, spec: { ...asNodePort.spec, type: 'ClusterIP' } });
    expect(back.spec!.ports![0]!.nodePort).toBeUndefined();
    const reuse = await waitFor(
      async () =>
        peer.create('Service', service('retype-2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30083 }] })),
      { timeoutMs: 5000, message: 'node port 30083 to be freed' },
    );
    expect(reuse.spec!.ports![0]!.nodePort).toBe(30083);
  });

  it('gives a contested node port to exactly one of several concurrent creates', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? store : peer).create(
          'Service',
          service(`race-${i}`, { type: 'NodePort', ports: [{ port: 80, nodePort: 30084 }] }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isCapstanError(r.reason, 'CONFLICT')).toBe(true);
  });

  it('repairs a reservation leaked by a create that failed after admission', async () => {
    await store.create('Service', service('leaky', { type: 'NodePort', ports: [{ port: 80, nodePort: 30085 }] }));
    // Same name again: admission reserves 30086, then the store refuses the create (ALREADY_EXISTS).
    const duplicate = await rejection(
      store.create('Service', service('leaky', { type: 'NodePort', ports: [{ port: 80, nodePort: 30086 }] })),
    );
    expect(duplicate.code).toBe('ALREADY_EXISTS');
    const result = await repair.repair();
    expect(result.freed).toBeGreaterThanOrEqual(1);
    const other = await peer.create(
      'Service',
      service('not-leaky', { type: 'NodePort', ports: [{ port: 80, nodePort: 30086 }] }),
    );
    expect(other.spec!.ports![0]!.nodePort).toBe(30086);
  });
});
