import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCapstanUp, type CapstanUp } from './support/capstan-up.ts';
import { launchDashboardBrowser, screenshot, signIn } from './support/dashboard-browser.ts';
import { waitFor } from './support/store.ts';

// The dashboard against a real `capstan up`: a busy pod on the real engine, the node sampling its stats every
// 500 ms, the Deployment controller rolling out a restart; what a user would notice on the page.

let up: CapstanUp | undefined;
let chromium: Awaited<ReturnType<typeof launchDashboardBrowser>> | undefined;
let page: Page;
let admin = '';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: busy
spec:
  replicas: 1
  selector:
    matchLabels: { app: busy }
  template:
    metadata:
      labels: { app: busy }
    spec:
      containers:
        - name: busy
          image: capstan/busybox:latest
          command: ['sh', '-c', 'while :; do :; done & while :; do echo "tick from $(hostname)"; sleep 1; done']
          resources:
            limits: { cpu: 300m, memory: 64Mi }
`;

function cluster(): CapstanUp {
  if (!up) throw new Error('capstan up did not start');
  return up;
}

async function capstan(...args: string[]): Promise<string> {
  const result = await cluster().cli(args);
  if (result.code !== 0) throw new Error(`capstan ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** Names of the Deployment's pods that are Running, as `get pods` lists them. */
async function runningPods(): Promise<string[]> {
  const list = JSON.parse(await capstan('get', 'pods', '-l', 'app=busy', '-o', 'json')) as {
    items: { metadata: { name: string; deletionTimestamp?: string }; status?: { phase?: string } }[];
  };
  return list.items
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name);
}

/** The number of points of the first sparkline in `selector`, 0 while there is none. */
async function points(selector: string): Promise<number> {
  const attr = await page
    .locator(`${selector} svg.sparkline`)
    .first()
    .getAttribute('data-points', { timeout: 1_000 })
    .catch(() => null);
  return Number(attr ?? 0);
}

beforeAll(async () => {
  up = await startCapstanUp({ env: { CAPSTAN_USAGE_INTERVAL_MS: '500' } });
  admin = (await capstan('token', 'create', '--role', 'admin', '--description', 'dashboard live test'))
    .trim()
    .split('\n')
    .at(-1)!
    .trim();
  const file = join(cluster().configPath, '..', 'busy.yaml');
  await writeFile(file, MANIFEST);
  await capstan('apply', '-f', file);
  await waitFor(async () => (await runningPods()).length === 1, { timeoutMs: 60_000, message: 'busy to run' });
  chromium = await launchDashboardBrowser();
  page = chromium.page;
  await signIn(page, cluster().apiUrl, admin);
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  // The node leaves pod containers running when `capstan up` stops (as a kubelet would): remove the pods first.
  if (up?.running()) {
    await up.cli(['delete', 'deployment', 'busy']);
    await waitFor(async () => (await up!.containers()).length === 0, {
      timeoutMs: 60_000,
      message: "busy's containers to be removed",
    }).catch(() => undefined);
  }
  const problems = (await up?.release()) ?? [];
  expect(problems).toEqual([]);
}, 90_000);

