import { afterAll, describe, expect, it } from 'vitest';
import { ProcessPool } from './process-pool.ts';

const pool = new ProcessPool(2);
afterAll(() => pool.close());

describe('process pool', () => {
  it('runs processes side by side with stdin, environment, exit code and output', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pool.run({
          file: '/bin/sh',
          args: ['-c', 'read line; echo "$line $WHO"; echo oops >&2; exit $CODE'],
          env: { WHO: `w${i}`, CODE: String(i % 3) },
          stdin: `hello-${i}\n`,
        }),
      ),
    );
    results.forEach((r, i) => {
      expect(r.stdout.toString()).toBe(`hello-${i} w${i}\n`);
      expect(r.stderr.toString()).toBe('oops\n');
      expect(r.code).toBe(i % 3);
      expect(r.error).toBeUndefined();
    });
  });

  it('reports a program that cannot be started, and a timeout as a signal', async () => {
    const missing = await pool.run({ file: '/nonexistent/plugin' });
    expect(missing.code).toBeNull();
    expect(missing.error).toMatch(/ENOENT/);
    const slow = await pool.run({ file: '/bin/sleep', args: ['5'], timeoutMs: 100 });
    expect(slow.signal).toBe('SIGTERM');
  });
});
