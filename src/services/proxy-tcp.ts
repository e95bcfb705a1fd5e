import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Balancer } from './balancer.ts';

/** How long a connection to a backend may take before the next backend is tried. */
const CONNECT_TIMEOUT_MS = 2000;
/** Backends tried per client connection when they refuse (an endpoint that just went away). */
const MAX_ATTEMPTS = 3;

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

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
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
        upstream.on('error', () => {
          upstream.destroy();
          client.destroy();
        });
        client.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => {
          if (!client.writableEnded) client.destroy();
        });
        client.pipe(upstream);
        upstream.pipe(client);
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
