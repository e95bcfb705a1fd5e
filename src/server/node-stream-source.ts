import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { callDigest, nodeEndpoint, type NodeDialer } from '../pki/node-endpoint-tls.ts';
import type {
  AttachStreamOptions,
  ExecStreamOptions,
  PodStreamSource,
  StreamSession,
} from '../resolvers/pod-streams.ts';
import { clockSkewMessage } from '../sdk/certificate-time.ts';
import { openStream, StreamError } from '../sdk/pod-streams.ts';
import type { Store } from '../store/store.ts';
import { fromPublicCode, sessionFromClientStream } from './stream-websocket.ts';

export interface NodeStreamSourceOptions {
  store: Store;
  /** TLS to node endpoints and the call authorizations (node-endpoint-tls.ts). */
  dialer: NodeDialer;
}

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/**
 * The API server's PodStreamSource: a node agent of this process serves its pods directly; any other node through
 * its endpoint (`/exec`, `/attach`, `/portForward` WebSocket upgrades, stream-server.ts) over mutual TLS, with a call
 * authorization for this node, verb, pod, container and exact request (command, stdin, tty, port) only, good once
 * (node-endpoint-tls.ts): nothing the node receives opens another stream or is worth anything at the API. The node's frames are relayed as they
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
    return this.route(pod, 'attach', 'attach', (local) => local.attach(pod, options), {
      container: options.container,
      query: { stdin: options.stdin, tty: options.tty },
      // Whether the output is a terminal is the container's choice, not the request's.
      tty: false,
    });
  }

  exec(pod: Pod, options: ExecStreamOptions): Promise<StreamSession> {
    return this.route(pod, 'exec', 'exec', (local) => local.exec(pod, options), {
      container: options.container,
      query: { command: options.command, stdin: options.stdin, tty: options.tty },
      tty: options.tty,
    });
  }

  portForward(pod: Pod, port: number): Promise<StreamSession> {
    return this.route(pod, 'port-forward', 'portForward', (local) => local.portForward(pod, port), {
      query: { port },
      tty: true,
    });
  }

  private async route(
    pod: Pod,
    what: string,
    verb: string,
    local: (source: PodStreamSource) => Promise<StreamSession>,
    remote: { container?: string; query: Record<string, string[] | boolean | number>; tty: boolean },
  ): Promise<StreamSession> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw new CapstanError('CONFLICT', `pod ${podRef(pod)} is not scheduled to a node yet`);
    const source = this.local.get(nodeName);
    if (source) return local(source);

    const unreachable = (why: string, cause?: unknown) =>
      new CapstanError('UNAVAILABLE', `node ${nodeName} is not reachable for ${what}: ${why}`, { cause });
    const node = await this.options.store.tryGet('Node', undefined, nodeName);
    if (!node) throw unreachable(`pod ${podRef(pod)} is bound to it, but no such node is registered`);
    const endpoint = nodeEndpoint(node);
    if (typeof endpoint === 'string') throw unreachable(endpoint);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(remote.query)) {
      if (value === false) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const namespace = pod.metadata.namespace ?? 'default';
    const names = [namespace, pod.metadata.name, ...(remote.container !== undefined ? [remote.container] : [])];
    // The request exactly as the node reads it (req.url), so that the digest of both sides agree.
    const target = new URL(`/${verb}/${names.map(encodeURIComponent).join('/')}?${search}`, endpoint.origin);
    const path = `${target.pathname}${target.search}`;
    const { dialer } = this.options;
    const token = await dialer.authorize(nodeName, {
      verb,
      namespace,
      pod: pod.metadata.name,
      ...(remote.container !== undefined ? { container: remote.container } : {}),
      call: callDigest('GET', path),
    });
    try {
      const stream = await openStream({ url: endpoint.origin, token, tls: await dialer.tlsOptionsFor(nodeName) }, path);
      return sessionFromClientStream(stream, remote.tty);
    } catch (err) {
      const skew = clockSkewMessage(err, `node ${nodeName}`, { self: 'the API server' });
      if (skew) throw unreachable(skew, err);
      if (!(err instanceof StreamError)) throw unreachable(String(err), err);
      if (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') {
        throw unreachable(`it refused this API server's call: ${err.message}`, err);
      }
      const code = fromPublicCode(err.code);
      if (code !== 'UNAVAILABLE') throw new CapstanError(code, err.message);
      throw unreachable(err.message, err);
    }
  }
}
