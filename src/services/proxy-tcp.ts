import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Balancer } from './balancer.ts';

/** How long a connection to a backend may take before the next backend is tried. */
const CONNECT_TIMEOUT_MS = 2000;
/** Backends tried per client connection when they refuse (an endpoint that just went away). */
const MAX_ATTEMPTS = 3;
/** Client bytes kept for a replay to the next backend when one resets before answering (see `accept`). */
const REPLAY_LIMIT = 64 * 1024;

/** A listening address of a service port: `host:port`, one protocol. */
export interface Frontend {
  readonly host: string;
  readonly port: number;
  /** Binds; false when another process (another simulated node's proxy) holds the address: retry later. */
  listen(): Promise<boolean>;
  readonly listening: boolean;
  /** Stops accepting; open connections (TCP) keep flowing until they close. */
  close(): Promise<void>;
  /** Stops accepting and cuts every open connection. */
  destroy(): Promise<void>;
}

/**
 * A TCP listener that pipes each connection to a backend chosen by the balancer. With no backend the client gets
 * a reset at once, never a hang. Connections are independent of the backend list: an endpoint that leaves stops
 * getting new connections while its open ones run to their end (drain).
 */
export class TcpFrontend implements Frontend {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly balancer: Balancer,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async listen(): Promise<boolean> {
    if (this.server) return true;
    // pauseOnConnect: the client's first bytes wait in the kernel until the backend is connected.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    const bound = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') resolve(false);
        else reject(err);
      });
      server.listen({ host: this.host, port: this.port, exclusive: true }, () => resolve(true));
    });
    if (!bound) return false;
    server.on('error', this.onError);
    this.server = server;
    return true;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async destroy(): Promise<void> {
    const closing = this.close();
    for (const socket of this.sockets) socket.destroy();
    await closing;
  }

  /**
   * Why a connection is retried on another backend, and when not: a refused or timed-out connect never reached a
   * backend, so trying the next one is always safe (kube-proxy's userspace mode did it). A backend that resets the
   * connection before it sent a single byte back is a container that died with the request unread in its listen
   * queue or socket (SIGKILL, OOM): the client's bytes so far are kept (up to REPLAY_LIMIT) and sent to the next
   * backend, as HAProxy's `retry-on empty-response conn-failure` does; so is a close without an answer while the
   * client still waits for one (a process killed after reading the request closes with a FIN). That can run a
   * request twice when the dead backend had acted on it without answering. Nothing is replayed once the backend
   * answered, after the client half-closed (silence may be its answer), or past the limit.
   */
  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
    const sent: Buffer[] = [];
    let sentBytes = 0;
    let replayable = true;
    let clientEnded = false;
    client.pause(); // already paused on connect; explicit, so that the recorder below does not start the flow
    client.on('data', (chunk: Buffer) => {
      if (!replayable) return;
      sentBytes += chunk.length;
      if (sentBytes > REPLAY_LIMIT) {
        replayable = false;
        sent.length = 0;
      } else {
        sent.push(chunk);
      }
    });
    client.once('end', () => (clientEnded = true));
    const attempt = (): void => {
      const backend = tried.size < MAX_ATTEMPTS ? this.balancer.pick(client.remoteAddress, tried) : undefined;
      if (!backend) {
        client.resetAndDestroy();
        return;
      }
      tried.add(backend.key);
      const upstream = connect({ host: backend.ip, port: backend.port, allowHalfOpen: true, noDelay: true });
      upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timeout')));
      const onConnectError = (): void => {
        upstream.destroy();
        if (!client.destroyed) attempt();
      };
      upstream.once('error', onConnectError);
      upstream.once('connect', () => {
        upstream.setTimeout(0);
        upstream.off('error', onConnectError);
        this.track(upstream);
        let answered = false;
        upstream.once('data', () => {
          answered = true;
          replayable = false;
          sent.length = 0;
        });
        const onClientClose = (): void => void upstream.destroy();
        let retried = false;
        const retry = (): boolean => {
          if (answered || !replayable || client.destroyed) return false;
          // Gone before any answer: the next backend gets what the client sent so far.
          retried = true;
          client.unpipe(upstream);
          client.off('close', onClientClose);
          client.pause();
          upstream.destroy();
          attempt();
          return true;
        };
        upstream.on('error', () => {
          upstream.destroy();
          // Passed on as a reset, so the client knows the answer is cut short (iptables mode passes the RST too).
          if (!retried && !retry()) client.resetAndDestroy();
        });
        upstream.on('end', () => {
          // A close without an answer while the client still waits for one (it has not half-closed) is a backend
          // that died after reading the request; a client that half-closed may have been answered by silence.
          if (clientEnded || !retry()) client.end();
        });
        client.on('close', onClientClose);
        upstream.on('close', () => {
          if (!retried && !client.writableEnded) client.destroy();
        });
        for (const chunk of sent) upstream.write(chunk);
        if (clientEnded) upstream.end();
        else client.pipe(upstream);
        upstream.pipe(client, { end: false });
        client.resume();
      });
    };
    attempt();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
