import { createSocket, type Socket } from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
import { CapstanError } from '../api/errors.ts';

/** An upstream resolver address. */
export interface Upstream {
  host: string;
  port: number;
}

/** Parses `ip`, `ip:port`, `[v6]` or `[v6]:port` (default port 53); throws INVALID otherwise. */
export function parseUpstream(value: string): Upstream {
  const match = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(value);
  const port = match?.[2] === undefined ? 53 : Number(match[2]);
  // An address, not a host name: replies are matched against it, and resolving it would need a resolver.
  if (!match?.[1] || !isIP(match[1]) || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw CapstanError.invalid([{ field: 'upstream', message: `"${value}" must be ip:port, e.g. 127.0.0.1:53` }]);
  }
  return { host: match[1], port };
}

interface Pending {
  clientId: number;
  question: Buffer;
  timer: NodeJS.Timeout;
  done: (reply: Buffer | null) => void;
}

/**
 * Relays queries to one upstream over UDP from a socket of its own. Each relayed query gets a fresh id (clients'
 * ids collide with one another); a reply is accepted only from the upstream's address with a pending id and the
 * same question, and the client's id is restored before it is handed back.
 */
export class UdpForwarder {
  private socket: Socket | undefined;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly upstream: Upstream,
    private readonly timeoutMs = 2000,
    private readonly maxInFlight = 4096,
  ) {}

  async open(): Promise<void> {
    const socket = createSocket(isIPv6(this.upstream.host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port === this.upstream.port && rinfo.address === this.upstream.host) this.onReply(msg);
    });
    // Send errors (e.g. ICMP port unreachable) surface here; the pending query then times out into a SERVFAIL.
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, isIPv6(this.upstream.host) ? '::' : '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
  }

  /**
   * Sends `query` upstream; `done` gets the reply with the client's id, or null on timeout or when too many
   * queries are in flight. `questionEnd` is where the question section of `query` ends.
   */
  forward(query: Buffer, questionEnd: number, done: (reply: Buffer | null) => void): void {
    const socket = this.socket;
    if (!socket || this.pending.size >= this.maxInFlight) {
      done(null);
      return;
    }
    let id = (Math.random() * 0x10000) | 0;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    const relayed = Buffer.from(query);
    relayed.writeUInt16BE(id, 0);
    const timer = setTimeout(() => {
      this.pending.delete(id);
      done(null);
    }, this.timeoutMs);
    this.pending.set(id, { clientId: query.readUInt16BE(0), question: relayed.subarray(12, questionEnd), timer, done });
    socket.send(relayed, this.upstream.port, this.upstream.host);
  }

  close(): void {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  private onReply(msg: Buffer): void {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const pending = this.pending.get(id);
    if (!pending || !msg.subarray(12, 12 + pending.question.length).equals(pending.question)) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    msg.writeUInt16BE(pending.clientId, 0);
    pending.done(msg);
  }
}
