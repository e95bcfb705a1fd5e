import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { execTimeoutSeconds } from './exec.ts';

/** Runs `capstan exec ...args` against a server that is never reached: every case fails before a request. */
async function capstanExec(...args: string[]): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const err = new PassThrough();
  err.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const io = {
    stdout: new PassThrough(),
    stderr: err,
    stdin: Readable.from([]),
    env: { CAPSTAN_CONFIG: '/nonexistent/capstan-config', CAPSTAN_TOKEN: 'abcdef.0123456789abcdef' },
  };
  const code = await main(['node', 'capstan', '--server', 'http://127.0.0.1:9', 'exec', ...args], io);
  return { code, stderr: stderr.join('') };
}

describe('capstan exec', () => {
  it.each([['-it'], ['-t'], ['--tty']])(
    'with %s and no terminal on stdin, says so as kubectl does and opens the stream without a TTY',
    async (flag) => {
      expect(await capstanExec('web', flag, '--', 'sh')).toEqual({
        code: 1,
        stderr:
          'Unable to use a TTY - input is not a terminal or the right kind of file\n' +
          'error: UNAVAILABLE: ws://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9\n',
      });
    },
  );

  it.each([['-i'], ['--stdin']])('with %s opens a stream and names the server it cannot reach', async (flag) => {
    expect(await capstanExec('web', flag, '--', 'sh')).toEqual({
      code: 1,
      stderr: 'error: UNAVAILABLE: ws://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9\n',
    });
  });

  it('asks for the command when none follows the pod', async () => {
    expect(await capstanExec('web')).toEqual({
      code: 1,
      stderr: 'error: name the command to run after --, e.g. capstan exec web -- cat /etc/hostname\n',
    });
  });

  it('names what it cannot exec into', async () => {
    expect((await capstanExec('service/web', '--', 'true')).stderr).toMatch(/^error: cannot exec into "service\/web"/);
  });

  it('reads --timeout as a duration of 1 s to 10 min', async () => {
    expect(execTimeoutSeconds('60s')).toBe(60);
    expect(execTimeoutSeconds('2m')).toBe(120);
    expect(execTimeoutSeconds('1500ms')).toBe(2);
    expect(() => execTimeoutSeconds('11m')).toThrow('--timeout must be from 1s to 10m, got "11m"');
    expect(() => execTimeoutSeconds('0s')).toThrow(/from 1s to 10m/);
    expect((await capstanExec('web', '--timeout', '1h', '--', 'true')).stderr).toMatch(/--timeout must be from 1s/);
  });
});
