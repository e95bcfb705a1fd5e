import type { Node } from '../api/types.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { VTEP_MAC_ANNOTATION, ensureVxlanDevice, syncVxlan } from './vxlan.ts';

export interface Overlay {
  /** Resolves after the first sync from a synced Node cache. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The node's part of the VXLAN overlay: the device (created or reused) with its MAC published on the Node, and the
 * peers' routes, neighbours and FDB entries kept equal to the Node objects: a sync on every Node change (so a node
 * that joins or leaves is reflected within the watch latency) and every `resyncMs` to repair what others changed.
 */
export async function startOverlay(options: {
  store: Store;
  nodeName: string;
  nodeAddress: string;
  resyncMs?: number;
  logger: Logger;
}): Promise<Overlay> {
  const { store, nodeName, logger: log } = options;
  const mac = await ensureVxlanDevice(options.nodeAddress);
  await store.mutate('Node', undefined, nodeName, (node) =>
    node.metadata.annotations?.[VTEP_MAC_ANNOTATION] === mac
      ? node
      : {
          ...node,
          metadata: { ...node.metadata, annotations: { ...node.metadata.annotations, [VTEP_MAC_ANNOTATION]: mac } },
        },
  );
  const informer = new Informer(store, 'Node');
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const sync = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const actions = await syncVxlan(informer.list() as Node[]);
          if (actions.length > 0) log.info({ actions: actions.length }, 'VXLAN peers updated');
        } catch (err) {
          log.warn({ err }, 'VXLAN peer sync failed');
        }
      } while (again && !stopped);
    })().finally(() => (running = undefined));
    return running;
  };
  informer.addHandler({ onAdd: () => void sync(), onUpdate: () => void sync(), onDelete: () => void sync() });
  informer.start();
  const synced = informer.synced.then(() => sync());
  const timer = setInterval(() => void sync(), options.resyncMs ?? 10_000);
  timer.unref();
  return {
    synced,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await informer.stop();
      await running;
    },
  };
}
