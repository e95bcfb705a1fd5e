import { CAPSTAN_VERSION } from '../util/version.ts';
import { builder } from './builder.ts';

/** What a control plane tells clients about its cluster (`capstan version`, `capstan cluster-info`). */
export interface ClusterInfo {
  clusterDomain?: string;
  serviceCidr?: string;
  dnsServiceIp?: string;
  loadBalancerCidr?: string;
  /** host:port of the host-side DNS responder, once it listens. */
  dns?: string;
  /** The API endpoint other machines join (https://address:6443), when the server listens beyond loopback. */
  apiServer?: string;
  /** `sha256:<hex>` of the cluster CA's public key: `--discovery-token-ca-cert-hash`. */
  caCertHash?: string;
  /** The cluster-info kubeconfig bootstrap tokens sign (not a GraphQL field: it is served at /cluster-info). */
  discoveryKubeconfig?: string;
}

const ClusterInfoRef = builder.objectRef<ClusterInfo>('ClusterInfo').implement({
  description: "This API server's version and its cluster's settings; a field is null when the server has none.",
  fields: (t) => ({
    version: t.string({
      nullable: false,
      description: 'capstan/<version> of this server.',
      resolve: () => CAPSTAN_VERSION,
    }),
    clusterDomain: t.exposeString('clusterDomain', { description: 'The DNS zone of services (cluster.local).' }),
    serviceCidr: t.exposeString('serviceCidr', { description: 'The range ClusterIPs come from.' }),
    dnsServiceIp: t.exposeString('dnsServiceIp', { description: 'The cluster DNS address pods use, port 53.' }),
    loadBalancerCidr: t.exposeString('loadBalancerCidr', { description: 'The pool of LoadBalancer addresses.' }),
    dns: t.exposeString('dns', { description: 'host:port of the DNS responder for the host (dig @host -p port).' }),
    apiServer: t.exposeString('apiServer', {
      description: 'The TLS endpoint nodes join (https://address:6443); null when the API listens on loopback only.',
    }),
    caCertHash: t.exposeString('caCertHash', {
      description: "sha256:<hex> of the cluster CA's public key, for capstan node --discovery-token-ca-cert-hash.",
    }),
  }),
});

builder.queryField('clusterInfo', (t) =>
  t.field({
    type: ClusterInfoRef,
    nullable: false,
    description: "The server's version and the cluster's addresses (kubectl version, kubectl cluster-info).",
    resolve: (_root, _args, context) => context.clusterInfo ?? {},
  }),
);
