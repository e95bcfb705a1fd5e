import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  backpressure,
  CHANNEL,
  decodeFrame,
  encodeFrame,
  MAX_STDIN_FRAME_BYTES,
  openExecStream,
  STREAM_PROTOCOL,
  stdinFrames,
} from './pod-streams.ts';

function pausable(): { paused: boolean; pause(): void; resume(): void } {
  return {
    paused: false,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
  };
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('backpressure', () => {
  it('pauses while a target is full and resumes when it drains', async () => {
    const socket = pausable();
    const out = new PassThrough({ highWaterMark: 4 });
    const inflow = backpressure(socket);
    out.write('12345678');
    inflow.hold(out);
    expect(socket.paused).toBe(true);
    out.resume();
    await nextTurn();
    expect(socket.paused).toBe(false);
  });

  it('does not pause for a target with room', () => {
    const socket = pausable();
    const out = new PassThrough();
    out.write('x');
    backpressure(socket).hold(out);
    expect(socket.paused).toBe(false);
  });

  it('resumes when a full target is ended (which emits no drain) once its data is read', async () => {
    const socket = pausable();
    const out = new PassThrough({ highWaterMark: 4 });
    const inflow = backpressure(socket);
    out.write('12345678');
    inflow.hold(out);
    // The end of stdout arrives right behind the chunk that filled it.
    out.end();
    let read = '';
    out.on('data', (chunk: Buffer) => (read += chunk.toString()));
    await new Promise((r) => out.once('end', r));
    await nextTurn();
    expect(read).toBe('12345678');
    expect(socket.paused).toBe(false);
  });

  it('resumes when a full target fails or is destroyed', async () => {
    const socket = pausable();
    const sink = new Writable({ highWaterMark: 1, write: () => undefined });
    sink.on('error', () => undefined);
    const inflow = backpressure(socket);
    sink.write('x');
    inflow.hold(sink);
    expect(socket.paused).toBe(true);
    sink.destroy(new Error('EPIPE'));
    await nextTurn();
    expect(socket.paused).toBe(false);
  });

  it('stays paused until every full target has room', async () => {
    const socket = pausable();
    const stdout = new PassThrough({ highWaterMark: 1 });
    const stderr = new PassThrough({ highWaterMark: 1 });
    const inflow = backpressure(socket);
    stdout.write('ab');
    inflow.hold(stdout);
    stderr.write('cd');
    inflow.hold(stderr);
    stdout.resume();
    await nextTurn();
    expect(socket.paused).toBe(true);
    stderr.resume();
    await nextTurn();
    expect(socket.paused).toBe(false);
  });
});

describe('stdin frames', () => {
  it('splits a write into payloads of at most the limit, in order, and keeps a small one whole', () => {
    const chunk = randomBytes(2 * MAX_STDIN_FRAME_BYTES + 5);
    const frames = stdinFrames(chunk);
    expect(frames.map((f) => f.length - 1)).toEqual([MAX_STDIN_FRAME_BYTES, MAX_STDIN_FRAME_BYTES, 5]);
    expect(frames.every((f) => f[0] === CHANNEL.stdin)).toBe(true);
    expect(Buffer.concat(frames.map((f) => f.subarray(1))).equals(chunk)).toBe(true);
    expect(stdinFrames(Buffer.from('ls\n'))).toEqual([encodeFrame(CHANNEL.stdin, 'ls\n')]);
  });

  it("carries a 3 MiB stdin write to a server that refuses messages over 1 MiB (as the API server's)", async () => {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      maxPayload: 1024 * 1024,
      handleProtocols: () => STREAM_PROTOCOL,
    });
    await new Promise((r) => wss.once('listening', r));
    const closes: number[] = [];
    const received = new Promise<Buffer>((resolve) => {
      wss.on('connection', (socket) => {
        const parts: Buffer[] = [];
        socket.on('close', (code) => closes.push(code));
        socket.on('message', (data, isBinary) => {
          const frame = decodeFrame(data, isBinary);
          if (frame?.channel === CHANNEL.stdin) parts.push(Buffer.from(frame.payload));
          if (frame?.channel === CHANNEL.close && frame.payload[0] === CHANNEL.stdin) {
            socket.send(encodeFrame(CHANNEL.status, JSON.stringify({ status: 'Success', exitCode: 0 })));
            socket.close(1000);
            resolve(Buffer.concat(parts));
          }
        });
      });
    });
    try {
      const { port } = wss.address() as AddressInfo;
      const stream = await openExecStream(
        { url: `http://127.0.0.1:${port}` },
        { namespace: 'default', pod: 'p', command: ['cat'], stdin: true },
      );
      const payload = randomBytes(3 * 1024 * 1024);
      stream.stdin.end(payload);
      const status = await stream.done;
      expect(status).toEqual({ status: 'Success', exitCode: 0 });
      expect((await received).equals(payload)).toBe(true);
      expect(closes).not.toContain(1009);
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
});
