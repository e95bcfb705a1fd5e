import type { Redis } from 'ioredis';
import type { AllocationRange } from './addresses.ts';

/** What a reservation holds: a ClusterIP, a node port or a LoadBalancer address. */
export type ResourceKind = 'clusterip' | 'nodeport' | 'lb';

/** The Service a reservation belongs to. */
export interface Owner {
  uid: string;
  namespace: string;
  name: string;
}

export interface Holder extends Owner {
  /** When the reservation was made (ms since the epoch): young orphans may be a create still in flight. */
  at: number;
  raw: string;
}

export interface Reservation {
  kind: ResourceKind;
  id: string;
  holder: Holder;
}

/**
 * Walks the range from a random start and reserves (SET) the first value nobody holds, in one atomic step, so
 * API servers sharing the Redis never hand out the same value. Returns the value, or -1 when the range is full.
 * ARGV: key prefix, 1 for addresses / 0 for ports, first, size, start offset, holder value, dry run, reserved...
 */
const ALLOCATE_SCRIPT = `
local prefix = ARGV[1]
local isAddress = ARGV[2] == '1'
local first = tonumber(ARGV[3])
local size = tonumber(ARGV[4])
local start = tonumber(ARGV[5])
local dry = ARGV[7] == '1'
local reserved = {}
for i = 8, #ARGV do reserved[tonumber(ARGV[i])] = true end
for i = 0, size - 1 do
  local v = first + ((start + i) % size)
  if not reserved[v] then
    local id
    if isAddress then
      id = string.format('%d.%d.%d.%d', math.floor(v / 16777216) % 256, math.floor(v / 65536) % 256,
        math.floor(v / 256) % 256, v % 256)
    else
      id = string.format('%d', v)
    end
    if redis.call('EXISTS', prefix .. id) == 0 then
      if not dry then redis.call('SET', prefix .. id, ARGV[6]) end
      return v
    end
  end
end
return -1
`;

/** Replaces the holder only if it is still the one the caller saw (ARGV[1]; empty means absent). */
const REPLACE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** Deletes the reservation only if the given uid holds it. */
const RELEASE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

interface ScriptCommands {
  capstanAllocate(...args: (string | number)[]): Promise<number>;
  capstanReplace(key: string, expected: string, value: string): Promise<number>;
  capstanRelease(key: string, uid: string): Promise<number>;
}

/**
 * Reservations of service addresses and ports as Redis keys under the store's prefix
 * (`<prefix>alloc:<kind>:<id>`), each holding `<uid> <namespace>/<name> <ms>`. Every change is one atomic
 * command or script, so several API servers sharing one Redis never give one value to two Services.
 */
export class Reservations {
  private readonly scripts: ScriptCommands;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    redis.defineCommand('capstanAllocate', { numberOfKeys: 0, lua: ALLOCATE_SCRIPT });
    redis.defineCommand('capstanReplace', { numberOfKeys: 1, lua: REPLACE_SCRIPT });
    redis.defineCommand('capstanRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.scripts = redis as unknown as ScriptCommands;
  }

  key(kind: ResourceKind, id: string): string {
    return `${this.prefix}alloc:${kind}:${id}`;
  }

  async holder(kind: ResourceKind, id: string): Promise<Holder | undefined> {
    const raw = await this.redis.get(this.key(kind, id));
    return raw === null ? undefined : parseHolder(raw);
  }

  /**
   * Reserves `id` for `owner` if nobody holds it. Returns true when `owner` holds it afterwards (newly or
   * already), else the current holder.
   */
  async claim(kind: ResourceKind, id: string, owner: Owner): Promise<true | Holder> {
    const value = encodeHolder(owner);
    if ((await this.redis.set(this.key(kind, id), value, 'NX')) === 'OK') return true;
    const holder = await this.holder(kind, id);
    if (!holder) return this.claim(kind, id, owner);
    return holder.uid === owner.uid ? true : holder;
  }

  /** Takes `id` over from `expected` (compare-and-set); false when someone else changed it meanwhile. */
  async replace(kind: ResourceKind, id: string, expected: Holder | undefined, owner: Owner): Promise<boolean> {
    return (await this.scripts.capstanReplace(this.key(kind, id), expected?.raw ?? '', encodeHolder(owner))) === 1;
  }

  /** Reserves a free value of `range` for `owner` (dry run: only finds one). Undefined when the range is full. */
  async allocate(
    kind: ResourceKind,
    range: AllocationRange,
    owner: Owner,
    dryRun: boolean,
  ): Promise<number | undefined> {
    const start = Math.floor(Math.random() * range.size);
    const value = await this.scripts.capstanAllocate(
      `${this.prefix}alloc:${kind}:`,
      range.kind === 'address' ? '1' : '0',
      range.first,
      range.size,
      start,
      encodeHolder(owner),
      dryRun ? '1' : '0',
      ...range.reserved,
    );
    return value < 0 ? undefined : value;
  }

  /** Frees `id` if `uid` holds it. */
  async release(kind: ResourceKind, id: string, uid: string): Promise<boolean> {
    return (await this.scripts.capstanRelease(this.key(kind, id), uid)) === 1;
  }

  /** Every reservation under the prefix. */
  async list(): Promise<Reservation[]> {
    const out: Reservation[] = [];
    const base = `${this.prefix}alloc:`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.redis.mget(...keys);
      keys.forEach((key, i) => {
        const raw = values[i];
        const [kind, id] = splitOnce(key.slice(base.length), ':');
        if (raw && id && isResourceKind(kind)) out.push({ kind, id, holder: parseHolder(raw) });
      });
    } while (cursor !== '0');
    return out;
  }
}

function encodeHolder(owner: Owner): string {
  return `${owner.uid} ${owner.namespace}/${owner.name} ${Date.now()}`;
}

export function parseHolder(raw: string): Holder {
  const [uid = '', ref = '', at = '0'] = raw.split(' ');
  const [namespace = '', name = ''] = splitOnce(ref, '/');
  return { uid, namespace, name, at: Number(at) || 0, raw };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function isResourceKind(value: string): value is ResourceKind {
  return value === 'clusterip' || value === 'nodeport' || value === 'lb';
}
