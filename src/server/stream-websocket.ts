import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CapstanError, isCapstanError, type CapstanErrorCode } from '../api/errors.ts';
import type { StreamSession } from '../resolvers/pod-streams.ts';
import {
  backpressure,
  CHANNEL,
  decodeFrame,
  encodeFrame,
  STREAM_PROTOCOL,
  type ClientStream,
  type StreamStatus,
} from '../sdk/pod-streams.ts';
import { GRAPHQL_CODES } from '../schema/errors.ts';
import type { Logger } from '../util/logger.ts';

const HTTP_STATUS: Record<CapstanErrorCode, [number, string]> = {
  NOT_FOUND: [404, 'Not Found'],
  ALREADY_EXISTS: [409, 'Conflict'],
  CONFLICT: [409, 'Conflict'],
  INVALID: [400, 'Bad Request'],
  EXPIRED: [410, 'Gone'],
  UNAUTHENTICATED: [401, 'Unauthorized'],
  FORBIDDEN: [403, 'Forbidden'],
  UNAVAILABLE: [503, 'Service Unavailable'],
  TOO_MANY_REQUESTS: [429, 'Too Many Requests'],
};

/** Messages in flight on a WebSocket before the session's output stops being read. */
const MAX_PENDING_SENDS = 32;
/** The largest client message: a chunk of stdin or of a forwarded connection. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The CapstanError code behind a code of the stream protocol (GraphQL's codes); UNAVAILABLE when unknown. */
export function fromPublicCode(code: string | undefined): CapstanErrorCode {
  if (code === 'BAD_USER_INPUT') return 'INVALID';
  const known = ['NOT_FOUND', 'CONFLICT', 'EXPIRED', 'UNAUTHENTICATED', 'FORBIDDEN', 'TOO_MANY_REQUESTS'];
  return code && known.includes(code) ? (code as CapstanErrorCode) : 'UNAVAILABLE';
}

