import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import { recordEvent } from '../src/events/event-recorder.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { createLogger } from '../src/util/logger.ts';
import { newPod, newReplicationController, newService } from './support/fixtures.ts';
import { newTestStore, waitFor } from './support/store.ts';

const CHROMIUM = process.env.CAPSTAN_CHROMIUM ?? '/usr/bin/chromium';
/** Where the test leaves its screenshot for a human to look at (outside the repository). */
const SCREENSHOT = join(tmpdir(), 'capstan-dashboard-test.png');
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

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

let store: TestStore;
let api: ApiServer;
let adminToken: string;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function launchChromium(dir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the dashboard test needs it (run 'bash scripts/setup.sh', which installs Debian's chromium, or set CAPSTAN_CHROMIUM)`,
    );
  }
  try {
    return await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
  } catch (err) {
    throw new Error(`Chromium at ${CHROMIUM} could not start, so the dashboard cannot be tested: ${String(err)}`);
  }
}

beforeAll(async () => {
  const allocator = new ServiceAllocator();
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  adminToken = (await createToken(store, { role: 'admin', description: 'dashboard test' })).token;
  api = await startApiServer({ store, port: 0, logger: createLogger({ level: 'silent' }) });
  userDataDir = await mkdtemp(join(tmpdir(), 'capstan-dashboard-chromium-'));
  browser = await launchChromium(userDataDir);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (err) => pageErrors.push(`uncaught: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  await api?.close();
  await store?.dispose();
});

/** The text of each cell of the row keyed `key` in table `#table`, or undefined while there is no such row. */
async function rowCells(table: string, key: string): Promise<string[] | undefined> {
  const row = page.locator(`#${table} tbody tr[data-key="${key}"]`);
  if ((await row.count()) === 0) return undefined;
  return row.locator('td').allTextContents();
}

/** Waits until the row shows cells matching `expected` (by column index), failing with what the row showed. */
async function waitForRow(table: string, key: string, expected: Record<number, string>): Promise<string[]> {
  let shown: string[] | undefined;
  try {
    return await waitFor(
      async () => {
        shown = await rowCells(table, key);
        return shown && Object.entries(expected).every(([i, text]) => shown?.[Number(i)] === text) ? shown : undefined;
      },
      { timeoutMs: 10_000, message: `row ${key} of #${table} to show ${JSON.stringify(expected)}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; it shows ${shown ? JSON.stringify(shown) : 'no such row'}`);
  }
}

const TABLES = ['nodes', 'pods', 'workloads', 'services', 'events'] as const;

/** The row keys of every table, in the order drawn. */
async function rowKeys(): Promise<Record<string, string[]>> {
  const keys: Record<string, string[]> = {};
  for (const table of TABLES) {
    keys[table] = await page
      .locator(`#${table} tbody tr[data-key]`)
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['key']!));
  }
  return keys;
}

async function waitForNoRow(table: string, key: string): Promise<void> {
  await waitFor(async () => (await rowCells(table, key)) === undefined, {
    timeoutMs: 10_000,
    message: `row ${key} to leave #${table}`,
  });
}

async function connection(): Promise<string> {
  return (await page.locator('#connection').textContent()) ?? '';
}

function runningStatus(pod: Pod): Pod {
  const now = new Date().toISOString();
  return {
    ...pod,
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      hostIP: '127.0.1.1',
      startTime: now,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      containerStatuses: [
        {
          name: 'web',
          image: 'capstan/hello:latest',
          ready: true,
          started: true,
          restartCount: 2,
          state: { running: { startedAt: now } },
        },
      ],
    },
  };
}

describe('the dashboard', () => {
  it('serves the page, its script and its stylesheet from the API server, with a strict content policy', async () => {
    const html = await fetch(`${api.url}/dashboard`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('<script type="module" src="/dashboard/app.js">');
    const script = await fetch(`${api.url}/dashboard/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1_000);
    const etag = script.headers.get('etag');
    expect((await fetch(`${api.url}/dashboard/app.js`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304);
    expect((await fetch(`${api.url}/dashboard/style.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${api.url}/dashboard/missing.js`)).status).toBe(404);
  });

  it('asks for a token and says so clearly when the server refuses it', async () => {
    await page.goto(`${api.url}/dashboard`);
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.fill('#token-input', 'not-a-real-token');
    await page.click('#login button[type=submit]');
    await page.locator('#login-message').waitFor({ state: 'visible' });
    expect(await page.locator('#login-message').textContent()).toMatch(/server refused the token.*Enter a valid token/);
    expect(await page.locator('#content').isHidden()).toBe(true);
  });

  it('follows pods, services, nodes and events live as they are created, changed and deleted', async () => {
    await store.create('Node', { kind: 'Node', metadata: { name: 'node-a' }, spec: {} });
    await store.mutate(
      'Node',
      undefined,
      'node-a',
      (node) => ({
        ...node,
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '127.0.1.1' }],
          nodeInfo: { kubeletVersion: 'capstan-test' },
        },
      }),
      { status: true },
    );
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'team-b' }, spec: {} });
    await store.create('Pod', newPod('early', { namespace: 'team-b' }));

    await page.fill('#token-input', adminToken);
    await page.click('#login button[type=submit]');
    await waitFor(async () => (await connection()) === 'Live', { message: 'the page to say Live' });
    // The snapshot: objects that existed before the page opened.
    await waitForRow('nodes', 'node-a', { 0: 'node-a', 1: 'Ready', 2: '0', 3: '127.0.1.1' });
    await waitForRow('pods', 'team-b/early', { 0: 'team-b', 1: 'early', 3: 'Pending' });

    // Changes after it, with no reload.
    await store.create('Pod', newPod('web', { nodeName: 'node-a', labels: { app: 'web' } }));
    await store.create('Service', newService('web'));
    await waitForRow('pods', 'default/web', { 1: 'web', 2: '0/1', 3: 'Pending', 5: 'node-a', 6: '<none>' });
    const service = await waitForRow('services', 'default/web', { 1: 'web', 2: 'ClusterIP', 4: '<none>', 5: '80/TCP' });
    expect(service[3]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await waitForRow('nodes', 'node-a', { 2: '1' });

    const rc = await store.create('ReplicationController', newReplicationController('web', { replicas: 2 }));
    await waitForRow('workloads', 'ReplicationController/default/web', {
      2: 'ReplicationController',
      3: '2',
      5: '0/2',
    });
    await store.updateStatus('ReplicationController', { ...rc, status: { replicas: 2, readyReplicas: 2 } });
    await waitForRow('workloads', 'ReplicationController/default/web', { 4: '2', 5: '2/2' });

    const pod = await store.get('Pod', 'default', 'web');
    await store.updateStatus('Pod', runningStatus(pod));
    await waitForRow('pods', 'default/web', { 2: '1/1', 3: 'Running', 4: '2', 6: '10.244.1.7' });

    await recordEvent(store, pod, 'Warning', 'BackOff', 'Back-off restarting failed container web', {
      component: 'dashboard-test',
    });
    await waitFor(async () => (await page.locator('#events tbody').textContent())?.includes('BackOff'), {
      message: 'the BackOff event to appear',
    });

    // The namespace selector narrows every table to one namespace.
    await page.selectOption('#namespace', 'team-b');
    await waitForNoRow('pods', 'default/web');
    await waitForNoRow('services', 'default/web');
    await waitForRow('pods', 'team-b/early', { 1: 'early' });
    expect(new URL(page.url()).searchParams.get('namespace')).toBe('team-b');
    await page.selectOption('#namespace', '');
    await waitForRow('pods', 'default/web', { 3: 'Running' });

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);

    // A bound pod is deleted gracefully: Terminating until its node agent (played here) removes it.
    await store.delete('Pod', 'default', 'web');
    await waitForRow('pods', 'default/web', { 3: 'Terminating' });
    await store.delete('Pod', 'default', 'web', { gracePeriodSeconds: 0 });
    await waitForNoRow('pods', 'default/web');
    await waitForRow('nodes', 'node-a', { 2: '0' });
    expect(await connection()).toBe('Live');
  });

  it('reconnects when the server comes back, without what was deleted while it was away, and no row twice', async () => {
    const before = await rowKeys();
    expect(before['pods']).toContain('team-b/early');
    expect(Object.values(before).flat().length).toBeGreaterThan(3);
    const port = Number(new URL(api.url).port);
    await api.close();
    await waitFor(async () => (await connection()).startsWith('Disconnected'), {
      message: 'the page to say it lost the connection',
    });
    await store.delete('Pod', 'team-b', 'early');
    api = await startApiServer({ store, port, logger: createLogger({ level: 'silent' }) });
    await waitFor(async () => (await connection()) === 'Live', {
      timeoutMs: 15_000,
      message: 'the page to be live again',
    });
    await waitForNoRow('pods', 'team-b/early');
    await waitForRow('services', 'default/web', { 1: 'web' });
    // Each table as before, less the deleted pod: the fresh snapshot replaced the rows, none was added again.
    const expected = { ...before, pods: before['pods']!.filter((key) => key !== 'team-b/early') };
    const after = await rowKeys();
    expect(after).toEqual(expected);
    for (const table of TABLES) expect(new Set(after[table]).size, table).toBe(after[table]!.length);
  });

  it('keeps the token for the tab across a reload and forgets it on request', async () => {
    await page.reload();
    await waitFor(async () => (await connection()) === 'Live', { message: 'the page to reconnect after a reload' });
    await waitForRow('services', 'default/web', { 1: 'web' });
    await page.click('#sign-out');
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#login').waitFor({ state: 'visible' });
  });

  it('raised no script errors or content policy violations', () => {
    // A reconnect attempt that lands while the server restarts is logged by Chromium itself; that one is expected.
    expect(pageErrors.filter((line) => !/WebSocket connection to .* failed/.test(line))).toEqual([]);
  });
});
