import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { isNamespaced, type Kind, type KindMap, type ObjectInput } from '../api/types.ts';
import { createCapstanClient, toClientError, type CapstanClient, type CapstanDocument } from '../sdk/client.ts';
import { CapstanClientError } from '../sdk/errors.ts';
import { capstanShapes, type SchemaShapes } from '../sdk/object-shapes.ts';
import type {
  DeleteOptions,
  ListOptions,
  ListResult,
  Store,
  Watch,
  WatchOptions,
  WriteOptions,
} from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { toCapstanError } from './errors.ts';
import { kindOperations, unsupported, type KindOperations } from './operations.ts';
import { trustedTransport, type TrustedTransport } from './tls-transport.ts';
import { RemoteWatch, type MessageStream, type WatchMessage } from './remote-watch.ts';
import { retryOnConflict } from '../store/retry-on-conflict.ts';

export interface GraphQLStoreOptions {
  /** The API server (`http://host:7070`) or its GraphQL endpoint. */
  server: string;
  /** Bearer token: a node credential for a node agent. */
  token: string;
  /** For an https server: the one CA (PEM) to trust, pinned at join. */
  ca?: string;
  /** How often the subscription connection is pinged; no pong within `pongTimeoutMs` drops it. Default 10 s. */
  keepAliveMs?: number;
  pongTimeoutMs?: number;
  /** Timeout of one request. Default 30 s. */
  timeoutMs?: number;
  /** Watch reconnect back-off. Default 250 ms doubling to 10 s. */
  watchBackoff?: { minMs?: number; maxMs?: number };
  logger?: Logger;
  /** The API's types; default this program's own schema. */
  shapes?: SchemaShapes;
}

/** How often a read-modify-write is retried on CONFLICT before giving up. */
const MUTATE_ATTEMPTS = 10;

function document<R, V>(query: string): CapstanDocument<R, V> {
  return new String(query) as CapstanDocument<R, V>;
}

/**
 * A Store whose only access to cluster state is Capstan's GraphQL API, with the rights of its token: what a node
 * agent on another machine runs on. Queries and mutations go over HTTP; every watch shares one graphql-ws
 * connection, reconnecting with back-off and resuming from the last version seen (see RemoteWatch).
 *
 * It serves what the node agent, the service proxy and the DNS sync use: reads and watches of every kind the API
 * has, create/update/delete, status writes of Pods and Nodes, and `mutate` as a read-modify-write over them.
 * `getMany` is one read per object. Errors are CapstanErrors with the server's code (NOT_FOUND, CONFLICT,
 * ALREADY_EXISTS on create, INVALID, FORBIDDEN, UNAUTHENTICATED, EXPIRED); a server that cannot be reached is
 * UNAVAILABLE.
 */
export class GraphQLStore implements Store {
  private http: CapstanClient;
  private token: string;
  private readonly shapes: SchemaShapes;
  private readonly operations = new Map<Kind, KindOperations>();
  private ws: WsClient | undefined;
  private readonly watches = new Set<RemoteWatch<unknown>>();
  private closed = false;

  private readonly transport: TrustedTransport | undefined;

  constructor(private readonly options: GraphQLStoreOptions) {
    this.token = options.token;
    this.transport = options.ca ? trustedTransport(options.ca) : undefined;
    this.http = this.httpClient();
    this.shapes = options.shapes ?? capstanShapes();
  }

