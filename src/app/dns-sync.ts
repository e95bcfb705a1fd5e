import type { DnsIndex } from '../dns/dns-index.ts';
import { Informer } from '../store/informer.ts';
import type { Store } from '../store/store.ts';

export interface DnsSync {
  /** Resolves when the index holds every Service and Endpoints object of the first list. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

/** Keeps a DNS index current from Service and Endpoints informers: lookups never wait on Redis. */
export function syncDnsIndex(store: Store, index: DnsIndex): DnsSync {
  const services = new Informer(store, 'Service');
  const endpoints = new Informer(store, 'Endpoints');
  services.addHandler({
    onAdd: (svc) => index.upsertService(svc),
    onUpdate: (_old, svc) => index.upsertService(svc),
    onDelete: (svc) => index.deleteService(svc.metadata.namespace ?? 'default', svc.metadata.name),
  });
  endpoints.addHandler({
    onAdd: (ep) => index.upsertEndpoints(ep),
    onUpdate: (_old, ep) => index.upsertEndpoints(ep),
    onDelete: (ep) => index.deleteEndpoints(ep.metadata.namespace ?? 'default', ep.metadata.name),
  });
  services.start();
  endpoints.start();
  return {
    synced: Promise.all([services.synced, endpoints.synced]).then(() => undefined),
    async stop() {
      await Promise.all([services.stop(), endpoints.stop()]);
    },
  };
}
