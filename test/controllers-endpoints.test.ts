import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../src/api/types.ts';
import { isReady, startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { newPod, newService } from './support/fixtures.ts';
import { waitFor } from './support/store.ts';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 2 });
});

afterAll(async () => {
  await cp?.dispose();
});

const podIPs = (e: Endpoints | undefined, field: 'addresses' | 'notReadyAddresses') =>
  (e?.subsets ?? []).flatMap((s) => s[field] ?? []).map((a) => a.targetRef?.name);

describe('Endpoints controller', () => {
  it('lists ready and not-ready pods apart and follows readiness within a second', async () => {
    const ns = await cp.namespace();
    const service = newService('web', { namespace: ns, port: 80 });
    service.spec!.ports = [{ name: 'http', port: 80, targetPort: 'http' }];
    await cp.store.create('Service', service);
    for (const name of ['a', 'b']) {
      const pod = newPod(name, { namespace: ns, labels: { app: 'web' } });
      pod.spec!.containers[0]!.ports = [{ name: 'http', containerPort: 8080, hostPort: name === 'a' ? 30080 : 30081 }];
      // The hollow node's runtime answers this probe as the test sets it (setPodReady).
      pod.spec!.containers[0]!.readinessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 1, failureThreshold: 1 };
      await cp.store.create('Pod', pod);
    }
    const ready = await waitFor(
      async () => {
        const e = await cp.store.tryGet('Endpoints', ns, 'web');
        return podIPs(e, 'addresses').length === 2 ? e : undefined;
      },
      { message: 'two ready addresses' },
    );
    expect(ready.subsets).toHaveLength(1);
    expect(ready.subsets![0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = ready.subsets![0]!.addresses!.find((x) => x.targetRef?.name === 'a')!;
    expect(a.ip).toMatch(/^10\./);
    expect(a.nodeName).toMatch(/^hollow-/);
    expect(a.hostIP).toMatch(/^127\.0\.1\./);
    expect(a.hostPorts).toEqual([{ containerPort: 8080, protocol: 'TCP', hostIP: a.hostIP, hostPort: 30080 }]);

    const pod = await cp.store.get('Pod', ns, 'a');
    const node = cp.hollow.nodes.get(pod.spec!.nodeName!)!;
    // The agent notices a failing probe within its period (1 s); from the pod's status on, the controller's turn.
    await node.setPodReady(ns, 'a', false);
    await waitFor(async () => !isReady(await cp.store.get('Pod', ns, 'a')), { message: 'a not ready' });
    let started = Date.now();
    await waitFor(
      async () => {
        const e = await cp.store.get('Endpoints', ns, 'web');
        return podIPs(e, 'notReadyAddresses').join() === 'a' && podIPs(e, 'addresses').join() === 'b';
      },
      { timeoutMs: 1_000, intervalMs: 10, message: 'a listed as not ready within a second' },
    );
    expect(Date.now() - started).toBeLessThan(1_000);

    await node.setPodReady(ns, 'a', true);
    await waitFor(async () => isReady(await cp.store.get('Pod', ns, 'a')), { message: 'a ready' });
    started = Date.now();
    await waitFor(async () => podIPs(await cp.store.get('Endpoints', ns, 'web'), 'addresses').length === 2, {
      timeoutMs: 1_000,
      intervalMs: 10,
      message: 'a ready again within a second',
    });
  });

  it('drops deleted pods and removes the Endpoints with their Service; leaves selector-less services alone', async () => {
    const ns = await cp.namespace();
    await cp.store.create('Service', newService('web', { namespace: ns }));
    await cp.store.create('Pod', newPod('only', { namespace: ns, labels: { app: 'web' } }));
    await waitFor(async () => podIPs(await cp.store.tryGet('Endpoints', ns, 'web'), 'addresses').length === 1);
    await cp.store.delete('Pod', ns, 'only');
    await waitFor(async () => (await cp.store.get('Endpoints', ns, 'web')).subsets?.length === 0);

    const manual = newService('external', { namespace: ns });
    delete manual.spec!.selector;
    await cp.store.create('Service', manual);
    await cp.store.create('Endpoints', {
      kind: 'Endpoints',
      metadata: { name: 'external', namespace: ns },
      subsets: [{ addresses: [{ ip: '10.255.0.9' }], ports: [{ port: 80 }] }],
    });

    await cp.store.delete('Service', ns, 'web');
    await waitFor(async () => !(await cp.store.tryGet('Endpoints', ns, 'web')), { message: 'endpoints removed' });
    const kept = await cp.store.get('Endpoints', ns, 'external');
    expect(kept.subsets?.[0]?.addresses?.[0]?.ip).toBe('10.255.0.9');
  });
});
