import { PassThrough, Writable, type Readable } from 'node:stream';
import type { ConnectionOptions, SecureContextOptions } from 'node:tls';
import { WebSocket, type RawData } from 'ws';

/**
 * Capstan's stream protocol (`capstan.stream.v1`), for exec with stdin and a TTY, attach and port-forward: one
 * WebSocket per stream, every message binary, its first byte the channel and the rest the payload, after
 * Kubernetes' `v5.channel.k8s.io`. See docs/architecture.md, "Streams".
 */
export const STREAM_PROTOCOL = 'capstan.stream.v1';

export const CHANNEL = {
  /** Client → server: the process' stdin (port-forward: bytes to the pod's port). */
  stdin: 0,
  /** Server → client: the process' stdout, or the terminal with a TTY (port-forward: bytes from the pod). */
  stdout: 1,
  /** Server → client: stderr (never with a TTY). */
  stderr: 2,
  /** Server → client, last message before the server closes: a StreamStatus as JSON. */
  status: 3,
  /** Client → server: the terminal's size as JSON `{"width": columns, "height": rows}`. */
  resize: 4,
  /** Either way: `[255, channel]`, the sender will send no more on that channel (stdin's EOF, the pod's FIN). */
  close: 255,
} as const;

/** How a stream ended, as the last frame says. */
export interface StreamStatus {
  status: 'Success' | 'Failure';
  /** The process' exit code, when it ran and ended (exec, attach). */
  exitCode?: number;
  /** Why it failed: a Capstan error code (NOT_FOUND, CONFLICT, FORBIDDEN, UNAVAILABLE, ...) and a message. */
  code?: string;
  message?: string;
}

/** One frame: channel byte + payload. */
export function encodeFrame(channel: number, payload: Uint8Array | string = new Uint8Array(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const frame = Buffer.allocUnsafe(body.length + 1);
  frame[0] = channel;
  frame.set(body, 1);
  return frame;
}

/**
 * The largest stdin payload the SDK puts in one frame. The server accepts messages up to 1 MiB
 * (src/server/stream-websocket.ts) and closes the stream with 1009 (message too big) past it, so a larger write is
 * sent as several frames; 64 KiB, as a file stream's chunks, keeps each frame well under the limit.
 */
export const MAX_STDIN_FRAME_BYTES = 64 * 1024;

/** The stdin frames of one write: the bytes in order, split so that no payload is over `max`. */
export function stdinFrames(chunk: Uint8Array, max = MAX_STDIN_FRAME_BYTES): Buffer[] {
  if (chunk.length <= max) return [encodeFrame(CHANNEL.stdin, chunk)];
  const frames: Buffer[] = [];
  for (let at = 0; at < chunk.length; at += max) frames.push(encodeFrame(CHANNEL.stdin, chunk.subarray(at, at + max)));
  return frames;
}

/** The channel and payload of a message; undefined for an empty or text message (not part of the protocol). */
export function decodeFrame(data: RawData, isBinary: boolean): { channel: number; payload: Buffer } | undefined {
  if (!isBinary) return undefined;
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (buffer.length === 0) return undefined;
  return { channel: buffer[0]!, payload: buffer.subarray(1) };
}

/** The client's end of a stream: bytes in and out as Node streams, the end as a promise. */
export interface ClientStream {
  /** stdout (port-forward: the pod's bytes); ends with the server's `[255, 1]` or the end of the stream. */
  readonly stdout: Readable;
  /** stderr; ends with the stream (empty with a TTY). */
  readonly stderr: Readable;
  /** stdin (port-forward: bytes to the pod); `end()` sends `[255, 0]`. */
  readonly stdin: Writable;
  /** Sends the terminal's size (exec or attach with a TTY). */
  resize(width: number, height: number): void;
  /** Resolves with the server's last frame (or a Failure when the connection broke without one). */
  readonly done: Promise<StreamStatus>;
  /** Ends the stream from this side. */
  close(): void;
}

/** Options of the connection: the API (or a node endpoint) and its bearer token. */
export interface StreamConnectOptions {
  /** Base URL `http://host:port`; the path and query of `open*Stream` are appended. */
  url: string;
  token?: string;
  /**
   * TLS of a `https:` URL beyond the system's trust: the CA, a client certificate, a check of the server's
   * certificate (the API server's NodeDialer.tlsOptions for a node endpoint).
   */
  tls?: Pick<SecureContextOptions, 'ca' | 'cert' | 'key'> & Pick<ConnectionOptions, 'checkServerIdentity'>;
  /** Per-socket write buffer kept before stdout stops being read (backpressure). Default 1 MiB. */
  highWaterMark?: number;
}

/** Opens a stream at `path` (with its query) and wraps it as a ClientStream once the server accepted it. */
export function openStream(options: StreamConnectOptions, path: string): Promise<ClientStream> {
  const base = new URL(options.url);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(path, base);
  const socket = new WebSocket(url, [STREAM_PROTOCOL], {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    perMessageDeflate: false,
    ...options.tls,
  });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk.length < 4096 ? chunk : ''));
      res.on('end', () => {
        let error: { code?: string; message?: string } | undefined;
        try {
          error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        } catch {
          error = undefined;
        }
        reject(
          new StreamError(error?.code ?? httpCode(res.statusCode ?? 0), error?.message ?? `HTTP ${res.statusCode}`),
        );
      });
    });
    socket.once('error', (err) => reject(new StreamError('UNAVAILABLE', `${url.origin}: ${err.message}`)));
    socket.once('open', () => {
      if (socket.protocol !== STREAM_PROTOCOL) {
        socket.close(1002, 'protocol');
        reject(new StreamError('UNAVAILABLE', `${url.origin} does not speak ${STREAM_PROTOCOL}`));
        return;
      }
      resolve(wrapClientSocket(socket, options.highWaterMark ?? 1024 * 1024));
    });
  });
}

