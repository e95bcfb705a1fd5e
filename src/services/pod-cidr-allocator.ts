import type { Redis } from 'ioredis';
import { CapstanError } from '../api/errors.ts';
import type { KubeObject, Node } from '../api/types.ts';
import type { RedisStore } from '../store/redis-store.ts';
import type { AdmissionPlugin } from '../store/store.ts';
import { DEFAULT_CLUSTER_CIDR, intToIp, ipToInt } from './addresses.ts';

/** One /N block per node out of the cluster CIDR, by index. Pure, for tests. */
export interface ClusterCidr {
  readonly text: string;
  readonly network: number;
  readonly nodeMaskSize: number;
  /** How many node blocks the cluster CIDR holds. */
  readonly count: number;
}

export function parseClusterCidr(text: string, nodeMaskSize = 24, setting = 'CAPSTAN_CLUSTER_CIDR'): ClusterCidr {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text.trim());
  const bits = Number(match?.[2]);
  let ip: number | undefined;
  try {
    ip = match ? ipToInt(match[1]!) : undefined;
  } catch {
    ip = undefined;
  }
  if (ip === undefined || bits < 8 || bits > nodeMaskSize) {
    throw CapstanError.invalid([
      {
        field: setting,
        message: `"${text}" must be an IPv4 network such as ${DEFAULT_CLUSTER_CIDR} with a prefix from /8 to /${nodeMaskSize}`,
      },
    ]);
  }
  const size = 2 ** (32 - bits);
  const network = ip - (ip % size);
  return { text: `${intToIp(network)}/${bits}`, network, nodeMaskSize, count: 2 ** (nodeMaskSize - bits) };
}

export function blockCidr(cluster: ClusterCidr, index: number): string {
  return `${intToIp(cluster.network + index * 2 ** (32 - cluster.nodeMaskSize))}/${cluster.nodeMaskSize}`;
}

/** The block index of a podCIDR, or a message saying why it is not one of the cluster CIDR's node blocks. */
export function blockIndex(cluster: ClusterCidr, cidr: string): number | string {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr.trim());
  let ip: number;
  try {
    if (!match) throw new Error('no match');
    ip = ipToInt(match[1]!);
  } catch {
    return `"${cidr}" is not an IPv4 CIDR`;
  }
  const bits = Number(match[2]);
  const blockSize = 2 ** (32 - cluster.nodeMaskSize);
  const offset = ip - cluster.network;
  if (offset < 0 || offset >= cluster.count * blockSize) {
    return `"${cidr}" is outside the cluster CIDR ${cluster.text} (CAPSTAN_CLUSTER_CIDR)`;
  }
  if (bits !== cluster.nodeMaskSize || offset % blockSize !== 0) {
    return `"${cidr}" must be a /${cluster.nodeMaskSize} block of the cluster CIDR ${cluster.text}, such as ${blockCidr(cluster, Math.floor(offset / blockSize))}`;
  }
  return offset / blockSize;
}

/** Takes the lowest block nobody holds (SET), atomically. ARGV: key prefix, count, holder, dry run. */
const ALLOCATE_SCRIPT = `
local count = tonumber(ARGV[2])
for i = 0, count - 1 do
  if redis.call('EXISTS', ARGV[1] .. i) == 0 then
    if ARGV[4] ~= '1' then redis.call('SET', ARGV[1] .. i, ARGV[3]) end
    return i
  end
end
return -1
`;

