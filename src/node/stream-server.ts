import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import {
  validatePort,
  validateStreamCommand,
  type PodStreamSource,
  type StreamSession,
} from '../resolvers/pod-streams.ts';
import { apiClientKey, callDigest, type CallVerifier } from '../pki/node-endpoint-tls.ts';
import {
  createStreamSocketServer,
  refuseUpgrade,
  requireStreamProtocol,
  serveSession,
  upgradeToken,
} from '../server/stream-websocket.ts';
import type { Logger } from '../util/logger.ts';

/** What the node's stream endpoints serve from: the node agent, once started. */
export interface NodeStreamTarget {
  findPod(namespace: string, name: string): Pod | undefined;
  readonly streamSource?: PodStreamSource;
}

export interface NodeStreamHandlerOptions {
  nodeName: string;
  target: () => NodeStreamTarget | undefined;
  /**
   * Checks the call authorization of each stream (node-endpoint-tls.ts); the node endpoint's own, so that one
   * authorization is accepted once for a stream or any other call.
   */
  verifier: CallVerifier;
  logger: Logger;
}

const EXEC_PATH = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;
const FORWARD_PATH = /^\/portForward\/([^/]+)\/([^/]+)\/?$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw CapstanError.invalid([{ field: 'path', message: `${JSON.stringify(segment)} is not percent-encoded text` }]);
  }
}

const flag = (url: URL, name: string): boolean => ['true', '1'].includes(url.searchParams.get(name) ?? '');

/**
 * The node endpoint's streams, as WebSocket upgrades on the kubelet's paths (protocol `capstan.stream.v1`, see
 * src/sdk/pod-streams.ts):
 *
 * - `/exec/<namespace>/<pod>/<container>?command=sh&command=-c&...&stdin=true&tty=true`
 * - `/attach/<namespace>/<pod>/<container>?stdin=true&tty=true`
 * - `/portForward/<namespace>/<pod>?port=80`: one TCP connection from the node to the pod's IP and port.
 *
 * Only the API server may open one, as for `POST /exec`: the request must come over a connection with the API server's
 * client certificate and carry a call authorization it signed for this node, the verb (`exec`, `attach`,
 * `portForward`), pod, container and this exact request (path and query: the command, stdin, tty, port), accepted
 * once within its minute. The handler is transport-independent: whoever owns the node's listener calls `handleUpgrade`.
 */
export function createNodeStreamHandler(options: NodeStreamHandlerOptions): {
  /** True when the path is a stream's (the request is then answered); false leaves it to the caller. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
} {
  const { nodeName } = options;
  const log = options.logger.child({ component: 'node-streams' });
  const sockets = createStreamSocketServer();

  /** What a stream path names (decoded), as the call authorization must. */
  const scopeOf = (url: URL): { verb: string; namespace: string; pod: string; container?: string } => {
    const exec = EXEC_PATH.exec(url.pathname);
    if (exec) {
      const [verb, namespace, pod, container] = exec.slice(1).map(decodeSegment) as [string, string, string, string];
      return { verb, namespace, pod, container };
    }
    const [namespace, pod] = FORWARD_PATH.exec(url.pathname)!.slice(1).map(decodeSegment) as [string, string];
    return { verb: 'portForward', namespace, pod };
  };

  /** Throws UNAUTHENTICATED or FORBIDDEN unless the API server authorized exactly this stream. */
  const authorize = async (req: IncomingMessage, url: URL): Promise<void> => {
    const signer = apiClientKey(req, nodeName);
    const call = callDigest(req.method ?? 'GET', req.url ?? '/');
    await options.verifier.verify(upgradeToken(req), signer, { ...scopeOf(url), call });
  };

  const findPod = (namespace: string, name: string): { source: PodStreamSource; pod: Pod } => {
    const target = options.target();
    if (!target) throw new CapstanError('UNAVAILABLE', `the node agent of ${nodeName} is starting; try again`);
    if (!target.streamSource) throw new CapstanError('UNAVAILABLE', `node ${nodeName} serves no streams`);
    const pod = target.findPod(namespace, name);
    if (!pod) throw new CapstanError('NOT_FOUND', `pod ${namespace}/${name} is not on node ${nodeName}`);
    return { source: target.streamSource, pod };
  };

  const open = async (url: URL): Promise<StreamSession> => {
    const exec = EXEC_PATH.exec(url.pathname);
    if (exec) {
      const [verb, namespace, name, container] = exec.slice(1).map(decodeSegment) as [string, string, string, string];
      const { source, pod } = findPod(namespace, name);
      if (!pod.spec?.containers.some((c) => c.name === container)) {
        throw new CapstanError('NOT_FOUND', `container not found ("${container}") in pod ${namespace}/${name}`);
      }
      const stdin = flag(url, 'stdin');
      const tty = flag(url, 'tty');
      if (verb === 'attach') return source.attach(pod, { container, stdin, tty });
      const command = url.searchParams.getAll('command');
      validateStreamCommand(command);
      log.info({ pod: `${namespace}/${name}`, container, program: command[0], stdin, tty }, 'exec stream');
      return source.exec(pod, { container, command, stdin, tty });
    }
    const forward = FORWARD_PATH.exec(url.pathname)!;
    const [namespace, name] = forward.slice(1).map(decodeSegment) as [string, string];
    const port = validatePort(url.searchParams.get('port'));
    const { source, pod } = findPod(namespace, name);
    return source.portForward(pod, port);
  };

  const serve = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    let session: StreamSession;
    try {
      requireStreamProtocol(req);
      await authorize(req, url);
      session = await open(url);
    } catch (err) {
      const error = isCapstanError(err) ? err : new CapstanError('UNAVAILABLE', 'the node cannot open the stream');
      if (!isCapstanError(err)) log.error({ err }, 'opening a stream failed');
      refuseUpgrade(socket, error);
      return;
    }
    if (socket.destroyed) {
      session.close();
      return;
    }
    let ws;
    try {
      ws = await sockets.accept(req, socket, head);
    } catch {
      session.close();
      return;
    }
    await serveSession(ws, session, log);
  };

  return {
    handleUpgrade(req, socket, head) {
      let url: URL;
      try {
        const raw = req.url ?? '/';
        url = new URL(raw.startsWith('/') ? `http://node${raw}` : raw, 'http://node');
      } catch {
        return false;
      }
      if (!EXEC_PATH.test(url.pathname) && !FORWARD_PATH.test(url.pathname)) return false;
      socket.on('error', () => undefined);
      serve(req, socket, head, url).catch((err: unknown) => {
        log.error({ err }, 'stream failed');
        socket.destroy();
      });
      return true;
    },
    close: () => sockets.close(),
  };
}
