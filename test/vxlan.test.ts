import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node } from '../src/api/types.ts';
import { VTEP_MAC_ANNOTATION, VXLAN_DEVICE } from '../src/node/vxlan.ts';

const run = promisify(execFile);

/**
 * Two hosts of our own: network namespaces joined by a veth pair on 10.232.0.0/24 (a range no other test uses), each
 * with a node bridge, the VXLAN device and one "pod" (a namespace wired by the real bridge/host-local plugins).
 * The node network runs inside each host through test/support/netns-host.ts; the Node objects are built here.
 */
const tag = Math.random().toString(36).slice(2, 6);
const hosts = [
  {
    netns: `capstan-vx${tag}a`,
    pod: `capstan-vx${tag}pa`,
    node: `vx${tag}a`,
    address: '10.232.0.1',
    podCidr: '10.233.1.0/24',
  },
  {
    netns: `capstan-vx${tag}b`,
    pod: `capstan-vx${tag}pb`,
    node: `vx${tag}b`,
    address: '10.232.0.2',
    podCidr: '10.233.2.0/24',
  },
];
const spare = `capstan-vx${tag}c`;
let dataDir: string;
const seen: { mac: string; podIP: string }[] = [];

async function inHost(
  netns: string,
  command: string,
  input: unknown = {},
): Promise<{ value?: unknown; error?: string; code?: string }> {
  const { stdout } = await (run('nsenter', [
    `--net=/var/run/netns/${netns}`,
    process.execPath,
    '--import',
    'tsx',
    'test/support/netns-host.ts',
    command,
    JSON.stringify(input),
  ]).catch((err: { stderr?: string; code?: unknown; signal?: unknown }) => {
    // The host's own words, not just "Command failed": it printed them on stderr when it crashed.
    throw new Error(`netns-host ${command} in ${netns} exited ${String(err.code ?? err.signal)}: ${err.stderr ?? ''}`);
  }) as Promise<{ stdout: string }>);
  return JSON.parse(stdout.trim().split('\n').pop()!) as { value?: unknown; error?: string };
}

function nodeObject(i: number): Node {
  const h = hosts[i]!;
  return {
    kind: 'Node',
    metadata: { name: h.node, uid: h.node, annotations: { [VTEP_MAC_ANNOTATION]: seen[i]!.mac } },
    spec: { podCIDR: h.podCidr },
    status: { addresses: [{ type: 'InternalIP', address: h.address }] },
  } as unknown as Node;
}

async function ping(fromPod: string, ip: string): Promise<boolean> {
  return run('ip', ['netns', 'exec', fromPod, 'busybox', 'ping', '-c', '1', '-W', '2', ip]).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'capstan-vxlan-'));
  for (const h of hosts) {
    await run('ip', ['netns', 'add', h.netns]);
    await run('ip', ['netns', 'add', h.pod]);
  }
  await run('ip', ['netns', 'add', spare]);
  await run('ip', [
    'link',
    'add',
    `vx${tag}a`,
    'netns',
    hosts[0]!.netns,
    'type',
    'veth',
    'peer',
    'name',
    `vx${tag}b`,
    'netns',
    hosts[1]!.netns,
  ]);
  for (const [i, h] of hosts.entries()) {
    const link = `vx${tag}${i === 0 ? 'a' : 'b'}`;
    await run('ip', ['-n', h.netns, 'addr', 'add', `${h.address}/24`, 'dev', link]);
    await run('ip', ['-n', h.netns, 'link', 'set', link, 'up']);
    await run('ip', ['-n', h.netns, 'link', 'set', 'lo', 'up']);
    const out = await inHost(h.netns, 'setup', {
      node: h.node,
      podCidr: h.podCidr,
      address: h.address,
      podNetns: h.pod,
      dataDir: join(dataDir, h.node),
    });
    if (out.error) throw new Error(out.error);
    seen.push(out.value as { mac: string; podIP: string });
  }
}, 60_000);

afterAll(async () => {
  for (const name of [...hosts.flatMap((h) => [h.pod, h.netns]), spare]) {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('VXLAN between hosts', () => {
  it('carries pod traffic between hosts once each knows the other from its Node, and stops when the peer leaves', async () => {
    expect(await ping(hosts[0]!.pod, seen[1]!.podIP)).toBe(false);
    const nodes = [nodeObject(0), nodeObject(1)];
    for (const h of hosts) expect((await inHost(h.netns, 'sync', { nodes })).error).toBeUndefined();
    expect(await ping(hosts[0]!.pod, seen[1]!.podIP)).toBe(true);
    expect(await ping(hosts[1]!.pod, seen[0]!.podIP)).toBe(true);
    // Its own podCIDR is on its bridge: no tunnel route to itself.
    const state = (await inHost(hosts[0]!.netns, 'state')).value as {
      routes: { dst: string }[];
      fdb: { dst: string }[];
    };
    expect(state.routes.map((r) => r.dst)).toEqual([hosts[1]!.podCidr]);
    expect(state.fdb.map((f) => f.dst)).toEqual([hosts[1]!.address]);
    // Idempotent: a second sync changes nothing.
    expect((await inHost(hosts[0]!.netns, 'sync', { nodes })).value).toEqual({ actions: [] });
    // Node b leaves: a forgets its route, neighbour and FDB entry.
    await inHost(hosts[0]!.netns, 'sync', { nodes: [nodeObject(0)] });
    const after = (await inHost(hosts[0]!.netns, 'state')).value as {
      routes: unknown[];
      neighbours: unknown[];
      fdb: unknown[];
    };
    expect(after).toEqual({ routes: [], neighbours: [], fdb: [] });
    expect(await ping(hosts[0]!.pod, seen[1]!.podIP)).toBe(false);
  }, 60_000);

  it('names the setting when the node address is on no interface, and the port when 8472 is taken', async () => {
    const outside = await inHost(spare, 'device', { address: '10.232.9.9' });
    expect(outside.code).toBe('INVALID');
    expect(outside.error).toContain('CAPSTAN_NODE_ADDRESS');
    await run('ip', ['-n', spare, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', spare, 'addr', 'add', '127.0.0.2/8', 'dev', 'lo']).catch(() => undefined);
    const busy = await inHost(spare, 'busy', { address: '127.0.0.1' });
    expect(busy.code).toBe('UNAVAILABLE');
    expect(busy.error).toContain('UDP port 8472');
    const { stdout } = await run('ip', ['-n', spare, 'link', 'show']);
    expect(stdout).not.toContain(VXLAN_DEVICE);
  }, 60_000);
});