  private httpClient(): CapstanClient {
    return createCapstanClient({
      url: this.options.server,
      token: this.token,
      ...(this.transport ? { fetch: this.transport.fetch, webSocketImpl: this.transport.webSocketImpl } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
  }

  /**
   * Switches to a renewed credential: new requests carry it at once, the watch connection on its next connect
   * (the server closes sockets of a credential that expired, and watches resume from where they were).
   */
  setToken(token: string): void {
    this.token = token;
    const previous = this.http;
    this.http = this.httpClient();
    void previous.close();
  }

  /** The GraphQL endpoint this store talks to. */
  get endpoint(): string {
    return this.http.endpoint;
  }

  async get<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    const { object } = await this.call<{ object: unknown }>(ops.get, { ...this.ns(kind, namespace), name });
    if (!object) throw new CapstanError('NOT_FOUND', `${kind} ${namespace ? `${namespace}/` : ''}${name} not found`);
    return this.shapes.toObject<KindMap[K]>(kind, object);
  }

  async tryGet<K extends Kind>(kind: K, namespace: string | undefined, name: string): Promise<KindMap[K] | undefined> {
    try {
      return await this.get(kind, namespace, name);
    } catch (err) {
      if (isCapstanError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  }

  getMany<K extends Kind>(
    kind: K,
    refs: readonly { namespace?: string; name: string }[],
  ): Promise<(KindMap[K] | undefined)[]> {
    return Promise.all(refs.map((ref) => this.tryGet(kind, ref.namespace, ref.name)));
  }

  async list<K extends Kind>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    const ops = this.ops(kind);
    const namespaced = isNamespaced(kind);
    const { list } = await this.call<{
      list: { items: unknown[]; continue?: string | null; resourceVersion: string };
    }>(ops.list, {
      ...(namespaced ? (options.namespace ? { namespace: options.namespace } : { allNamespaces: true }) : {}),
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      first: options.limit,
      after: options.continue,
    });
    return {
      items: list.items.map((item) => this.shapes.toObject<KindMap[K]>(kind, item)),
      resourceVersion: list.resourceVersion,
      ...(list.continue ? { continue: list.continue } : {}),
    };
  }

  /** Creates; a status in `object` (e.g. a Node registering) is written right after, as a status update. */
  async create<K extends Kind>(
    kind: K,
    object: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    const { object: created } = await this.call<{ object: unknown }>(
      ops.create,
      { input: this.shapes.toInput(ops.input, object), dryRun: options.dryRun },
      { creating: true },
    );
    const result = this.shapes.toObject<KindMap[K]>(kind, created);
    if (object.status === undefined || !ops.updateStatus || options.dryRun) return result;
    // A controller may write the new object before its status is written (the node lifecycle controller taints a
    // Node without a lease): a read-modify-write, retried on CONFLICT, never fails the create over that.
    const status = object.status as KindMap[K]['status'];
    return this.mutate(kind, result.metadata.namespace, result.metadata.name, (current) => ({ ...current, status }), {
      status: true,
    });
  }

  async update<K extends Kind>(
    kind: K,
    object: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    const { object: updated } = await this.call<{ object: unknown }>(ops.update, {
      input: this.shapes.toInput(ops.input, object),
      dryRun: options.dryRun,
      expectedResourceVersion: object.metadata.resourceVersion || undefined,
    });
    return this.shapes.toObject<KindMap[K]>(kind, updated);
  }

  async updateStatus<K extends Kind>(
    kind: K,
    object: ObjectInput<KindMap[K]>,
    options: WriteOptions = {},
  ): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    if (!ops.updateStatus || !ops.statusInput) throw unsupported(`writing the status of ${kind} objects`);
    const { object: updated } = await this.call<{ object: unknown }>(ops.updateStatus, {
      ...this.ns(kind, object.metadata.namespace),
      name: object.metadata.name,
      status: this.shapes.toInput(ops.statusInput, object.status ?? {}),
      dryRun: options.dryRun,
      expectedResourceVersion: object.metadata.resourceVersion || undefined,
    });
    return this.shapes.toObject<KindMap[K]>(kind, updated);
  }

  /**
   * Read, apply `fn`, write back with the read version as precondition; retried on CONFLICT. Over the API spec and
   * status are separate writes: with `status: true`, a changed spec or metadata is written first, then the status.
   */
  async mutate<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    fn: (current: KindMap[K]) => KindMap[K] | undefined | Promise<KindMap[K] | undefined>,
    options: WriteOptions & { status?: boolean } = {},
  ): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    return retryOnConflict(MUTATE_ATTEMPTS, async (write) => {
      const current = await this.get(kind, namespace, name);
      const next = await fn(structuredClone(current));
      if (!next) return current;
      const changed = { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } };
      return write(async () => {
        if (!options.status) return await this.update(kind, changed, options);
        const specChanged =
          JSON.stringify(this.shapes.toInput(ops.input, next)) !==
          JSON.stringify(this.shapes.toInput(ops.input, current));
        let written: KindMap[K] = current;
        if (specChanged) {
          written = await this.update(kind, changed, options);
          changed.metadata.resourceVersion = written.metadata.resourceVersion;
        }
        if (JSON.stringify(next.status) === JSON.stringify(current.status) && specChanged) return written;
        return await this.updateStatus(kind, changed, options);
      });
    });
  }

  async delete<K extends Kind>(
    kind: K,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KindMap[K]> {
    const ops = this.ops(kind);
    const { object } = await this.call<{ object: unknown }>(ops.delete, {
      ...this.ns(kind, namespace),
      name,
      propagationPolicy: options.propagationPolicy,
      gracePeriodSeconds: options.gracePeriodSeconds,
      dryRun: options.dryRun,
      expectedResourceVersion: options.resourceVersion,
    });
    return this.shapes.toObject<KindMap[K]>(kind, object);
  }

  watch<K extends Kind>(kind: K, options: WatchOptions = {}): Watch<KindMap[K]> {
    if (this.closed) throw new CapstanError('UNAVAILABLE', 'the remote store is closed');
    const ops = this.ops(kind);
    if (!this.shapes.enumValues('WatchKind').includes(kind)) throw unsupported(`watching ${kind} objects`);
    const variables = {
      kind,
      namespace: isNamespaced(kind) ? options.namespace : undefined,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    const watch: RemoteWatch<KindMap[K]> = new RemoteWatch<KindMap[K]>({
      what: `${kind}${options.fieldSelector ? ` (${options.fieldSelector})` : ''}`,
      open: (since) => this.subscribe(ops.watch, { ...variables, since }),
      convert: (object) => this.shapes.toObject<KindMap[K]>(kind, object),
      ...(options.sinceResourceVersion ? { since: options.sinceResourceVersion } : {}),
      ...(this.options.watchBackoff ? { backoff: this.options.watchBackoff } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      onClose: () => this.watches.delete(watch as RemoteWatch<unknown>),
    });
    this.watches.add(watch as RemoteWatch<unknown>);
    return watch;
  }

  /** The API's resourceVersion now: that of the (cheapest possible) list of one namespace. */
  async currentResourceVersion(): Promise<string> {
    const ops = this.ops('Namespace');
    const { list } = await this.call<{ list: { resourceVersion: string } }>(ops.list, { first: 1 });
    return list.resourceVersion;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of this.watches) watch.close();
    this.watches.clear();
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
    await this.http.close();
  }

  private ops(kind: Kind): KindOperations {
    let ops = this.operations.get(kind);
    if (!ops) {
      ops = kindOperations(this.shapes, kind);
      this.operations.set(kind, ops);
    }
    return ops;
  }

  private ns(kind: Kind, namespace: string | undefined): { namespace?: string } {
    return isNamespaced(kind) && namespace ? { namespace } : {};
  }

  private async call<T>(query: string, variables: Record<string, unknown>, options: { creating?: boolean } = {}) {
    if (this.closed) throw new CapstanError('UNAVAILABLE', 'the remote store is closed');
    try {
      return await this.http.request<T, Record<string, unknown>>(document(query), variables);
    } catch (err) {
      throw toCapstanError(err, options);
    }
  }

  private subscribe(query: string, variables: Record<string, unknown>): MessageStream {
    const source = this.wsClient().iterate<{ watch: WatchMessage }>({ query, variables });
    const endpoint = this.http.endpoint;
    return {
      async next() {
        let step: IteratorResult<{ data?: { watch: WatchMessage } | null; errors?: readonly unknown[] }>;
        try {
          step = await source.next();
        } catch (err) {
          throw toClientError(err, endpoint);
        }
        if (step.done) return { done: true, value: undefined };
        const result = step.value;
        if (result.errors && result.errors.length > 0) {
          throw CapstanClientError.fromGraphQLErrors(result.errors as never);
        }
        if (!result.data) throw new CapstanClientError('HTTP_ERROR', `${endpoint} sent a watch result without data`);
        return { done: false, value: result.data.watch };
      },
      async return() {
        await source.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** The one graphql-ws connection of this store, opened on the first watch and shared by all. */
  private wsClient(): WsClient {
    if (this.ws) return this.ws;
    const keepAlive = this.options.keepAliveMs ?? 10_000;
    const pongTimeout = this.options.pongTimeoutMs ?? 5_000;
    let socket: WebSocket | undefined;
    let pongTimer: NodeJS.Timeout | undefined;
    this.ws = createWsClient({
      url: this.http.endpoint.replace(/^http/, 'ws'),
      webSocketImpl: this.transport?.webSocketImpl ?? WebSocket,
      connectionParams: () => ({ authorization: `Bearer ${this.token}` }),
      lazy: true,
      lazyCloseTimeout: 1_000,
      keepAlive,
      // Reconnects are the watches' business: each resumes from its own last version, which graphql-ws' own retry
      // (re-sending the original subscription) would not do.
      retryAttempts: 0,
      on: {
        connected: (s) => (socket = s as WebSocket),
        closed: () => clearTimeout(pongTimer),
        ping: (received) => {
          if (received) return;
          clearTimeout(pongTimer);
          // A connection that stopped answering (the server's machine went away) is dropped, so watches resume.
          pongTimer = setTimeout(() => {
            if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'keep-alive timeout');
          }, pongTimeout);
          pongTimer.unref();
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
      },
    });
    return this.ws;
  }
}
