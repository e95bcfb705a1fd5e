import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import type {
  AttachStreamOptions,
  ExecStreamOptions,
  PodStreamSource,
  StreamSession,
} from '../resolvers/pod-streams.ts';
import { openStream, StreamError } from '../sdk/pod-streams.ts';
import type { Store } from '../store/store.ts';
import type { NodeCredential } from './node-exec-source.ts';
import { fromPublicCode, sessionFromClientStream } from './stream-websocket.ts';

export interface NodeStreamSourceOptions {
  store: Store;
  /** A credential node endpoints accept for streams (role exec), valid for `ttlSeconds`; see shortLivedExecCredentials. */
  credential(ttlSeconds: number): Promise<NodeCredential>;
}

/** The credential only has to outlive the WebSocket handshake: the node checks it once, when the stream opens. */
const CREDENTIAL_TTL_SECONDS = 60;

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/**
 * The API server's PodStreamSource: a node agent of this process serves its pods directly; any other node through
 * its endpoint (`/exec`, `/attach`, `/portForward` WebSocket upgrades, stream-server.ts), with a fresh exec
 * credential for each stream, revoked as soon as the node has accepted it. The node's frames are relayed as they
 * come, so what a client sees is the same wherever the pod runs.
 */
export class NodeStreamSource implements PodStreamSource {
  private readonly local = new Map<string, PodStreamSource>();

  constructor(private readonly options: NodeStreamSourceOptions) {}

  /** Serves the pods of `nodeName` from an in-process agent's source; the returned function undoes it. */
  attachNode(nodeName: string, source: PodStreamSource): () => void {
    this.local.set(nodeName, source);
    return () => {
      if (this.local.get(nodeName) === source) this.local.delete(nodeName);
    };
  }

  attach(pod: Pod, options: AttachStreamOptions): Promise<StreamSession> {
    return this.route(pod, 'attach', (local) => local.attach(pod, options), {
      path: `attach/${segments(pod, options.container)}`,
      query: { stdin: options.stdin, tty: options.tty },
      // Whether the output is a terminal is the container's choice, not the request's.
      tty: false,
    });
  }

  exec(pod: Pod, options: ExecStreamOptions): Promise<StreamSession> {
    return this.route(pod, 'exec', (local) => local.exec(pod, options), {
      path: `exec/${segments(pod, options.container)}`,
      query: { command: options.command, stdin: options.stdin, tty: options.tty },
      tty: options.tty,
    });
  }

  portForward(pod: Pod, port: number): Promise<StreamSession> {
    return this.route(pod, 'port-forward', (local) => local.portForward(pod, port), {
      path: `portForward/${segments(pod)}`,
      query: { port },
      tty: true,
    });
  }

  private async route(
    pod: Pod,
    what: string,
    local: (source: PodStreamSource) => Promise<StreamSession>,
    remote: { path: string; query: Record<string, string[] | boolean | number>; tty: boolean },
  ): Promise<StreamSession> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw new CapstanError('CONFLICT', `pod ${podRef(pod)} is not scheduled to a node yet`);
    const source = this.local.get(nodeName);
    if (source) return local(source);

    const unreachable = (why: string, cause?: unknown) =>
      new CapstanError('UNAVAILABLE', `node ${nodeName} is not reachable for ${what}: ${why}`, { cause });
    const node = await this.options.store.tryGet('Node', undefined, nodeName);
    if (!node) throw unreachable(`pod ${podRef(pod)} is bound to it, but no such node is registered`);
    const base = nodeBase(node);
    if (typeof base === 'string') throw unreachable(base);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(remote.query)) {
      if (value === false) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const credential = await this.options.credential(CREDENTIAL_TTL_SECONDS);
    try {
      const stream = await openStream({ url: base.toString(), token: credential.token }, `/${remote.path}?${search}`);
      return sessionFromClientStream(stream, remote.tty);
    } catch (err) {
      if (!(err instanceof StreamError)) throw unreachable(String(err), err);
      if (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') {
        throw unreachable(`it refused this API server's credential: ${err.message}`, err);
      }
      const code = fromPublicCode(err.code);
      if (code !== 'UNAVAILABLE') throw new CapstanError(code, err.message);
      throw unreachable(err.message, err);
    } finally {
      await credential.release();
    }
  }
}

function segments(pod: Pod, container?: string): string {
  return [pod.metadata.namespace ?? 'default', pod.metadata.name, ...(container ? [container] : [])]
    .map(encodeURIComponent)
    .join('/');
}

/** `http://address:port` of the node's endpoint, or why there is none. */
function nodeBase(node: Node): string | URL {
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!address) return 'it publishes no InternalIP address';
  if (!port) return 'it publishes no endpoint (status.daemonEndpoints.kubeletEndpoint)';
  return new URL(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
}
