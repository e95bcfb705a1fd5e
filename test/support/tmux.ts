import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A detached tmux session running one command in a real terminal: keys in, screen out. */
export class TmuxSession {
  readonly name = `capstan-test-${randomBytes(4).toString('hex')}`;

  /** Starts `command` (a shell command line) in a terminal of `width` x `height`. */
  async start(command: string, env: Record<string, string>, width = 100, height = 30): Promise<this> {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}';`);
    await run('tmux', [
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(width),
      '-y',
      String(height),
      `${exports.join(' ')} ${command}`,
    ]);
    // The session lives on after the command, so the last screen can still be read.
    await run('tmux', ['set-option', '-t', this.name, 'remain-on-exit', 'on']);
    return this;
  }

  /** Types `keys` (tmux key names: `Enter`, `C-c`, or literal text with `literal`). */
  async send(keys: string, options: { literal?: boolean } = {}): Promise<void> {
    await run('tmux', ['send-keys', '-t', this.name, ...(options.literal ? ['-l'] : []), keys]);
  }

  async type(line: string): Promise<void> {
    await this.send(line, { literal: true });
    await this.send('Enter');
  }

  async screen(): Promise<string> {
    return (await run('tmux', ['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name])).stdout;
  }

  async resize(width: number, height: number): Promise<void> {
    await run('tmux', ['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  /** Waits until the screen matches, failing with the screen as it was. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on the terminal:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(): Promise<void> {
    await run('tmux', ['kill-session', '-t', this.name]).catch(() => undefined);
  }
}
