import type { Service } from '../api/types.ts';
import { Informer } from '../store/informer.ts';
import type { RedisStore } from '../store/redis-store.ts';
import { logger } from '../util/logger.ts';
import { Reservations } from './reservations.ts';
import { resourceKey, serviceResources, usesResource } from './service-resources.ts';
import type { ServiceResource } from './service-resources.ts';

export interface AllocationRepairOptions {
  /** Period of the full repair pass (one also runs at start). Default 60 s. */
  intervalMs?: number;
  /** Reservations younger than this are never freed: their Service may be a create still in flight. Default 30 s. */
  orphanGraceMs?: number;
}

export interface RepairResult {
  /** Reservations freed because no Service uses them. */
  freed: number;
  /** Values a Service uses that were missing or held by a stale owner, now reserved for it. */
  claimed: number;
}

export interface AllocationRepair {
  /** Resolves after the Service informer synced and the first repair pass ran. */
  readonly ready: Promise<void>;
  /** Runs a full repair pass now. */
  repair(): Promise<RepairResult>;
  stop(): Promise<void>;
}

const log = logger.child({ component: 'allocation-repair' });

/**
 * Frees ClusterIPs, node ports and LoadBalancer addresses that no Service uses any more: at once when a Service
 * is deleted or stops using a value (type changed to ClusterIP), and in a periodic pass that also catches leaks
 * from crashes and from creates that failed after admission. The pass re-reads Services from the store (not a
 * cache), so a value is only freed when the stored state says it is unused. Running it on several processes is
 * safe: every change is a compare-and-set on the reservation's holder.
 */
export function startAllocationRepair(store: RedisStore, options: AllocationRepairOptions = {}): AllocationRepair {
  const reservations = new Reservations(store.redis, store.prefix);
  const graceMs = options.orphanGraceMs ?? 30_000;
  const informer = new Informer(store, 'Service');
  const release = (svc: Service, resources: ServiceResource[]): void => {
    for (const r of resources) {
      reservations
        .release(r.kind, r.id, svc.metadata.uid)
        .catch((err: unknown) => log.warn({ err, resource: r }, 'release failed'));
    }
  };
  informer.addHandler({
    onDelete: (svc) => release(svc, serviceResources(svc)),
    onUpdate: (previous, svc) => {
      const kept = new Set(serviceResources(svc).map(resourceKey));
      release(
        previous,
        serviceResources(previous).filter((r) => !kept.has(resourceKey(r))),
      );
    },
  });
  informer.start();

  let running: Promise<RepairResult> | undefined;
  const repair = (): Promise<RepairResult> => {
    running ??= repairPass(store, reservations, graceMs).finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    repair().catch((err: unknown) => log.warn({ err }, 'repair pass failed'));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  const ready = informer.synced.then(() => repair()).then(() => undefined);
  ready.catch((err: unknown) => log.warn({ err }, 'first repair pass failed'));

  return {
    ready,
    repair,
    async stop() {
      clearInterval(timer);
      await informer.stop();
      await running?.catch(() => undefined);
    },
  };
}

async function repairPass(store: RedisStore, reservations: Reservations, graceMs: number): Promise<RepairResult> {
  const result: RepairResult = { freed: 0, claimed: 0 };
  const users = new Map<string, Service>();
  let continueToken: string | undefined;
  do {
    const page = await store.list('Service', { limit: 500, ...(continueToken ? { continue: continueToken } : {}) });
    for (const svc of page.items) for (const r of serviceResources(svc)) users.set(resourceKey(r), svc);
    continueToken = page.continue;
  } while (continueToken);

  const held = new Set<string>();
  const now = Date.now();
  for (const { kind, id, holder } of await reservations.list()) {
    const key = resourceKey({ kind, id });
    held.add(key);
    const user = users.get(key);
    if (user?.metadata.uid === holder.uid) continue;
    if (now - holder.at < graceMs) continue;
    if (user) {
      if (
        (await stillUses(store, user, { kind, id })) &&
        (await reservations.replace(kind, id, holder, ownerOf(user)))
      ) {
        result.claimed++;
      }
    } else if (await reservations.release(kind, id, holder.uid)) {
      result.freed++;
    }
  }
  for (const [key, svc] of users) {
    if (held.has(key)) continue;
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)] as [
      ServiceResource['kind'],
      string,
    ];
    if (!(await stillUses(store, svc, { kind, id }))) continue;
    if ((await reservations.claim(kind, id, ownerOf(svc))) === true) result.claimed++;
  }
  if (result.freed || result.claimed) log.info(result, 'repaired service address reservations');
  return result;
}

/** Re-read before claiming: the Service may have been deleted or changed since the list (and its values freed). */
async function stillUses(store: RedisStore, svc: Service, resource: ServiceResource): Promise<boolean> {
  const current = await store.tryGet('Service', svc.metadata.namespace, svc.metadata.name);
  return current?.metadata.uid === svc.metadata.uid && usesResource(current, resource);
}

function ownerOf(svc: Service) {
  return { uid: svc.metadata.uid, namespace: svc.metadata.namespace ?? 'default', name: svc.metadata.name };
}
