import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { LogLine, LogSource, LogStreamOptions } from '../../src/resolvers/logs.ts';
import type { Pod } from '../../src/api/types.ts';
import { waitFor } from './store.ts';

const CHROMIUM = process.env.CAPSTAN_CHROMIUM ?? '/usr/bin/chromium';
// Offline and quiet: no update checks, no sync, no QUIC, nothing that reaches beyond loopback.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium driven by playwright-core, in a profile of its own; `close` removes the profile. */
export async function launchDashboardBrowser(): Promise<{
  browser: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM} (scripts/setup.sh installs Debian's chromium, or set CAPSTAN_CHROMIUM)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'capstan-dashboard-chromium-'));
  const browser = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in with `token` (signing out first if a token is held) and waits for the page to say Live. */
export async function signIn(page: Page, url: string, token: string, timeoutMs = 15_000): Promise<void> {
  await page.goto(`${url}/dashboard#/`);
  if (await page.locator('#sign-out').isVisible()) await page.click('#sign-out');
  await page.locator('#login').waitFor({ state: 'visible' });
  await page.fill('#token-input', token);
  await page.click('#login button[type=submit]');
  await waitFor(async () => (await page.locator('#connection').textContent()) === 'Live', {
    timeoutMs,
    message: 'the dashboard to say Live',
  });
}

/**
 * With CAPSTAN_DASHBOARD_SCREENSHOTS=DIR (e.g. docs/img), saves a screenshot of the page as DIR/dashboard-NAME.png:
 * how the pictures in docs/ are made. Without it, nothing is written.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CAPSTAN_DASHBOARD_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `dashboard-${name}.png`), fullPage: true });
}

/**
 * The node agent's side of `podLogs` played by the test: each stream gets the lines the test pushes for its pod and
 * container, until the client goes away.
 */
export class PushedLogs implements LogSource {
  private readonly listeners = new Set<{ key: string; push(line: LogLine): void }>();

  /** How many streams are open for the pod's container. */
  open(pod: string, container: string): number {
    return [...this.listeners].filter((l) => l.key === `${pod}/${container}`).length;
  }

  push(pod: string, container: string, text: string): void {
    for (const listener of this.listeners)
      if (listener.key === `${pod}/${container}`) listener.push({ container, text });
  }

  /** Ending the iteration (the API server calls `return()` when the client unsubscribes) closes the stream at once. */
  stream(pod: Pod, options: LogStreamOptions): AsyncIterable<LogLine> {
    const queue: LogLine[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const listener = {
      key: `${pod.metadata.name}/${options.container}`,
      push: (line: LogLine) => {
        queue.push(line);
        wake?.();
      },
    };
    this.listeners.add(listener);
    const finish = (): IteratorResult<LogLine> => {
      done = true;
      this.listeners.delete(listener);
      wake?.();
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<LogLine> = {
      async next() {
        while (!done) {
          const line = queue.shift();
          if (line) return { done: false, value: line };
          await new Promise<void>((resolve) => (wake = resolve));
        }
        return { done: true, value: undefined };
      },
      return: async () => finish(),
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
