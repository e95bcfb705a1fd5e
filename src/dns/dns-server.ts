import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { CapstanError } from '../api/errors.ts';
import { DEFAULT_LIMITS } from '../util/limits.ts';
import { limitInUse, limitRejections } from '../util/metrics.ts';
import type { DnsIndex } from './dns-index.ts';
import { DnsResponder, FORWARD } from './dns-responder.ts';
import { parseUpstream, UdpForwarder } from './dns-forwarder.ts';

export interface DnsServerOptions {
  /** Address to listen on (UDP and TCP). Default 127.0.0.1. */
  host?: string;
  /** Port for both UDP and TCP; 0 picks a port free for both. Default 1053. */
  port?: number;
  /**
   * `host:port` of a resolver for names outside the zone. Off by default: such queries get REFUSED, so the
   * server is never an open recursive resolver.
   */
  upstream?: string;
  /** How long a relayed query may wait for the upstream before the client gets SERVFAIL. Default 2000 ms. */
  upstreamTimeoutMs?: number;
  /**
   * A TCP connection with no traffic for this long is closed: no query, or answers the client does not read.
   * Default 10 000 ms (the limit dnsTcpIdleMs).
   */
  tcpIdleTimeoutMs?: number;
  /** TCP connections served at once; further ones are closed on accept. Default 256 (the limit dnsTcpConnections). */
  maxTcpConnections?: number;
  /** EDNS0 UDP payload size advertised and honoured at most. Default 1232. */
  udpPayloadSize?: number;
  /** Called with socket errors that do not stop the server. */
  onError?: (err: Error) => void;
}

/**
 * Answers a TCP connection may have queued for its client (beyond the socket's own buffer) before the server stops
 * reading its queries. One maximal DNS message, so a client that never reads costs at most about this much.
 */
const TCP_MAX_QUEUED_BYTES = 64 * 1024;

/**
 * The cluster DNS responder: UDP and TCP on one port, answering from a {@link DnsIndex} (zone and TTL are the
 * index's). UDP answers that exceed the client's size come back truncated so the client retries over TCP; TCP
 * takes several length-prefixed queries per connection and answers them as they complete.
 *
 * TCP clients cannot make the server buffer without bound: a connection's queries are read only while its answers
 * drain (a client that sends and never reads stops being read, then times out), and the number of connections is
 * capped.
 */
