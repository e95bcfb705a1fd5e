import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { DEFAULT_LIMITS } from '../util/limits.ts';
import { limitInUse, limitRejections } from '../util/metrics.ts';
import type { Backend, Balancer } from './balancer.ts';
import type { Frontend } from './proxy-tcp.ts';

interface Session {
  upstream: Socket;
  backend: Backend;
  timer: NodeJS.Timeout;
}

/**
 * A UDP listener relaying datagrams to a backend. Each client address gets a session: its own upstream socket,
 * so replies find their way back, kept until `idleTimeoutMs` without traffic. UDP has no connection to drain:
 * when a session's backend leaves, the next datagram moves the session to a live backend (kube-proxy clears
 * conntrack entries of removed UDP endpoints for the same reason).
 *
 * Each session holds a socket, so their number is capped (`maxSessions`, the limit udpProxySessions): datagrams of
 * new clients beyond it are dropped (and counted in `capstan_limit_rejections_total`) until sessions expire, as a
 * full conntrack table drops new flows. Existing sessions are never evicted for new ones, so a flood of spoofed
 * source addresses cannot push out the clients already served.
 */
export class UdpFrontend implements Frontend {
  private socket: Socket | undefined;
  private readonly sessions = new Map<string, Session>();
  private readonly idleTimeoutMs: number;
  private readonly maxSessions: number;
  private readonly onError: (err: Error) => void;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly balancer: Balancer,
    options: {
      idleTimeoutMs?: number | undefined;
      maxSessions?: number | undefined;
      onError?: (err: Error) => void;
    } = {},
  ) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_LIMITS.udpProxyIdleMs;
    this.maxSessions = options.maxSessions ?? DEFAULT_LIMITS.udpProxySessions;
    this.onError = options.onError ?? (() => {});
  }

  /** Client sessions open now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  get listening(): boolean {
    return this.socket !== undefined;
  }

  async listen(): Promise<boolean> {
    if (this.socket) return true;
    const socket = createSocket({ type: 'udp4' });
    const bound = await new Promise<boolean>((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') resolve(false);
        else reject(err);
      });
      socket.bind({ address: this.host, port: this.port, exclusive: true }, () => resolve(true));
    });
    if (!bound) {
      socket.close();
      return false;
    }
    socket.on('error', this.onError);
    socket.on('message', (msg, rinfo) => this.relay(msg, rinfo));
    this.socket = socket;
    return true;
  }

  async close(): Promise<void> {
    for (const key of [...this.sessions.keys()]) this.endSession(key);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  destroy(): Promise<void> {
    return this.close();
  }

  private relay(msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let session = this.sessions.get(key);
    if (session && !this.balancer.has(session.backend.key)) {
      this.endSession(key);
      session = undefined;
    }
    if (!session) {
      if (this.sessions.size >= this.maxSessions) {
        limitRejections.inc({ limit: 'udpProxySessions' });
        return;
      }
      const backend = this.balancer.pick(rinfo.address);
      if (!backend) return;
      session = this.startSession(key, backend, rinfo);
    }
    session.timer.refresh();
    session.upstream.send(msg, session.backend.port, session.backend.ip);
  }

  private startSession(key: string, backend: Backend, client: RemoteInfo): Session {
    const upstream = createSocket({ type: 'udp4' });
    upstream.on('error', () => this.endSession(key));
    upstream.on('message', (reply, from) => {
      if (from.address !== backend.ip || from.port !== backend.port) return;
      this.sessions.get(key)?.timer.refresh();
      this.socket?.send(reply, client.port, client.address);
    });
    const timer = setTimeout(() => this.endSession(key), this.idleTimeoutMs);
    timer.unref();
    const session = { upstream, backend, timer };
    this.sessions.set(key, session);
    limitInUse.inc({ limit: 'udpProxySessions' });
    return session;
  }

  private endSession(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    limitInUse.dec({ limit: 'udpProxySessions' });
    clearTimeout(session.timer);
    session.upstream.close();
  }
}