/** Answers an upgrade request that cannot become a stream with a status and `{ error: { code, message } }`. */
export function refuseUpgrade(socket: Duplex, error: CapstanError): void {
  const [status, text] = HTTP_STATUS[error.code];
  const body = JSON.stringify({ error: { code: GRAPHQL_CODES[error.code], message: error.message } });
  const extra = error.code === 'UNAUTHENTICATED' ? 'WWW-Authenticate: Bearer realm="capstan"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The bearer token of an upgrade request: the Authorization header. */
export function upgradeToken(req: IncomingMessage): string | undefined {
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** A WebSocket server for streams (no HTTP server of its own: `accept` is called from an upgrade handler). */
export function createStreamSocketServer(): {
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket>;
  close(): void;
} {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
  });
  return {
    // ws drops a socket that closed while the stream was being opened without calling back: that is a rejection
    // here, so the caller closes the session it opened (else a Docker exec or a pod connection would leak).
    accept: (req, socket, head) =>
      new Promise((resolve, reject) => {
        const gone = (): void =>
          reject(new CapstanError('UNAVAILABLE', 'the client went away before the stream started'));
        socket.once('close', gone);
        wss.handleUpgrade(req, socket, head, (ws) => {
          socket.off('close', gone);
          resolve(ws);
        });
      }),
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/** Throws INVALID unless the client asked for the stream protocol (an old client would misread the frames). */
export function requireStreamProtocol(req: IncomingMessage): void {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(STREAM_PROTOCOL)) {
    throw new CapstanError('INVALID', `streams speak the WebSocket subprotocol ${STREAM_PROTOCOL}: offer it`);
  }
}

/**
 * Serves one session on an accepted WebSocket with the frames of `capstan.stream.v1` (src/sdk/pod-streams.ts):
 * output on channels 1 and 2 (with backpressure: at most MAX_PENDING_SENDS messages in flight), stdin from channel 0
 * (its EOF `[255, 0]` ends it), terminal sizes from channel 4, and when the session is done a status frame on
 * channel 3, then a normal close. A client that goes away closes the session.
 */
export function serveSession(socket: WebSocket, session: StreamSession, log: Logger): Promise<void> {
  let pending = 0;
  const paused = new Set<Readable>();
  const sent = (): void => {
    pending--;
    if (pending < MAX_PENDING_SENDS / 2) {
      for (const readable of paused) readable.resume();
      paused.clear();
    }
  };
  const send = (frame: Buffer): void => {
    if (socket.readyState !== socket.OPEN) return;
    pending++;
    socket.send(frame, { binary: true }, sent);
  };
  const pump = (readable: Readable, channel: number): Promise<void> =>
    new Promise((resolve) => {
      readable.on('data', (chunk: Buffer) => {
        send(encodeFrame(channel, chunk));
        if (pending >= MAX_PENDING_SENDS) {
          readable.pause();
          paused.add(readable);
        }
      });
      readable.once('end', () => {
        send(encodeFrame(CHANNEL.close, Uint8Array.of(channel)));
        resolve();
      });
      readable.once('close', resolve);
      readable.once('error', () => resolve());
    });

  const { stdin } = session;
  stdin?.on('error', () => undefined);
  // The client's frames wait while the session's stdin is full; its EOF (or its end) lets them go again.
  const inflow = backpressure(socket);
  let sessionOver = false;
  socket.on('message', (data, isBinary) => {
    const frame = decodeFrame(data, isBinary);
    if (!frame) return;
    if (frame.channel === CHANNEL.stdin && stdin && !sessionOver && !stdin.writableEnded && !stdin.destroyed) {
      stdin.write(frame.payload);
      inflow.hold(stdin);
    } else if (frame.channel === CHANNEL.close && frame.payload[0] === CHANNEL.stdin) {
      stdin?.end();
    } else if (frame.channel === CHANNEL.resize && session.resize) {
      const size = parseSize(frame.payload);
      if (size) session.resize(size.width, size.height).catch((err: unknown) => log.debug({ err }, 'resize failed'));
    }
  });
  socket.once('close', () => session.close());
  socket.on('error', () => session.close());

  // Once the process (or connection) is over, stdin it did not read is dropped and the socket reads again, else a
  // client still sending (a copy into a folder that is not there) holds the close handshake until ws gives up (30 s).
  const over = (): void => {
    sessionOver = true;
    inflow.releaseAll();
  };
  session.done.then(over, over);
  // Settled at once, so a session that fails while its output is still being sent is no unhandled rejection.
  const ended = session.done.then(
    ({ exitCode }): StreamStatus => ({
      status: exitCode ? 'Failure' : 'Success',
      ...(exitCode !== undefined ? { exitCode } : {}),
    }),
    (err: unknown): StreamStatus => {
      const error = isCapstanError(err) ? err : new CapstanError('UNAVAILABLE', 'the stream failed');
      if (!isCapstanError(err)) log.warn({ err }, 'stream failed');
      return { status: 'Failure', code: GRAPHQL_CODES[error.code], message: error.message };
    },
  );
  const outputs = [
    pump(session.stdout, CHANNEL.stdout),
    ...(session.stderr ? [pump(session.stderr, CHANNEL.stderr)] : []),
  ];
  return Promise.all(outputs)
    .then(() => ended)
    .then((status) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(encodeFrame(CHANNEL.status, JSON.stringify(status)), { binary: true }, () => socket.close(1000));
    });
}

/**
 * Ends an open stream whose token was revoked or expired: a Failure status with FORBIDDEN and the reason, then close
 * 4403 (as graphql-ws connections); the session closes with the socket.
 */
export function endRevokedStream(socket: WebSocket, reason: string): void {
  if (socket.readyState !== socket.OPEN) return;
  const status: StreamStatus = {
    status: 'Failure',
    code: GRAPHQL_CODES.FORBIDDEN,
    message: `the stream was ended: ${reason}`,
  };
  socket.send(encodeFrame(CHANNEL.status, JSON.stringify(status)), { binary: true }, () =>
    socket.close(4403, 'FORBIDDEN'),
  );
}

function parseSize(payload: Buffer): { width: number; height: number } | undefined {
  try {
    const { width, height } = JSON.parse(payload.toString('utf8')) as { width?: unknown; height?: unknown };
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 10_000;
    return ok(width) && ok(height) ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A stream opened on another server (the pod's node) as a session this server can serve on: what the API server
 * relays between the client and the node. The node's Failure status becomes a CapstanError with its code.
 */
export function sessionFromClientStream(stream: ClientStream, tty: boolean): StreamSession {
  const done = stream.done.then((status) => {
    if (status.exitCode !== undefined) return { exitCode: status.exitCode };
    if (status.status === 'Success') return {};
    throw new CapstanError(fromPublicCode(status.code), status.message ?? 'the node ended the stream');
  });
  // A session closed before anyone serves it has no reader of its end.
  done.catch(() => undefined);
  return {
    stdout: stream.stdout,
    ...(tty ? {} : { stderr: stream.stderr }),
    stdin: stream.stdin,
    async resize(width, height) {
      stream.resize(width, height);
    },
    done,
    close: () => stream.close(),
  };
}
