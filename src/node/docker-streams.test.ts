import { describe, expect, it } from 'vitest';
import { JsonLinesDecoder, MultiplexedFrameDecoder, MultiplexedLineDecoder, toLogLine } from './docker-streams.ts';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('MultiplexedFrameDecoder', () => {
  it('returns each frame payload with its stream, byte-exact, whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([frame(1, 'no newline'), frame(2, 'é\n'), frame(1, '')]);
    for (const size of [1, 5, 8, bytes.length]) {
      const decoder = new MultiplexedFrameDecoder();
      const frames = [];
      for (let i = 0; i < bytes.length; i += size) frames.push(...decoder.push(bytes.subarray(i, i + size)));
      expect(frames.map((f) => [f.stream, f.payload.toString('utf8')])).toEqual([
        ['stdout', 'no newline'],
        ['stderr', 'é\n'],
        ['stdout', ''],
      ]);
    }
  });
});

describe('MultiplexedLineDecoder', () => {
  it('splits frames into lines per stream, whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\nthree')]);
    for (const size of [1, 3, 7, 8, 9, bytes.length]) {
      const decoder = new MultiplexedLineDecoder();
      const lines = [];
      for (let i = 0; i < bytes.length; i += size) lines.push(...decoder.push(bytes.subarray(i, i + size)));
      lines.push(...decoder.end());
      expect(lines).toEqual([
        { stream: 'stdout', text: 'one' },
        { stream: 'stderr', text: 'err' },
        { stream: 'stdout', text: 'two' },
        { stream: 'stdout', text: 'three' },
      ]);
    }
  });

  it('keeps multi-byte characters split across frames intact within a frame', () => {
    const decoder = new MultiplexedLineDecoder();
    expect(decoder.push(frame(1, 'grüße\n'))).toEqual([{ stream: 'stdout', text: 'grüße' }]);
  });
});

describe('toLogLine', () => {
  it('separates the Docker timestamp when asked for', () => {
    expect(toLogLine({ stream: 'stdout', text: '2024-05-01T10:00:00.123456789Z hello world' }, true)).toEqual({
      stream: 'stdout',
      timestamp: '2024-05-01T10:00:00.123456789Z',
      text: 'hello world',
    });
    expect(toLogLine({ stream: 'stderr', text: 'plain\r' }, false)).toEqual({ stream: 'stderr', text: 'plain' });
  });
});

describe('JsonLinesDecoder', () => {
  it('parses newline-delimited JSON split across chunks', () => {
    const decoder = new JsonLinesDecoder();
    expect(decoder.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(decoder.push(':2}\n\n')).toEqual([{ b: 2 }]);
  });
});