describe('the dashboard on a live cluster', () => {
  it("draws a busy pod's CPU and memory as points arrive, and its node's", async () => {
    await page.locator('#pods tr', { hasText: 'busy-' }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'overview');
    const [pod] = await runningPods();
    await page.goto(`${cluster().apiUrl}/dashboard#/pod/default/${pod}`);
    await waitFor(async () => (await points('#pod-usage')) >= 2, {
      timeoutMs: 30_000,
      message: 'two usage points on the pod page',
    });
    const before = await points('#pod-usage');
    await waitFor(async () => (await points('#pod-usage')) >= before + 2, {
      timeoutMs: 30_000,
      message: 'more points arriving without a reload',
    });
    const cpu = (await page.locator('#pod-usage svg.sparkline').first().getAttribute('aria-label')) ?? '';
    const millicores = Number(/^CPU: (\d+)m$/.exec(cpu)?.[1] ?? -1);
    // A busy loop held to 300m by the engine: well above idle, not above its limit (by much).
    expect(millicores, cpu).toBeGreaterThan(50);
    expect(millicores, cpu).toBeLessThan(450);
    expect(await page.locator('#pod-usage svg.sparkline').nth(1).getAttribute('aria-label')).toMatch(
      /^Memory: [\d.]+ MiB$/,
    );
    await page
      .locator('#logs .log-line', { hasText: `tick from ${pod}` })
      .first()
      .waitFor({ timeout: 15_000 });
    // Enough points for the sparklines to read as lines in the screenshot.
    await waitFor(async () => (await points('#pod-usage')) >= 6, { timeoutMs: 30_000, message: 'six points' });
    expect(await page.locator('#pod-usage figcaption').first().textContent()).toMatch(
      /^CPU \d+m \(highest \d+m, \d+ samples\)$/,
    );
    await screenshot(page, 'pod');

    await page.goto(`${cluster().apiUrl}/dashboard#/node/${cluster().nodeName}`);
    await waitFor(async () => (await points('#node-usage')) >= 2, {
      timeoutMs: 30_000,
      message: 'two usage points on the node page',
    });
    await page.locator(`#node-pods tr[data-key="default/${pod}"]`).waitFor();
    await waitFor(async () => (await points('#node-usage')) >= 6, { timeoutMs: 30_000, message: 'six node points' });
    await screenshot(page, 'node');
  });

  it("follows a Deployment's logs into the new pod of a rollout restart", async () => {
    const [first] = await runningPods();
    await page.goto(`${cluster().apiUrl}/dashboard#/logs/default/busy`);
    await page
      .locator('#logs .log-line', { hasText: `[${first}/busy] tick from ${first}` })
      .first()
      .waitFor({ timeout: 15_000 });
    await capstan('rollout', 'restart', 'deployment/busy');
    const second = await waitFor(async () => (await runningPods()).find((name) => name !== first), {
      timeoutMs: 60_000,
      message: 'a new pod of the rollout',
    });
    await page
      .locator('#logs .log-line', { hasText: `[${second}/busy] tick from ${second}` })
      .first()
      .waitFor({ timeout: 20_000 });
    // The old pod's part ended with it: once it is gone, no more of its lines arrive.
    await waitFor(async () => !(await runningPods()).includes(first!), {
      timeoutMs: 60_000,
      message: 'the old pod to go',
    });
    const count = async () => page.locator('#logs .log-line', { hasText: `[${first}/busy]` }).count();
    const settled = await count();
    await page
      .locator('#logs .log-line', { hasText: `[${second}/busy]` })
      .nth(3)
      .waitFor({ timeout: 15_000 });
    expect(await count()).toBe(settled);
    expect(await page.locator('#logs-status').textContent()).toBe('Following');
    await screenshot(page, 'deployment-logs');
  });

  it('shows the server dry-run diff of a pasted manifest before applying it', async () => {
    await page.goto(`${cluster().apiUrl}/dashboard#/apply`);
    await page.fill('#apply-manifest', MANIFEST.replace('replicas: 1', 'replicas: 2'));
    await page.click('#apply-diff');
    await page.locator('#apply-output .diff').waitFor();
    expect(await page.locator('#apply-output .diff').textContent()).toMatch(/^\+\s+replicas: 2$/m);
    await screenshot(page, 'apply');
  });

  it('asks how many replicas before it scales a Deployment from the workloads table', async () => {
    await page.goto(`${cluster().apiUrl}/dashboard#/`);
    const row = page.locator('#workloads tr[data-key="Deployment/default/busy"]');
    await row.getByRole('button', { name: 'Scale' }).click();
    await page.locator('#action-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#action-replicas').inputValue()).toBe('1');
    await screenshot(page, 'workloads');
    await page.click('#action-cancel');
    await page.locator('#action-dialog').waitFor({ state: 'hidden' });
    expect(JSON.parse(await capstan('get', 'deployment', 'busy', '-o', 'json')).spec.replicas).toBe(1);
  });

  it('raised no script errors or content policy violations', () => {
    expect(chromium?.errors ?? []).toEqual([]);
  });
});
