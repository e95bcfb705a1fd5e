import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

type Done = (err?: Error) => void;

/** Bytes queued for a connection (socket buffer + gathered frames) under which a send is acknowledged at once. */
export const HIGH_WATER_BYTES = 1024 * 1024;

/** One text frame's header (RFC 6455 §5.2) for a payload of `length` bytes, unmasked (server to client). */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

function writeHeader(target: Buffer, at: number, length: number): number {
  target[at] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    target[at + 1] = length;
    return at + 2;
  }
  if (length < 65_536) {
    target[at + 1] = 126;
    target.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  target[at + 1] = 127;
  target.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
  target.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}

/**
 * Gathers the text messages a server-side WebSocket sends in one turn of the event loop into one buffer and one
 * write. One change fans out to every subscription multiplexed on a connection in the same turn; sent one by one,
 * each message was two chunks of a corked write (ws' frame header and payload) and a callback, and the socket's
 * writev of a few hundred chunks cost more than building the frames.
 *
 * `transform` may rewrite a message before it is framed. Only plain text messages of a connection without
 * extensions (no permessage-deflate) are gathered; anything else — binary data, options, another state — first
 * flushes what is gathered and then goes through ws (text still transformed), so messages keep their order. ws writes its control
 * frames (ping, pong) straight to the socket, which may put them between two gathered messages: RFC 6455 allows
 * that between complete messages. `close()` and `terminate()` flush first, so no message follows a close frame.
 * A message's callback says when the sender may go on. graphql-ws awaits it before it sends a subscription's next
 * event, so a callback called only once the batch was written allowed one event per subscription every two turns of
 * the event loop: under list load (a turn then holds slices of long lists) a watch of a busy namespace fell seconds
 * behind its changes with the process mostly idle. So while little is queued for the connection (its socket's
 * buffer and the gathered frames under `highWaterBytes`) a callback is called at once, and the next event joins the
 * same batch; past that, it is called once its batch is written (with the write's error, if any), or with an error
 * when the connection closed before the batch went out: a client that does not read holds its senders back.
 */
export function batchTextFrames(
  socket: WebSocket,
  tcp: Duplex,
  transform: (data: string) => string,
  highWaterBytes = HIGH_WATER_BYTES,
): void {
  const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
  const close = socket.close.bind(socket);
  const terminate = socket.terminate.bind(socket);
  let messages: string[] = [];
  let lengths: number[] = [];
  let callbacks: Done[] = [];
  let bytes = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (messages.length === 0) return;
    const payloads = messages;
    const sizes = lengths;
    const done = callbacks;
    messages = [];
    lengths = [];
    callbacks = [];
    const total = bytes;
    bytes = 0;
    if (socket.readyState !== WebSocket.OPEN || tcp.destroyed || !tcp.writable) {
      const err = new Error('WebSocket is not open');
      for (const callback of done) callback(err);
      return;
    }
    const frames = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < payloads.length; i++) {
      at = writeHeader(frames, at, sizes[i]!);
      at += frames.write(payloads[i]!, at, 'utf8');
    }
    tcp.write(frames, (err?: Error | null) => {
      for (const callback of done) callback(err ?? undefined);
    });
  };

  socket.send = ((data: unknown, ...rest: unknown[]) => {
    const done = typeof rest[0] === 'function' ? (rest[0] as Done) : undefined;
    const plain = typeof data === 'string' && (rest.length === 0 || (rest.length === 1 && done));
    if (!plain || socket.readyState !== WebSocket.OPEN || socket.extensions !== '') {
      flush();
      send(typeof data === 'string' ? transform(data) : data, ...rest);
      return;
    }
    const text = transform(data);
    const length = Buffer.byteLength(text);
    messages.push(text);
    lengths.push(length);
    bytes += headerLength(length) + length;
    if (done) {
      if (tcp.writableLength + bytes < highWaterBytes) queueMicrotask(() => done());
      else callbacks.push(done);
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }) as WebSocket['send'];
  socket.close = ((...args: Parameters<WebSocket['close']>) => {
    flush();
    close(...args);
  }) as WebSocket['close'];
  socket.terminate = () => {
    flush();
    terminate();
  };
}