/** Replaces the holder only if it is still the one the caller saw. KEYS[1]; ARGV: expected, new. */
const REPLACE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
return 0
`;

interface Holder {
  name: string;
  uid: string;
  at: number;
}

export interface PodCidrAllocatorOptions {
  /** Default 10.244.0.0/16 (CAPSTAN_CLUSTER_CIDR). */
  clusterCidr?: string;
  /** Prefix length of each node's block. Default 24. */
  nodeMaskSize?: number;
  /** A block held by a Node that does not exist is taken over once the reservation is this old. Default 10 s. */
  orphanGraceMs?: number;
}

/**
 * Admission for Nodes, as kube-controller-manager's `--allocate-node-cidrs`: a Node created without
 * `spec.podCIDR` gets the lowest free block of the cluster CIDR; a requested one must be such a block and not held
 * by another Node (CONFLICT). Reservations are Redis keys `<prefix>podcidr:<index>` set atomically, so API
 * servers sharing one Redis never hand out a block twice. podCIDR is immutable once set. Blocks of deleted Nodes
 * are taken over when a Node wants them (requested, or when no never-used block is left).
 */
export class PodCidrAllocator implements AdmissionPlugin {
  readonly kinds = ['Node'] as const;
  readonly cluster: ClusterCidr;
  private readonly orphanGraceMs: number;
  private store: RedisStore | undefined;
  private redis: Redis | undefined;
  private keyPrefix = '';

  constructor(options: PodCidrAllocatorOptions = {}) {
    this.cluster = parseClusterCidr(options.clusterCidr ?? DEFAULT_CLUSTER_CIDR, options.nodeMaskSize ?? 24);
    this.orphanGraceMs = options.orphanGraceMs ?? 10_000;
  }

  attach(store: RedisStore): this {
    this.store = store;
    this.redis = store.redis;
    this.keyPrefix = `${store.prefix}podcidr:`;
    return this;
  }

  async admit(request: { operation: 'create' | 'update'; object: KubeObject; old?: KubeObject; dryRun: boolean }) {
    const node = request.object as Node;
    const old = request.old as Node | undefined;
    const oldCidr = old?.spec?.podCIDR;
    const wanted = node.spec?.podCIDR;
    if (oldCidr) {
      if (!wanted || wanted === oldCidr) {
        // Kept (or dropped by a writer that sent no spec): the Node keeps the block it has.
        if (!wanted) return { ...node, spec: { ...node.spec, podCIDR: oldCidr } };
        return node;
      }
      throw CapstanError.invalid(
        [{ field: 'spec.podCIDR', message: `is immutable once set: ${oldCidr}, not ${wanted}` }],
        `Node ${node.metadata.name}`,
      );
    }
    const holder: Holder = { name: node.metadata.name, uid: node.metadata.uid, at: Date.now() };
    if (wanted) {
      const index = blockIndex(this.cluster, wanted);
      if (typeof index === 'string') {
        throw CapstanError.invalid([{ field: 'spec.podCIDR', message: index }], `Node ${node.metadata.name}`);
      }
      await this.reserve(index, holder, request.dryRun);
      return node;
    }
    const index = await this.allocate(holder, request.dryRun);
    return { ...node, spec: { ...node.spec, podCIDR: blockCidr(this.cluster, index) } };
  }

  private connected(): Redis {
    if (!this.redis) throw new CapstanError('UNAVAILABLE', 'the podCIDR allocator is not attached: call attach(store)');
    return this.redis;
  }

  private async reserve(index: number, holder: Holder, dryRun: boolean): Promise<void> {
    const redis = this.connected();
    const key = `${this.keyPrefix}${index}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const raw = dryRun
        ? await redis.get(key)
        : (await redis.set(key, JSON.stringify(holder), 'NX'))
          ? null
          : await redis.get(key);
      if (raw === null) return;
      if (await this.takeOver(key, raw, holder, dryRun)) return;
      const current = JSON.parse(raw) as Holder;
      if (current.name === holder.name && current.uid === holder.uid) return;
      if (current.name !== holder.name) {
        throw new CapstanError(
          'CONFLICT',
          `spec.podCIDR: ${blockCidr(this.cluster, index)} is already the podCIDR of node ${current.name}; choose another block of ${this.cluster.text} or let the control plane assign one`,
          { violations: [{ field: 'spec.podCIDR', message: `already allocated to node ${current.name}` }] },
        );
      }
    }
    throw new CapstanError('CONFLICT', `spec.podCIDR: ${blockCidr(this.cluster, index)} is being allocated; retry`);
  }

  /** Takes over a reservation whose Node is gone (or is the same name re-created); false when it is live. */
  private async takeOver(key: string, raw: string, holder: Holder, dryRun: boolean): Promise<boolean> {
    let current: Holder;
    try {
      current = JSON.parse(raw) as Holder;
    } catch {
      current = { name: '', uid: '', at: 0 };
    }
    if (current.uid === holder.uid) return true;
    const sameName = current.name === holder.name;
    if (!sameName && Date.now() - current.at < this.orphanGraceMs) return false;
    const named = current.name ? await this.store!.tryGet('Node', undefined, current.name) : undefined;
    const block = Number(key.slice(this.keyPrefix.length));
    const live = named && named.metadata.uid !== holder.uid && named.spec?.podCIDR === blockCidr(this.cluster, block);
    if (live) return false;
    if (dryRun) return true;
    return (await this.connected().eval(REPLACE_SCRIPT, 1, key, raw, JSON.stringify(holder))) === 1;
  }

  private async allocate(holder: Holder, dryRun: boolean): Promise<number> {
    const redis = this.connected();
    const index = Number(
      await redis.eval(
        ALLOCATE_SCRIPT,
        0,
        this.keyPrefix,
        this.cluster.count,
        JSON.stringify(holder),
        dryRun ? '1' : '0',
      ),
    );
    if (index >= 0) return index;
    // Every block was handed out once: take over the first one whose Node is gone.
    for (let i = 0; i < this.cluster.count; i++) {
      const key = `${this.keyPrefix}${i}`;
      const raw = await redis.get(key);
      if (raw === null) {
        if (dryRun || (await redis.set(key, JSON.stringify(holder), 'NX'))) return i;
        continue;
      }
      if (await this.takeOver(key, raw, holder, dryRun)) return i;
    }
    throw new CapstanError(
      'CONFLICT',
      `spec.podCIDR: the cluster CIDR ${this.cluster.text} is exhausted: all ${this.cluster.count} /${this.cluster.nodeMaskSize} blocks belong to nodes; delete unused Nodes or start the control plane with a larger CAPSTAN_CLUSTER_CIDR`,
      {
        violations: [
          { field: 'spec.podCIDR', message: `no free /${this.cluster.nodeMaskSize} left in ${this.cluster.text}` },
        ],
      },
    );
  }
}
