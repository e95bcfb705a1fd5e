import type { LogLine } from './runtime.ts';

type StreamName = LogLine['stream'];

/**
 * Decodes Docker's multiplexed attach/log stream (non-TTY containers): frames of an 8-byte header — stream type
 * (1 stdout, 2 stderr), three zero bytes, big-endian payload length — then the payload. Frames may be split or
 * merged arbitrarily across chunks; `push` returns the complete lines seen so far, `end` the unterminated rest.
 */
export class MultiplexedLineDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial: Record<StreamName, string> = { stdout: '', stderr: '' };

  push(chunk: Buffer): { stream: StreamName; text: string }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: { stream: StreamName; text: string }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream: StreamName = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const payload = this.pending.subarray(8, 8 + size).toString('utf8');
      this.pending = this.pending.subarray(8 + size);
      const parts = (this.partial[stream] + payload).split('\n');
      this.partial[stream] = parts.pop() ?? '';
      for (const text of parts) lines.push({ stream, text });
    }
    return lines;
  }

  end(): { stream: StreamName; text: string }[] {
    const rest: { stream: StreamName; text: string }[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') rest.push({ stream, text: this.partial[stream] });
      this.partial[stream] = '';
    }
    return rest;
  }
}

/** Splits Docker's multiplexed stream (see MultiplexedLineDecoder) into frame payloads, bytes as they came. */
export class MultiplexedFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { stream: StreamName; payload: Buffer }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: { stream: StreamName; payload: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      frames.push({ stream: this.pending[0] === 2 ? 'stderr' : 'stdout', payload: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}

/** Splits `2024-05-01T10:00:00.123456789Z text` as Docker prefixes lines with `timestamps=true`. */
export function toLogLine(raw: { stream: StreamName; text: string }, timestamps: boolean): LogLine {
  const text = raw.text.endsWith('\r') ? raw.text.slice(0, -1) : raw.text;
  if (!timestamps) return { stream: raw.stream, text };
  const space = text.indexOf(' ');
  if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(text)) {
    return { stream: raw.stream, timestamp: text.slice(0, space), text: text.slice(space + 1) };
  }
  return { stream: raw.stream, text };
}

/** Splits a byte stream of newline-delimited JSON (Docker's events and pull progress) into parsed objects. */
export class JsonLinesDecoder {
  private pending = '';

  push(chunk: Buffer | string): unknown[] {
    this.pending += chunk.toString();
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.filter((p) => p.trim() !== '').map((p) => JSON.parse(p) as unknown);
  }
}

/**
 * Iterates a readable stream's chunks until it ends, errors, or `signal` aborts (which destroys it). Leaving the
 * loop early destroys the stream too, so a log follower never leaks its connection.
 */
export async function* chunks(stream: NodeJS.ReadableStream, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const readable = stream as NodeJS.ReadableStream & { destroy?: () => void };
  const onAbort = (): void => readable.destroy?.();
  if (signal?.aborted) {
    onAbort();
    return;
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of readable) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    onAbort();
  }
}