/** An error the server answered before the stream started (or a connection failure). */
export class StreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamError';
  }
}

function httpCode(status: number): string {
  if (status === 400) return 'BAD_USER_INPUT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return 'UNAVAILABLE';
}

/** What `holdWhileFull` pauses: a WebSocket (or any source with pause/resume). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

const RELEASES = ['drain', 'finish', 'close', 'error'] as const;

/**
 * Backpressure from Writables to the socket that feeds them: `hold(target)` after a write pauses the socket while
 * `target` is over its buffer, and resumes it once every held target has drained — or finished, closed or failed.
 * Waiting for 'drain' alone is not enough: a Writable that is ended while full (stdin's EOF frame right behind a
 * chunk that filled it) never emits 'drain', and a socket left paused never reads its peer's close frame, so the
 * stream's close handshake stalls until ws gives up on it.
 */
export function backpressure(socket: Pausable): {
  hold(target: Writable): void;
  /** Reads again whatever is full, for good: what the socket carries no longer matters (the process ended). */
  releaseAll(): void;
  readonly paused: boolean;
} {
  const full = new Map<Writable, () => void>();
  let released = false;
  return {
    hold(target) {
      if (released || !target.writableNeedDrain || full.has(target)) return;
      const release = (): void => {
        for (const event of RELEASES) target.off(event, release);
        full.delete(target);
        if (full.size === 0) socket.resume();
      };
      full.set(target, release);
      if (full.size === 1) socket.pause();
      for (const event of RELEASES) target.on(event, release);
    },
    releaseAll() {
      released = true;
      for (const release of [...full.values()]) release();
    },
    get paused() {
      return full.size > 0;
    },
  };
}

