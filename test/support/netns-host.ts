/**
 * Run inside a network namespace (`nsenter --net=<netns> node --import tsx test/support/netns-host.ts CMD JSON`) by
 * test/vxlan.test.ts: plays one host's node network (bridge, VXLAN device, a pod wired by the real CNI plugins).
 * Prints one JSON line: the result, or { error, code }.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import type { Node } from '../../src/api/types.ts';
import {
  DEFAULT_CNI_PATH,
  bridgeName,
  execList,
  execPlugin,
  gatewayOf,
  nodeConfList,
  pluginStdin,
  podIPFromResult,
} from '../../src/node/cni.ts';
import { VXLAN_PORT, ensureVxlanDevice, readVxlanState, syncVxlan } from '../../src/node/vxlan.ts';

const run = promisify(execFile);
const [command, raw] = process.argv.slice(2) as [string, string];
const input = JSON.parse(raw ?? '{}') as Record<string, unknown>;

async function main(): Promise<unknown> {
  switch (command) {
    case 'setup': {
      const { node, podCidr, address, podNetns, dataDir } = input as Record<string, string>;
      await run('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
      const bridge = bridgeName(node!);
      await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
      await run('ip', ['addr', 'add', `${gatewayOf(podCidr!)}/24`, 'dev', bridge]);
      await run('ip', ['link', 'set', bridge, 'up']);
      const mac = await ensureVxlanDevice(address!);
      const list = nodeConfList({ node: node!, podCidr: podCidr!, dataDir: dataDir! });
      const base = { containerId: podNetns!, netns: `/var/run/netns/${podNetns}`, cniPath: DEFAULT_CNI_PATH };
      await execPlugin('loopback', { ...base, command: 'ADD', ifname: 'lo' }, pluginStdin(list, { type: 'loopback' }));
      const result = await execList(list, { ...base, command: 'ADD', ifname: 'eth0' });
      return { mac, podIP: podIPFromResult(result) };
    }
    case 'sync':
      return { actions: await syncVxlan(input.nodes as Node[]) };
    case 'state':
      return readVxlanState();
    case 'busy': {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(VXLAN_PORT, '0.0.0.0', resolve));
      try {
        return await ensureVxlanDevice(input.address as string);
      } finally {
        socket.close();
      }
    }
    case 'device':
      return ensureVxlanDevice(input.address as string);
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().then(
  (value) => process.stdout.write(`${JSON.stringify({ value })}\n`),
  (err: unknown) => {
    const e = err as { message?: string; code?: string };
    process.stdout.write(`${JSON.stringify({ error: e.message, code: e.code })}\n`);
  },
);
