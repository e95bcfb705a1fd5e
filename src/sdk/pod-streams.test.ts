import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { backpressure } from './pod-streams.ts';

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