function wrapClientSocket(socket: WebSocket, highWaterMark: number): ClientStream {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let status: StreamStatus | undefined;
  const send = (frame: Buffer, callback?: (err?: Error) => void): void => {
    if (socket.readyState !== WebSocket.OPEN) {
      callback?.(new Error('the stream is closed'));
      return;
    }
    socket.send(frame, { binary: true }, callback);
  };
  const stdin = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      // ws sends in order; the write is done when its last frame is, failed if any frame failed.
      const frames = stdinFrames(chunk);
      let failure: Error | undefined;
      frames.forEach((frame, i) =>
        send(frame, (err) => {
          failure ??= err;
          if (i === frames.length - 1) callback(failure ?? null);
        }),
      );
    },
    final(callback) {
      send(encodeFrame(CHANNEL.close, Uint8Array.of(CHANNEL.stdin)), () => callback());
    },
  });
  // A write after the server ended the stream is not the caller's error.
  stdin.on('error', () => undefined);
  const inflow = backpressure(socket);
  socket.on('message', (data, isBinary) => {
    const frame = decodeFrame(data, isBinary);
    if (!frame) return;
    if (frame.channel === CHANNEL.stdout) {
      if (!stdout.writableEnded) stdout.write(frame.payload);
      inflow.hold(stdout);
    } else if (frame.channel === CHANNEL.stderr) {
      if (!stderr.writableEnded) stderr.write(frame.payload);
      inflow.hold(stderr);
    } else if (frame.channel === CHANNEL.status) {
      try {
        status = JSON.parse(frame.payload.toString('utf8')) as StreamStatus;
      } catch {
        status = { status: 'Failure', code: 'UNAVAILABLE', message: 'the server sent a malformed status' };
      }
    } else if (frame.channel === CHANNEL.close) {
      if (frame.payload[0] === CHANNEL.stdout) stdout.end();
      if (frame.payload[0] === CHANNEL.stderr) stderr.end();
    }
  });
  const done = new Promise<StreamStatus>((resolve) => {
    socket.once('close', (code, reason) => {
      stdout.end();
      stderr.end();
      if (!stdin.writableFinished) stdin.destroy();
      resolve(
        status ?? {
          status: 'Failure',
          code: 'UNAVAILABLE',
          message: `the stream ended without a status (WebSocket close ${code}${reason.length ? `: ${reason.toString()}` : ''})`,
        },
      );
    });
  });
  socket.on('error', () => undefined);
  return {
    stdout,
    stderr,
    stdin,
    done,
    resize(width, height) {
      send(encodeFrame(CHANNEL.resize, JSON.stringify({ width, height })));
    },
    close() {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
    },
  };
}

/** What `openExecStream` runs: as kubectl exec's flags. */
export interface ExecStreamRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
}

function query(params: Record<string, string | string[] | boolean | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  return search.toString();
}

function podPath(namespace: string, pod: string, sub: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${sub}`;
}

/** `kubectl exec [-i] [-t]` on the API: `GET /api/v1/namespaces/NS/pods/NAME/exec?command=...&stdin=true&tty=true`. */
export function openExecStream(options: StreamConnectOptions, request: ExecStreamRequest): Promise<ClientStream> {
  const q = query({
    container: request.container,
    command: request.command,
    stdin: request.stdin ?? false,
    tty: request.tty ?? false,
  });
  return openStream(options, `${podPath(request.namespace, request.pod, 'exec')}?${q}`);
}

/** `kubectl attach`: the stdio of the container's main process (stdin only if its spec keeps it open). */
export function openAttachStream(
  options: StreamConnectOptions,
  request: Omit<ExecStreamRequest, 'command'>,
): Promise<ClientStream> {
  const q = query({ container: request.container, stdin: request.stdin ?? false, tty: request.tty ?? false });
  return openStream(options, `${podPath(request.namespace, request.pod, 'attach')}?${q}`);
}

/** One TCP connection to `port` of the pod, made by its node: stdin → the pod, stdout ← the pod. */
export function openPortForwardStream(
  options: StreamConnectOptions,
  request: { namespace: string; pod: string; port: number },
): Promise<ClientStream> {
  return openStream(
    options,
    `${podPath(request.namespace, request.pod, 'portforward')}?${query({ port: request.port })}`,
  );
}
