import dnsPacket from 'dns-packet';
import type { Answer, OptAnswer } from 'dns-packet';
import type { DnsIndex } from './dns-index.ts';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
/** Extended rcode 16 (BADVERS): upper 8 bits go in the OPT record, the lower 4 in the header. */
const BADVERS_UPPER = 1;
const CLASS_IN = 1;
const CLASS_ANY = 255;
const TYPE_OPT = 41;
const TYPE_IXFR = 251;
const TYPE_AXFR = 252;
const AA = dnsPacket.AUTHORITATIVE_ANSWER;
const MAX_NAME = 255;

/** Returned by {@link DnsResponder.respond} for a query the server should pass to the upstream. */
export const FORWARD = Symbol('forward');

export interface DnsResponderOptions {
  /** Queries outside the zone go to an upstream (the server does the sending); otherwise they get REFUSED. */
  forwarding?: boolean;
  /** The UDP payload size this server advertises and accepts at most (EDNS0). Default 1232. */
  udpPayloadSize?: number;
  /** Answers kept ready to send, keyed by lowercased name, type, class and EDNS presence. Default 10 000. */
  cacheSize?: number;
}

/** A finished answer without the client's id, flags and name case, which are patched in per query. */
interface CachedAnswer {
  body: Buffer;
  /** Offsets (besides the question at 12) of owner names equal to the question name, to echo the client's case. */
  patches: number[];
  /** The same answer without its additional records, for when the full one does not fit. */
  lean?: CachedAnswer;
}

/** What the fast parser learned of a query; one instance is reused across queries. */
interface ParsedQuery {
  nameEnd: number;
  questionEnd: number;
  qtype: number;
  qclass: number;
  edns: boolean;
  udpSize: number;
  ednsVersion: number;
}

/**
 * DNS message handling without sockets: a query's bytes in, the response's bytes out. Authoritative answers come
 * from the {@link DnsIndex} and are encoded with dns-packet once, then kept; a repeated question costs a header
 * parse, one map lookup and one buffer copy. The cache is dropped whenever the index changes.
 */
export class DnsResponder {
  readonly udpPayloadSize: number;
  private readonly forwarding: boolean;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CachedAnswer>();
  private cacheVersion = -1;
  private readonly scratch = Buffer.alloc(MAX_NAME + 8);
  private readonly parsed: ParsedQuery = {
    nameEnd: 0,
    questionEnd: 0,
    qtype: 0,
    qclass: 0,
    edns: false,
    udpSize: 512,
    ednsVersion: 0,
  };

  constructor(
    readonly index: DnsIndex,
    options: DnsResponderOptions = {},
  ) {
    this.forwarding = options.forwarding ?? false;
    this.udpPayloadSize = Math.max(512, Math.min(65_535, options.udpPayloadSize ?? 1232));
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * The response to `query`, {@link FORWARD} when it belongs to the upstream, or null when the message must be
   * dropped (shorter than a header, or itself a response). Over UDP an answer larger than the client's limit (512
   * bytes, or its EDNS0 size up to ours) is replaced by a truncated one (TC=1) so the client retries over TCP.
   */
  respond(query: Buffer, transport: 'udp' | 'tcp'): Buffer | typeof FORWARD | null {
    if (query.length < 12 || (query[2]! & 0x80) !== 0) return null;
    if (((query[2]! >> 3) & 0x0f) !== 0) return headerOnly(query, RCODE.NOTIMP);
    const p = this.parsed;
    const keyLength = this.parse(query);
    if (keyLength < 0) return headerOnly(query, RCODE.FORMERR);
    if (this.cacheVersion !== this.index.version) {
      this.cache.clear();
      this.cacheVersion = this.index.version;
    }
    const key = this.scratch.toString('latin1', 0, keyLength);
    let entry = this.cache.get(key);
    if (!entry) {
      const built = this.build(query);
      if (built === FORWARD || Buffer.isBuffer(built)) return built;
      entry = built;
      if (this.cache.size >= this.cacheSize) this.cache.clear();
      this.cache.set(key, entry);
    }
    const limit = transport === 'tcp' ? 65_535 : p.edns ? Math.min(Math.max(p.udpSize, 512), this.udpPayloadSize) : 512;
    // Additional records are optional: drop them before resorting to truncation (RFC 2181 9).
    const fitting =
      entry.body.length <= limit ? entry : entry.lean && entry.lean.body.length <= limit ? entry.lean : undefined;
    return fitting ? this.finish(query, fitting) : this.truncated(query, entry.body);
  }

