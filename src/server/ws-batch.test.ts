import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { batchTextFrames } from './ws-batch.ts';

type Received = { text: string; binary: boolean };

/** A real ws server whose connections batch their text frames, and a real ws client that records what arrives. */
async function connect(
  transform: (data: string) => string = (d) => d,
  highWaterBytes?: number,
): Promise<{
  server: WebSocket;
  client: WebSocket;
  received: Received[];
  closed: Promise<{ code: number; reason: string }>;
  writes: () => number;
  tcp: () => Duplex;
}> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  let writeCount = 0;
  let serverTcp: Duplex | undefined;
  const accepted = new Promise<WebSocket>((resolve) =>
    wss.on('connection', (socket, request) => {
      const tcp = request.socket;
      serverTcp = tcp;
      const write = tcp.write.bind(tcp) as (...args: unknown[]) => boolean;
      tcp.write = ((...args: unknown[]) => {
        writeCount++;
        return write(...args);
      }) as typeof tcp.write;
      batchTextFrames(socket, tcp, transform, highWaterBytes);
      resolve(socket);
    }),
  );
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  cleanups.push(() => client.terminate());
  const received: Received[] = [];
  client.on('message', (data, isBinary) => received.push({ text: data.toString(), binary: isBinary }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    client.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await once(client, 'open');
  const server = await accepted;
  return { server, client, received, closed, writes: () => writeCount, tcp: () => serverTcp! };
}

async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sendAll(socket: WebSocket, messages: string[]): Promise<(Error | undefined)[]> {
  return Promise.all(
    messages.map((message) => new Promise<Error | undefined>((resolve) => socket.send(message, (err) => resolve(err)))),
  );
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('batchTextFrames', () => {
  it('delivers every length class a frame header has, and multibyte text, intact and in order, in one write', async () => {
    const { server, received, writes } = await connect();
    const messages = [
      '',
      'a',
      'x'.repeat(125),
      'x'.repeat(126),
      'é'.repeat(63), // 126 bytes in 63 characters: the length is counted in bytes
      'y'.repeat(65_535),
      'z'.repeat(65_536),
      '日本語🚀'.repeat(30_000), // > 65,536 bytes of multibyte text
      'last',
    ];
    const before = writes();
    const errors = await sendAll(server, messages);
    expect(errors.every((e) => e === undefined)).toBe(true);
    await until(() => received.length === messages.length, 'all messages');
    expect(received.map((m) => m.text)).toEqual(messages);
    expect(received.every((m) => !m.binary)).toBe(true);
    expect(writes() - before).toBe(1);
  });

  it('keeps order around a message ws sends itself, and transforms text on both paths', async () => {
    const { server, received } = await connect((d) => d.toUpperCase());
    server.send('one');
    server.send('two');
    server.send(Buffer.from('bin'), { binary: true }); // not plain: flushes what was gathered first
    server.send('three', { compress: false }); // options: through ws, still transformed
    server.send('four');
    await until(() => received.length === 5, 'five messages');
    expect(received).toEqual([
      { text: 'ONE', binary: false },
      { text: 'TWO', binary: false },
      { text: 'bin', binary: true },
      { text: 'THREE', binary: false },
      { text: 'FOUR', binary: false },
    ]);
  });

  it('sends what was gathered before the close frame', async () => {
    const { server, received, closed } = await connect();
    server.send('before close 1');
    server.send('before close 2');
    server.close(4000, 'bye');
    const { code, reason } = await closed;
    expect(received.map((m) => m.text)).toEqual(['before close 1', 'before close 2']);
    expect([code, reason]).toEqual([4000, 'bye']);
  });

  it('answers a send after the connection closed with an error instead of dropping the callback', async () => {
    const { server, client } = await connect();
    client.close();
    await once(server, 'close');
    const [err] = await sendAll(server, ['too late']);
    expect(err).toBeInstanceOf(Error);
  });

  it('lets a sender that awaits each send (graphql-ws) have its next messages gathered in the same write', async () => {
    const { server, received, writes } = await connect();
    const before = writes();
    for (let i = 0; i < 50; i++) {
      const err = await new Promise<Error | undefined>((resolve) => server.send(`event ${i}`, (e) => resolve(e)));
      expect(err).toBeUndefined();
    }
    await until(() => received.length === 50, 'fifty messages');
    expect(received.map((r) => r.text)).toEqual(Array.from({ length: 50 }, (_, i) => `event ${i}`));
    expect(writes() - before).toBe(1);
  });

  it('holds a sender back until the write is done once more than the high-water mark is queued', async () => {
    const { server, received } = await connect((d) => d, 64);
    let called = false;
    const done = new Promise<Error | undefined>((resolve) =>
      server.send('x'.repeat(100), (err) => {
        called = true;
        resolve(err);
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(called).toBe(false);
    expect(await done).toBeUndefined();
    await until(() => received.length === 1, 'the message');
  });

  it('calls back with an error for gathered messages whose connection went away before the batch was written', async () => {
    const { server, tcp } = await connect((d) => d, 0);
    const pending = sendAll(server, ['a', 'b']);
    tcp().destroy(); // in the same turn: the ws is still OPEN, its socket is gone
    const errors = await pending;
    expect(errors.every((e) => e instanceof Error)).toBe(true);
  });
});