export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private forwarder: UdpForwarder | undefined;
  private responder: DnsResponder | undefined;
  private readonly connections = new Set<Socket>();
  private bound: { host: string; port: number } | undefined;

  constructor(readonly index: DnsIndex) {}

  /** Where the server listens; throws when it is not started. */
  get address(): { host: string; port: number } {
    if (!this.bound) throw new CapstanError('UNAVAILABLE', 'the DNS server is not started');
    return this.bound;
  }

  async start(options: DnsServerOptions = {}): Promise<{ host: string; port: number }> {
    if (this.bound) throw new CapstanError('CONFLICT', `the DNS server already listens on port ${this.bound.port}`);
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 1053;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw CapstanError.invalid([{ field: 'port', message: `must be a whole number from 0 to 65535, got ${port}` }]);
    }
    const onError = options.onError ?? (() => {});
    const responder = new DnsResponder(this.index, {
      forwarding: options.upstream !== undefined,
      udpPayloadSize: options.udpPayloadSize,
    });
    if (options.upstream !== undefined) {
      this.forwarder = new UdpForwarder(parseUpstream(options.upstream), options.upstreamTimeoutMs ?? 2000);
      await this.forwarder.open();
    }
    this.responder = responder;
    try {
      await this.listen(
        host,
        port,
        {
          idleMs: options.tcpIdleTimeoutMs ?? DEFAULT_LIMITS.dnsTcpIdleMs,
          maxConnections: options.maxTcpConnections ?? DEFAULT_LIMITS.dnsTcpConnections,
        },
        onError,
      );
    } catch (err) {
      await this.stop();
      const code = (err as NodeJS.ErrnoException).code;
      throw new CapstanError(
        'UNAVAILABLE',
        `DNS server cannot listen on ${host}:${port} (${code ?? String(err)}); choose another port with CAPSTAN_DNS_PORT / --dns-port`,
        { cause: err },
      );
    }
    return this.address;
  }

  /** Closes both sockets and every TCP connection; relayed queries in flight are dropped. */
  async stop(): Promise<void> {
    this.forwarder?.close();
    this.forwarder = undefined;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    this.bound = undefined;
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp?.listening && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  /** TCP connections open now. */
  get tcpConnectionCount(): number {
    return this.connections.size;
  }

  /** Bytes of answers queued in user space over every TCP connection (what a client that does not read costs). */
  get tcpQueuedBytes(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.writableLength;
    return total;
  }

  private async listen(
    host: string,
    port: number,
    tcp: { idleMs: number; maxConnections: number },
    onError: (err: Error) => void,
  ): Promise<void> {
    // With port 0 the UDP port is picked first; TCP may find it taken by someone else, so try a few.
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(host, port);
      const udpPort = udp.address().port;
      try {
        this.tcp = await this.listenTcp(host, udpPort, tcp);
        this.udp = udp;
        this.bound = { host, port: udpPort };
        udp.on('error', onError);
        this.tcp.on('error', onError);
        return;
      } catch (err) {
        udp.close();
        if (port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
  }

  private bindUdp(host: string, port: number): Promise<UdpSocket> {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => this.onUdp(socket, msg, rinfo));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve(socket);
      });
    });
  }

  private onUdp(socket: UdpSocket, msg: Buffer, rinfo: RemoteInfo): void {
    const responder = this.responder;
    if (!responder) return;
    const reply = responder.respond(msg, 'udp');
    if (reply === null) return;
    if (reply !== FORWARD) {
      socket.send(reply, rinfo.port, rinfo.address);
      return;
    }
    this.relay(responder, msg, (answer) => {
      if (this.udp === socket) socket.send(answer, rinfo.port, rinfo.address);
    });
  }

  private relay(responder: DnsResponder, query: Buffer, send: (answer: Buffer) => void): void {
    const forwarder = this.forwarder;
    const fail = (): void => {
      const servfail = responder.servfail(query);
      if (servfail) send(servfail);
    };
    if (!forwarder) return fail();
    forwarder.forward(query, responder.questionEnd, (answer) => (answer ? send(answer) : fail()));
  }

  private listenTcp(host: string, port: number, tcp: { idleMs: number; maxConnections: number }): Promise<Server> {
    const server = createServer((socket) => this.onTcpConnection(socket, tcp.idleMs));
    server.maxConnections = tcp.maxConnections;
    server.on('drop', () => limitRejections.inc({ limit: 'dnsTcpConnections' }));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private onTcpConnection(socket: Socket, idleMs: number): void {
    this.connections.add(socket);
    limitInUse.inc({ limit: 'dnsTcpConnections' });
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => socket.destroy());
    socket.on('close', () => {
      this.connections.delete(socket);
      limitInUse.dec({ limit: 'dnsTcpConnections' });
    });
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    // Back-pressure: while answers wait for the client to read them, its socket is paused and queries already
    // received wait in `pending`; reading resumes when the answers drained.
    const congested = (): boolean => socket.writableLength > TCP_MAX_QUEUED_BYTES;
    const send = (answer: Buffer): void => {
      if (socket.destroyed) return;
      const frame = Buffer.allocUnsafe(answer.length + 2);
      frame.writeUInt16BE(answer.length, 0);
      answer.copy(frame, 2);
      socket.write(frame);
      if (congested()) socket.pause();
    };
    const answerPending = (): void => {
      while (pending.length >= 2 && !congested()) {
        const length = pending.readUInt16BE(0);
        if (pending.length < length + 2) break;
        const query = pending.subarray(2, length + 2);
        pending = pending.subarray(length + 2);
        const responder = this.responder;
        if (!responder) return;
        const reply = responder.respond(query, 'tcp');
        if (reply === FORWARD) this.relay(responder, Buffer.from(query), send);
        else if (reply !== null) send(reply);
      }
      if (congested()) socket.pause();
    };
    socket.on('drain', () => {
      answerPending();
      if (!congested() && !socket.destroyed) socket.resume();
    });
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      answerPending();
    });
  }
}

/** Starts a {@link DnsServer} on `index`; the caller keeps the index current (see `DnsIndex.apply*Event`). */
export async function startDnsServer(index: DnsIndex, options: DnsServerOptions = {}): Promise<DnsServer> {
  const server = new DnsServer(index);
  await server.start(options);
  return server;
}