  /** The cached answer with the client's id, RD and CD bits and name spelling. */
  private finish(query: Buffer, entry: CachedAnswer): Buffer {
    const nameEnd = this.parsed.nameEnd;
    const out = Buffer.allocUnsafe(entry.body.length);
    entry.body.copy(out);
    out[0] = query[0]!;
    out[1] = query[1]!;
    out[2] = (out[2]! & 0xfe) | (query[2]! & 0x01);
    out[3] = (out[3]! & 0xef) | (query[3]! & 0x10);
    query.copy(out, 12, 12, nameEnd);
    for (const at of entry.patches) query.copy(out, at, 12, nameEnd);
    return out;
  }

  /** Where the question section ends in the query last passed to {@link respond} (for relaying it). */
  get questionEnd(): number {
    return this.parsed.questionEnd;
  }

  /** A SERVFAIL for `query` (e.g. the upstream did not answer in time), or null if it is not a query. */
  servfail(query: Buffer): Buffer | null {
    if (query.length < 12 || this.parse(query) < 0) return null;
    const out = Buffer.alloc(this.parsed.questionEnd);
    query.copy(out, 0, 0, this.parsed.questionEnd);
    out[2] = 0x80 | (query[2]! & 0x79);
    out[3] = (query[3]! & 0x10) | RCODE.SERVFAIL;
    out.writeUInt16BE(1, 4);
    out.fill(0, 6, 12);
    return out;
  }

