import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { bridgeName } from '../src/node/cni.ts';
import { LABELS, SANDBOX_CONTAINER_NAME } from '../src/node/runtime.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import { containersInNamespace, httpGet } from './support/e2e-tools.ts';
import { waitFor } from './support/store.ts';

const run = promisify(execFile);
const REPLICAS = 20;
const GRACE_SECONDS = 12;

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.namespace('rc-term');
}, 120_000);

afterAll(async () => {
  await cluster?.cleanup();
}, 180_000);

async function veths(node: string): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link', 'show', 'master', bridgeName(node)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((l) => l.includes('veth'));
}

async function iptablesRules(): Promise<string> {
  const [v4, nat] = await Promise.all([run('iptables-save', []), run('iptables-save', ['-t', 'nat'])]);
  return v4.stdout + nat.stdout;
}

async function podsOf(app: string): Promise<Pod[]> {
  return (await cluster.store.list('Pod', { namespace: ns, labelSelector: `app=${app}` })).items;
}

/**
 * An RC whose containers ignore SIGTERM (the shell's ignored disposition survives its exec of httpd) and serve HTTP
 * on 8080. Each stops only at SIGKILL, when its grace period is over.
 */
async function createStubbornRc(name: string, graceSeconds: number): Promise<void> {
  await cluster.store.create('ReplicationController', {
    kind: 'ReplicationController',
    metadata: { name, namespace: ns },
    spec: {
      replicas: REPLICAS,
      selector: { app: name },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: graceSeconds,
          containers: [
            {
              name: 'web',
              image: 'capstan/busybox:latest',
              command: [
                'sh',
                '-c',
                "trap '' TERM; mkdir -p /www && echo up > /www/index.html && exec httpd -f -p 8080 -h /www",
              ],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
  });
}

describe('deleting a ReplicationController on real Docker', () => {
  it('takes all its pods out of the store and leaves no container, veth, address, CNI result or iptables rule, also when they ignore SIGTERM', async () => {
    const node = cluster.nodes[0]!;
    const before = await node.runtime.networkReservations(node.name);
    const vethsBefore = (await veths(node.name)).length;
    await createStubbornRc('stubborn', GRACE_SECONDS);
    const pods = await waitFor(
      async () => {
        const found = await podsOf('stubborn');
        const running = found.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
        return running.length === REPLICAS ? running : undefined;
      },
      { timeoutMs: 180_000, message: `${REPLICAS} pods Running` },
    );
    const ips = pods.map((p) => p.status!.podIP!);
    const sandboxIds = (await containersInNamespace(ns))
      .filter((c) => c.Labels[LABELS.containerName] === SANDBOX_CONTAINER_NAME)
      .map((c) => c.Id);
    expect(sandboxIds).toHaveLength(REPLICAS);
    expect((await veths(node.name)).length).toBe(vethsBefore + REPLICAS);
    expect(await httpGet(`http://${ips[0]}:8080/`)).toContain('up');

    const started = Date.now();
    await cluster.store.delete('ReplicationController', ns, 'stubborn');

    // During the grace period: the sandboxes are stopped beside the app containers, whose processes keep the
    // network namespace, so every pod still answers on its address.
    await waitFor(
      async () => {
        const sandboxes = (await containersInNamespace(ns)).filter(
          (c) => c.Labels[LABELS.containerName] === SANDBOX_CONTAINER_NAME,
        );
        return sandboxes.length === REPLICAS && sandboxes.every((c) => c.State === 'exited');
      },
      { timeoutMs: 30_000, message: 'every sandbox stopped while the apps run out their grace period' },
    );
    const stillTerminating = (await podsOf('stubborn')).length;
    expect(stillTerminating).toBe(REPLICAS);
    const answers = await Promise.all(ips.map((ip) => httpGet(`http://${ip}:8080/`).catch((e: unknown) => String(e))));
    expect(answers.filter((a) => a.includes('up'))).toHaveLength(REPLICAS);

    await waitFor(async () => (await podsOf('stubborn')).length === 0, {
      timeoutMs: 120_000,
      message: 'every pod gone from the store',
    });
    // Gone only after the grace period (SIGTERM ignored, so SIGKILL at its end).
    expect(Date.now() - started).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);

    // The stopped containers are removed beside the final delete: wait for the last of them.
    await waitFor(async () => (await containersInNamespace(ns)).length === 0, {
      timeoutMs: 60_000,
      message: 'no container left',
    });
    expect((await veths(node.name)).length).toBe(vethsBefore);
    const same = (x: string[], y: string[]): boolean => JSON.stringify([...x].sort()) === JSON.stringify([...y].sort());
    const after = await node.runtime.networkReservations(node.name);
    expect(same(after.addresses, before.addresses) && same(after.results, before.results)).toBe(true);
    const rules = await iptablesRules();
    for (const id of sandboxIds) expect(rules).not.toContain(id);
    for (const ip of ips) expect(rules).not.toContain(`${ip}/32`);
  }, 400_000);
});
