import * as sdk from '../sdk/browser.ts';
import type { CapstanClient, CapstanDocument, Subscription } from '../sdk/browser.ts';
import type { CliKind } from './kinds.ts';

/** Any object as the CLI reads it: one of the generated "whole object" fragments. */
export type AnyObject =
  | sdk.PodFieldsFragment
  | sdk.ReplicationControllerFieldsFragment
  | sdk.DeploymentFieldsFragment
  | sdk.ServiceFieldsFragment
  | sdk.EndpointsFieldsFragment
  | sdk.NodeFieldsFragment
  | sdk.NamespaceFieldsFragment
  | sdk.EventFieldsFragment
  | sdk.PersistentVolumeClaimFieldsFragment
  | sdk.ConfigMapFieldsFragment
  | sdk.SecretFieldsFragment;

export interface ListArgs {
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchArgs {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  sinceResourceVersion?: string;
}

export interface WatchMessage {
  type: sdk.WatchEventType;
  resourceVersion: string;
  object: AnyObject | null;
}

/** The SDK operations of one kind, behind one shape so that verbs can work on any kind. */
export interface KindApi {
  list(client: CapstanClient, args: ListArgs): Promise<{ items: AnyObject[]; resourceVersion: string }>;
  get(client: CapstanClient, namespace: string, name: string): Promise<AnyObject | null>;
  watch(client: CapstanClient, args: WatchArgs): AsyncIterable<WatchMessage> & { close(): Promise<void> };
  remove(
    client: CapstanClient,
    namespace: string,
    name: string,
    options: { propagationPolicy?: sdk.PropagationPolicy; dryRun?: boolean; gracePeriodSeconds?: number },
  ): Promise<void>;
}

type ListResult = { items: AnyObject[]; resourceVersion: string };
type WatchResult = { watch: { type: sdk.WatchEventType; resourceVersion: string; object: object | null } };

function mapSubscription<T>(
  subscription: Subscription<T>,
  fn: (value: T) => WatchMessage,
): AsyncIterable<WatchMessage> & { close(): Promise<void> } {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const value of subscription) yield fn(value);
      } finally {
        await subscription.return();
      }
    },
    close: () => subscription.close(),
  };
}

function fromWatch(result: WatchResult): WatchMessage {
  const { type, resourceVersion, object } = result.watch;
  // Objects of other kinds never come on a watch of one kind; `{}` would only stand for one.
  return { type, resourceVersion, object: object && 'kind' in object ? (object as AnyObject) : null };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- one table of typed documents, checked by codegen */
function namespaced(docs: {
  list: CapstanDocument<any, any>;
  listField: string;
  get: CapstanDocument<any, any>;
  getField: string;
  watch: CapstanDocument<any, any>;
  remove: CapstanDocument<any, any>;
}): KindApi {
  return {
    list: async (client, args) => (await client.request(docs.list, { ...args }))[docs.listField] as ListResult,
    get: async (client, namespace, name) =>
      (await client.request(docs.get, { namespace, name }))[docs.getField] as AnyObject | null,
    watch: (client, args) =>
      mapSubscription(client.subscribe(docs.watch, { ...args }), (v) => fromWatch(v as WatchResult)),
    remove: async (client, namespace, name, options) => {
      await client.request(docs.remove, { namespace, name, ...options });
    },
  };
}

function clusterScoped(docs: Parameters<typeof namespaced>[0]): KindApi {
  return {
    list: async (client, args) =>
      (await client.request(docs.list, { labelSelector: args.labelSelector, fieldSelector: args.fieldSelector }))[
        docs.listField
      ] as ListResult,
    get: async (client, _namespace, name) =>
      (await client.request(docs.get, { name }))[docs.getField] as AnyObject | null,
    watch: (client, args) =>
      mapSubscription(
        client.subscribe(docs.watch, {
          labelSelector: args.labelSelector,
          fieldSelector: args.fieldSelector,
          sinceResourceVersion: args.sinceResourceVersion,
        }),
        (v) => fromWatch(v as WatchResult),
      ),
    remove: async (client, _namespace, name, options) => {
      await client.request(docs.remove, { name, ...options });
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export const KIND_API: Record<CliKind, KindApi> = {
  Pod: namespaced({
    list: sdk.ListPodsDocument,
    listField: 'pods',
    get: sdk.GetPodDocument,
    getField: 'pod',
    watch: sdk.WatchPodsDocument,
    remove: sdk.DeletePodDocument,
  }),
  ReplicationController: namespaced({
    list: sdk.ListReplicationControllersDocument,
    listField: 'replicationControllers',
    get: sdk.GetReplicationControllerDocument,
    getField: 'replicationController',
    watch: sdk.WatchReplicationControllersDocument,
    remove: sdk.DeleteReplicationControllerDocument,
  }),
  Deployment: namespaced({
    list: sdk.ListDeploymentsDocument,
    listField: 'deployments',
    get: sdk.GetDeploymentDocument,
    getField: 'deployment',
    watch: sdk.WatchDeploymentsDocument,
    remove: sdk.DeleteDeploymentDocument,
  }),
  Service: namespaced({
    list: sdk.ListServicesDocument,
    listField: 'services',
    get: sdk.GetServiceDocument,
    getField: 'service',
    watch: sdk.WatchServicesDocument,
    remove: sdk.DeleteServiceDocument,
  }),
  Endpoints: namespaced({
    list: sdk.ListEndpointsListDocument,
    listField: 'endpointsList',
    get: sdk.GetEndpointsDocument,
    getField: 'endpoints',
    watch: sdk.WatchEndpointsDocument,
    remove: sdk.DeleteEndpointsDocument,
  }),
  Node: clusterScoped({
    list: sdk.ListNodesDocument,
    listField: 'nodes',
    get: sdk.GetNodeDocument,
    getField: 'node',
    watch: sdk.WatchNodesDocument,
    remove: sdk.DeleteNodeDocument,
  }),
  Namespace: clusterScoped({
    list: sdk.ListNamespacesDocument,
    listField: 'namespaces',
    get: sdk.GetNamespaceDocument,
    getField: 'namespace',
    watch: sdk.WatchNamespacesDocument,
    remove: sdk.DeleteNamespaceDocument,
  }),
  Event: namespaced({
    list: sdk.ListEventsDocument,
    listField: 'events',
    get: sdk.GetEventDocument,
    getField: 'event',
    watch: sdk.WatchEventsDocument,
    remove: sdk.DeleteEventDocument,
  }),
  PersistentVolumeClaim: namespaced({
    list: sdk.ListPersistentVolumeClaimsDocument,
    listField: 'persistentVolumeClaims',
    get: sdk.GetPersistentVolumeClaimDocument,
    getField: 'persistentVolumeClaim',
    watch: sdk.WatchPersistentVolumeClaimsDocument,
    remove: sdk.DeletePersistentVolumeClaimDocument,
  }),
  ConfigMap: namespaced({
    list: sdk.ListConfigMapsDocument,
    listField: 'configMaps',
    get: sdk.GetConfigMapDocument,
    getField: 'configMap',
    watch: sdk.WatchConfigMapsDocument,
    remove: sdk.DeleteConfigMapDocument,
  }),
  Secret: namespaced({
    list: sdk.ListSecretsDocument,
    listField: 'secrets',
    get: sdk.GetSecretDocument,
    getField: 'secret',
    watch: sdk.WatchSecretsDocument,
    remove: sdk.DeleteSecretDocument,
  }),
};
