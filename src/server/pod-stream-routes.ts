import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { authorizeExec } from '../resolvers/exec.ts';
import {
  portForwardTarget,
  streamTarget,
  validatePort,
  validateStreamCommand,
  type PodStreamSource,
  type StreamSession,
} from '../resolvers/pod-streams.ts';
import type { Store } from '../store/store.ts';
import type { Identity } from '../auth/identity.ts';
import type { TokenSessions } from './token-sessions.ts';
import type { Logger } from '../util/logger.ts';
import { identify, isUnauthenticatedError } from './use-auth.ts';
import {
  createStreamSocketServer,
  endRevokedStream,
  refuseUpgrade,
  requireStreamProtocol,
  serveSession,
} from './stream-websocket.ts';

/** Kubernetes' paths of the pod subresources that are streams. */
const STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;

const flag = (url: URL, name: string): boolean => ['true', '1'].includes(url.searchParams.get(name) ?? '');

export interface PodStreamRoutesOptions {
  store: Store;
  /** Reaches pods' nodes; without one every stream is UNAVAILABLE. */
  source?: PodStreamSource;
  authCacheTtlMs?: number;
  /** Ends a stream when its token is revoked or expires, as other long-lived connections (token-sessions.ts). */
  sessions?: TokenSessions;
  logger: Logger;
}

/**
 * The API's streams, WebSocket upgrades speaking `capstan.stream.v1` (src/sdk/pod-streams.ts) on Kubernetes'
 * paths:
 *
 * - `/api/v1/namespaces/NS/pods/NAME/exec?container=C&command=sh&stdin=true&tty=true`
 * - `/api/v1/namespaces/NS/pods/NAME/attach?container=C&stdin=true&tty=true`
 * - `/api/v1/namespaces/NS/pods/NAME/portforward?port=80`: one TCP connection per WebSocket.
 *
 * Admin tokens only, in the Authorization header (Kubernetes checks `create` on pods/exec, pods/attach and
 * pods/portforward). Refusals before the stream starts are HTTP answers with `{ error: { code, message } }`. An
 * open stream ends with a FORBIDDEN status when its token is deleted or expires.
 */
export function createPodStreamRoutes(options: PodStreamRoutesOptions): {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
} {
  const log = options.logger.child({ component: 'api-streams' });
  const sockets = createStreamSocketServer();

  const open = async (
    req: IncomingMessage,
    url: URL,
    match: RegExpExecArray,
  ): Promise<{ session: StreamSession; identity: Identity }> => {
    const [namespace, name, verb] = match.slice(1).map((s) => decodeURIComponent(s)) as [string, string, string];
    requireStreamProtocol(req);
    let identity: Identity;
    try {
      identity = await identify(options.store, req.headers.authorization, options.authCacheTtlMs);
    } catch (err) {
      if (isUnauthenticatedError(err)) throw new CapstanError('UNAUTHENTICATED', err.message);
      throw err;
    }
    authorizeExec(identity, `${verb} into pod ${namespace}/${name}`);
    const source = options.source;
    if (!source) throw new CapstanError('UNAVAILABLE', 'this server has no way to reach node agents configured');
    const ref = { namespace, name };
    const container = url.searchParams.get('container') || undefined;
    const stdin = flag(url, 'stdin');
    const tty = flag(url, 'tty');
    if (verb === 'exec') {
      const command = url.searchParams.getAll('command');
      validateStreamCommand(command);
      const target = await streamTarget(options.store, ref, container);
      log.info(
        { pod: `${namespace}/${name}`, container: target.container, tokenName: identity.tokenName, stdin, tty },
        'exec stream',
      );
      return { session: await source.exec(target.pod, { container: target.container, command, stdin, tty }), identity };
    }
    if (verb === 'attach') {
      const target = await streamTarget(options.store, ref, container);
      return { session: await source.attach(target.pod, { container: target.container, stdin, tty }), identity };
    }
    const port = validatePort(url.searchParams.get('port'));
    return { session: await source.portForward(await portForwardTarget(options.store, ref), port), identity };
  };

  const serve = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, match: RegExpExecArray) => {
    let session: StreamSession;
    let identity: Identity;
    try {
      ({ session, identity } = await open(req, url, match));
    } catch (err) {
      if (!isCapstanError(err)) log.error({ err }, 'opening a stream failed');
      refuseUpgrade(socket, isCapstanError(err) ? err : new CapstanError('UNAVAILABLE', 'the stream cannot be opened'));
      return;
    }
    if (socket.destroyed) {
      session.close();
      return;
    }
    const ws = await sockets.accept(req, socket, head).catch(() => undefined);
    if (!ws) {
      session.close();
      return;
    }
    const unregister = options.sessions?.register(identity, (reason) => endRevokedStream(ws, reason));
    try {
      await serveSession(ws, session, log);
    } finally {
      unregister?.();
    }
  };

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://api');
      const match = STREAM_PATH.exec(url.pathname);
      if (!match) return false;
      socket.on('error', () => undefined);
      serve(req, socket, head, url, match).catch((err: unknown) => {
        log.error({ err }, 'stream failed');
        socket.destroy();
      });
      return true;
    },
    close: () => sockets.close(),
  };
}
