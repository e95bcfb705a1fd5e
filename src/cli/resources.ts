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
  | sdk.SecretFieldsFragment
  | sdk.LeaseFieldsFragment;

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
  /** The object, or null when there is none of that name. */
  get(client: CapstanClient, namespace: string, name: string): Promise<AnyObject | null>;
  watch(client: CapstanClient, args: WatchArgs): AsyncIterable<WatchMessage> & { close(): Promise<void> };
  remove(
    client: CapstanClient,
    namespace: string,
    name: string,
    options: { propagationPolicy?: sdk.PropagationPolicy; dryRun?: boolean; gracePeriodSeconds?: number },
  ): Promise<void>;
  /** Replaces the object with `input`; CONFLICT unless it is still at `expectedResourceVersion`. */
  update(
    client: CapstanClient,
    input: Record<string, unknown>,
    expectedResourceVersion: string,
    dryRun: boolean,
  ): Promise<void>;
  /** Absent for the kinds `capstan create` refuses (Node, Event: the SDK has no create document for them). */
  create?(client: CapstanClient, input: Record<string, unknown>, dryRun: boolean): Promise<void>;
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
/** The generated SDK documents of one kind. The SDK has no create document for Node and Event. */
interface KindDocuments {
  list: CapstanDocument<any, any>;
  get: CapstanDocument<any, any>;
  watch: CapstanDocument<any, any>;
  remove: CapstanDocument<any, any>;
  update: CapstanDocument<any, any>;
  create?: CapstanDocument<any, any>;
}

/**
 * The operations of a kind from its documents: `field` names one object as an argument and a result
 * (`replicationController`), `listField` the list query's result; a cluster-scoped kind sends no namespace.
 */
