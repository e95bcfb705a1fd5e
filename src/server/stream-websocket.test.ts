import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { StreamSession } from '../resolvers/pod-streams.ts';
import { CHANNEL, encodeFrame } from '../sdk/pod-streams.ts';
import { createLogger } from '../util/logger.ts';
import { serveSession } from './stream-websocket.ts';

/** The parts of a ws WebSocket serveSession uses, with what it was asked to do recorded. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  paused = false;
  readonly sent: Buffer[] = [];
  closedWith: number | undefined;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  send(frame: Buffer, _options: unknown, callback?: () => void): void {
    this.sent.push(frame);
    setImmediate(() => callback?.());
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** A frame from the client, as ws delivers one: it may come while paused, from a chunk already read. */
  frame(channel: number, payload: Uint8Array | string = new Uint8Array(0)): void {
    this.emit('message', encodeFrame(channel, payload), true);
  }
}

/** A process whose stdin takes one slow chunk at a time (a container reading its pipe) and echoes it at EOF. */
function slowCat(): StreamSession & { received: () => string } {
  const stdout = new PassThrough();
  let received = '';
  const stdin = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      received += chunk.toString();
      setTimeout(callback, 20);
    },
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  stdin.on('finish', () => {
    stdout.end(received);
    finish();
  });
  return {
    stdout,
    stdin,
    done: finished.then(() => ({ exitCode: 0 })),
    close: () => stdin.destroy(),
    received: () => received,
  };
}

async function until(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('serveSession', () => {
  it("reads the client's frames again after stdin's EOF came while stdin was full (else its close is never read)", async () => {
    const socket = new FakeSocket();
    const session = slowCat();
    const served = serveSession(socket as unknown as WebSocket, session, createLogger({ level: 'silent' }));
    // One chunk fills stdin (the socket pauses), and the EOF right behind it was in the same read.
    socket.frame(CHANNEL.stdin, 'a\nb\n');
    expect(socket.paused).toBe(true);
    socket.frame(CHANNEL.close, Uint8Array.of(CHANNEL.stdin));
    await served;
    expect(session.received()).toBe('a\nb\n');
    const status = socket.sent.find((frame) => frame[0] === CHANNEL.status);
    expect(JSON.parse(status!.subarray(1).toString())).toEqual({ status: 'Success', exitCode: 0 });
    await until(() => socket.closedWith !== undefined, 'the close');
    // The socket must read again, or the peer's answer to the close (and its FIN) is never seen.
    expect(socket.paused).toBe(false);
  });

  it('holds the client back while stdin is full and lets it go as it drains', async () => {
    const socket = new FakeSocket();
    const session = slowCat();
    const served = serveSession(socket as unknown as WebSocket, session, createLogger({ level: 'silent' }));
    socket.frame(CHANNEL.stdin, 'one\n');
    expect(socket.paused).toBe(true);
    await until(() => !socket.paused, 'stdin to drain');
    socket.frame(CHANNEL.stdin, 'two\n');
    socket.frame(CHANNEL.close, Uint8Array.of(CHANNEL.stdin));
    await served;
    expect(session.received()).toBe('one\ntwo\n');
    expect(socket.paused).toBe(false);
  });

  it('reads again once the process ended, though its stdin is full and never drains (it stopped reading)', async () => {
    const socket = new FakeSocket();
    let writes = 0;
    const stdin = new Writable({ highWaterMark: 1, write: () => writes++ });
    const stdout = new PassThrough();
    let exit!: (result: { exitCode: number }) => void;
    const session: StreamSession = {
      stdout,
      stdin,
      done: new Promise((resolve) => (exit = resolve)),
      close: () => stdin.destroy(),
    };
    const served = serveSession(socket as unknown as WebSocket, session, createLogger({ level: 'silent' }));
    socket.frame(CHANNEL.stdin, 'a tar archive the process will not read');
    expect(socket.paused).toBe(true);
    stdout.end();
    exit({ exitCode: 1 });
    await served;
    expect(socket.paused).toBe(false);
    socket.frame(CHANNEL.stdin, 'more of it');
    expect(writes).toBe(1);
    expect(socket.paused).toBe(false);
  });

  it('lets the client go when stdin fails while full (the process went away)', async () => {
    const socket = new FakeSocket();
    const session = slowCat();
    void serveSession(socket as unknown as WebSocket, session, createLogger({ level: 'silent' }));
    socket.frame(CHANNEL.stdin, 'x');
    expect(socket.paused).toBe(true);
    session.stdin!.destroy(new Error('EPIPE'));
    await until(() => !socket.paused, 'the socket to resume');
    session.stdout.destroy();
  });
});