  /**
   * Walks header, question and additional records without allocating; fills `this.parsed` and writes the cache
   * key (lowercased name, type, class, EDNS flag) into `this.scratch`. Returns the key length, or -1 if malformed.
   */
  private parse(q: Buffer): number {
    if (q.readUInt16BE(4) !== 1 || q.readUInt16BE(6) !== 0 || q.readUInt16BE(8) !== 0) return -1;
    const s = this.scratch;
    let off = 12;
    let k = 0;
    for (;;) {
      if (off >= q.length) return -1;
      const len = q[off]!;
      if (len === 0) break;
      if (len > 63 || off + 1 + len > q.length || off + 1 + len - 12 >= MAX_NAME) return -1;
      s[k++] = len;
      for (let i = off + 1; i <= off + len; i++) {
        const c = q[i]!;
        s[k++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
      }
      off += len + 1;
    }
    s[k++] = 0;
    off += 1;
    if (off + 4 > q.length) return -1;
    const p = this.parsed;
    p.nameEnd = off;
    q.copy(s, k, off, off + 4);
    k += 4;
    p.qtype = q.readUInt16BE(off);
    p.qclass = q.readUInt16BE(off + 2);
    off += 4;
    p.questionEnd = off;
    p.edns = false;
    p.udpSize = 512;
    p.ednsVersion = 0;
    for (let records = q.readUInt16BE(10); records > 0; records--) {
      const isRoot = off < q.length && q[off] === 0;
      off = skipName(q, off);
      if (off < 0 || off + 10 > q.length) return -1;
      const type = q.readUInt16BE(off);
      const rdEnd = off + 10 + q.readUInt16BE(off + 8);
      if (rdEnd > q.length) return -1;
      if (type === TYPE_OPT) {
        if (p.edns || !isRoot) return -1;
        p.edns = true;
        p.udpSize = q.readUInt16BE(off + 2);
        p.ednsVersion = q[off + 5]!;
      }
      off = rdEnd;
    }
    s[k++] = p.edns ? (p.ednsVersion === 0 ? 1 : 2) : 0;
    return k;
  }

  /** Builds the cacheable answer for the parsed query, or a one-off response, or FORWARD. */
  private build(query: Buffer): CachedAnswer | Buffer | typeof FORWARD {
    const p = this.parsed;
    let name: string;
    try {
      name = (dnsPacket.decode(query).questions?.[0]?.name ?? '').toLowerCase();
    } catch {
      return headerOnly(query, RCODE.FORMERR);
    }
    if (p.edns && p.ednsVersion !== 0) return this.encode(RCODE.NOERROR, [], [], [], BADVERS_UPPER, 0);
    const authoritative = this.index.isAuthoritative(name);
    if (!authoritative || (p.qclass !== CLASS_IN && p.qclass !== CLASS_ANY)) {
      return this.forwarding ? FORWARD : this.encode(RCODE.REFUSED, [], [], [], 0, 0);
    }
    if (p.qtype === TYPE_AXFR || p.qtype === TYPE_IXFR) return this.encode(RCODE.NOTIMP, [], [], [], 0, AA);
    const result = this.index.lookup(name, p.qtype);
    switch (result.status) {
      case 'answer':
        return this.encode(RCODE.NOERROR, result.answers, [], result.additionals, 0, AA);
      case 'nodata':
        return this.encode(RCODE.NOERROR, [], [this.index.soaFor(name)], [], 0, AA);
      case 'nxdomain':
        return this.encode(RCODE.NXDOMAIN, [], [this.index.soaFor(name)], [], 0, AA);
      case 'outside':
        return this.forwarding ? FORWARD : this.encode(RCODE.REFUSED, [], [], [], 0, 0);
    }
  }

  /**
   * Encodes the records with dns-packet and splices in the question as the client sent it, lowercased: the
   * question is copied rather than re-encoded so that any type and class round-trip byte for byte.
   */
  private encode(
    rcode: number,
    answers: Answer[],
    authorities: Answer[],
    additionals: Answer[],
    extendedRcode: number,
    flags: number,
  ): CachedAnswer {
    const p = this.parsed;
    const opt: Answer[] = p.edns ? [this.opt(extendedRcode)] : [];
    const extra = [...additionals, ...opt];
    const packet = { type: 'response' as const, id: 0, flags: flags | rcode, answers, authorities, additionals: extra };
    const entry = this.splice(dnsPacket.encode(packet), answers.length + authorities.length + extra.length);
    if (additionals.length > 0) {
      const lean = dnsPacket.encode({ ...packet, additionals: opt });
      entry.lean = this.splice(lean, answers.length + authorities.length + opt.length);
    }
    return entry;
  }

  /** Inserts the lowercased question after the header of `records` and finds the owner names to patch. */
  private splice(records: Buffer, count: number): CachedAnswer {
    const p = this.parsed;
    const questionLength = p.questionEnd - 12;
    const body = Buffer.allocUnsafe(records.length + questionLength);
    records.copy(body, 0, 0, 12);
    this.scratch.copy(body, 12, 0, questionLength);
    records.copy(body, 12 + questionLength, 12);
    body.writeUInt16BE(1, 4);
    const nameLength = p.nameEnd - 12;
    const lowerName = this.scratch.subarray(0, nameLength);
    const patches: number[] = [];
    let off = 12 + questionLength;
    for (let i = count; i > 0; i--) {
      const end = skipName(body, off);
      if (end - off === nameLength && body.subarray(off, end).equals(lowerName)) patches.push(off);
      off = end + 10 + body.readUInt16BE(end + 8);
    }
    return { body, patches };
  }

  private opt(extendedRcode: number): OptAnswer {
    return {
      name: '.',
      type: 'OPT',
      udpPayloadSize: this.udpPayloadSize,
      extendedRcode,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    };
  }

  /** Header with TC=1, the question, and the OPT record when the client sent one: "ask me again over TCP". */
  private truncated(query: Buffer, full: Buffer): Buffer {
    const p = this.parsed;
    const optLength = p.edns ? 11 : 0;
    const out = Buffer.alloc(p.questionEnd + optLength);
    query.copy(out, 0, 0, p.questionEnd);
    out[2] = 0x80 | (full[2]! & 0x04) | 0x02 | (query[2]! & 0x01);
    out[3] = (query[3]! & 0x10) | (full[3]! & 0x0f);
    out.writeUInt16BE(1, 4);
    out.writeUInt16BE(0, 6);
    out.writeUInt16BE(0, 8);
    out.writeUInt16BE(p.edns ? 1 : 0, 10);
    if (p.edns) {
      const at = p.questionEnd;
      out[at] = 0;
      out.writeUInt16BE(TYPE_OPT, at + 1);
      out.writeUInt16BE(this.udpPayloadSize, at + 3);
    }
    return out;
  }
}

/** Offset just past the (possibly compressed) name at `off`, or -1 when it runs past the end. */
function skipName(buf: Buffer, off: number): number {
  for (;;) {
    if (off >= buf.length) return -1;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    off += len + 1;
  }
}

/** A 12-byte response carrying only an rcode, for queries whose question cannot be trusted. */
function headerOnly(query: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out[0] = query[0]!;
  out[1] = query[1]!;
  out[2] = 0x80 | (query[2]! & 0x79); // QR, opcode and RD as asked
  out[3] = rcode;
  return out;
}