function kindApi(scope: 'namespaced' | 'cluster', field: string, listField: string, docs: KindDocuments): KindApi {
  const namespaced = scope === 'namespaced';
  const at = (namespace: string, name: string) => (namespaced ? { namespace, name } : { name });
  const { create } = docs;
  return {
    list: async (client, { labelSelector, fieldSelector, ...where }) => {
      const variables = namespaced ? { ...where, labelSelector, fieldSelector } : { labelSelector, fieldSelector };
      return (await client.request(docs.list, variables))[listField] as ListResult;
    },
    get: async (client, namespace, name) => {
      try {
        return (await client.request(docs.get, at(namespace, name)))[field] as AnyObject | null;
      } catch (err) {
        // Some kinds' queries answer a missing object with null, others with NOT_FOUND: both are "not there".
        if (sdk.isCapstanClientError(err, 'NOT_FOUND')) return null;
        throw err;
      }
    },
    watch: (client, { namespace, ...selectors }) =>
      mapSubscription(client.subscribe(docs.watch, namespaced ? { namespace, ...selectors } : selectors), (v) =>
        fromWatch(v as WatchResult),
      ),
    remove: async (client, namespace, name, options) => {
      await client.request(docs.remove, { ...at(namespace, name), ...options });
    },
    update: async (client, input, expectedResourceVersion, dryRun) => {
      await client.request(docs.update, { [field]: input, expectedResourceVersion, dryRun });
    },
    ...(create
      ? {
          create: async (client: CapstanClient, input: Record<string, unknown>, dryRun: boolean) => {
            await client.request(create, { [field]: input, dryRun });
          },
        }
      : {}),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Every SDK document the CLI sends, by kind: the one table its verbs look a kind's operations up in. */
export const KIND_API: Record<CliKind, KindApi> = {
  Pod: kindApi('namespaced', 'pod', 'pods', {
    list: sdk.ListPodsDocument,
    get: sdk.GetPodDocument,
    watch: sdk.WatchPodsDocument,
    remove: sdk.DeletePodDocument,
    update: sdk.UpdatePodDocument,
    create: sdk.CreatePodDocument,
  }),
  ReplicationController: kindApi('namespaced', 'replicationController', 'replicationControllers', {
    list: sdk.ListReplicationControllersDocument,
    get: sdk.GetReplicationControllerDocument,
    watch: sdk.WatchReplicationControllersDocument,
    remove: sdk.DeleteReplicationControllerDocument,
    update: sdk.UpdateReplicationControllerDocument,
    create: sdk.CreateReplicationControllerDocument,
  }),
  Deployment: kindApi('namespaced', 'deployment', 'deployments', {
    list: sdk.ListDeploymentsDocument,
    get: sdk.GetDeploymentDocument,
    watch: sdk.WatchDeploymentsDocument,
    remove: sdk.DeleteDeploymentDocument,
    update: sdk.UpdateDeploymentDocument,
    create: sdk.CreateDeploymentDocument,
  }),
  Service: kindApi('namespaced', 'service', 'services', {
    list: sdk.ListServicesDocument,
    get: sdk.GetServiceDocument,
    watch: sdk.WatchServicesDocument,
    remove: sdk.DeleteServiceDocument,
    update: sdk.UpdateServiceDocument,
    create: sdk.CreateServiceDocument,
  }),
  Endpoints: kindApi('namespaced', 'endpoints', 'endpointsList', {
    list: sdk.ListEndpointsListDocument,
    get: sdk.GetEndpointsDocument,
    watch: sdk.WatchEndpointsDocument,
    remove: sdk.DeleteEndpointsDocument,
    update: sdk.UpdateEndpointsDocument,
    create: sdk.CreateEndpointsDocument,
  }),
  Node: kindApi('cluster', 'node', 'nodes', {
    list: sdk.ListNodesDocument,
    get: sdk.GetNodeDocument,
    watch: sdk.WatchNodesDocument,
    remove: sdk.DeleteNodeDocument,
    update: sdk.UpdateNodeDocument,
  }),
  Namespace: kindApi('cluster', 'namespace', 'namespaces', {
    list: sdk.ListNamespacesDocument,
    get: sdk.GetNamespaceDocument,
    watch: sdk.WatchNamespacesDocument,
    remove: sdk.DeleteNamespaceDocument,
    update: sdk.UpdateNamespaceDocument,
    create: sdk.CreateNamespaceDocument,
  }),
  Event: kindApi('namespaced', 'event', 'events', {
    list: sdk.ListEventsDocument,
    get: sdk.GetEventDocument,
    watch: sdk.WatchEventsDocument,
    remove: sdk.DeleteEventDocument,
    update: sdk.UpdateEventDocument,
  }),
  PersistentVolumeClaim: kindApi('namespaced', 'persistentVolumeClaim', 'persistentVolumeClaims', {
    list: sdk.ListPersistentVolumeClaimsDocument,
    get: sdk.GetPersistentVolumeClaimDocument,
    watch: sdk.WatchPersistentVolumeClaimsDocument,
    remove: sdk.DeletePersistentVolumeClaimDocument,
    update: sdk.UpdatePersistentVolumeClaimDocument,
    create: sdk.CreatePersistentVolumeClaimDocument,
  }),
  ConfigMap: kindApi('namespaced', 'configMap', 'configMaps', {
    list: sdk.ListConfigMapsDocument,
    get: sdk.GetConfigMapDocument,
    watch: sdk.WatchConfigMapsDocument,
    remove: sdk.DeleteConfigMapDocument,
    update: sdk.UpdateConfigMapDocument,
    create: sdk.CreateConfigMapDocument,
  }),
  Secret: kindApi('namespaced', 'secret', 'secrets', {
    list: sdk.ListSecretsDocument,
    get: sdk.GetSecretDocument,
    watch: sdk.WatchSecretsDocument,
    remove: sdk.DeleteSecretDocument,
    update: sdk.UpdateSecretDocument,
    create: sdk.CreateSecretDocument,
  }),
  Lease: kindApi('namespaced', 'lease', 'leases', {
    list: sdk.ListLeasesDocument,
    get: sdk.GetLeaseDocument,
    watch: sdk.WatchLeasesDocument,
    remove: sdk.DeleteLeaseDocument,
    update: sdk.UpdateLeaseDocument,
    create: sdk.CreateLeaseDocument,
  }),
};
