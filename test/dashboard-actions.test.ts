import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Deployment, ObjectInput, ReplicationController } from '../src/api/types.ts';
import { createToken } from '../src/auth/tokens.ts';
import { recordEvent } from '../src/events/event-recorder.ts';
import { REVISION_ANNOTATION } from '../src/controllers/deployment-revisions.ts';
import { startApiServer, type ApiServer } from '../src/server/http-server.ts';
import { ServiceAllocator } from '../src/services/allocator.ts';
import { createLogger } from '../src/util/logger.ts';
import { launchDashboardBrowser, PushedLogs, signIn } from './support/dashboard-browser.ts';
import { newPod } from './support/fixtures.ts';
import { newTestStore, waitFor } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;

let store: TestStore;
let api: ApiServer;
let admin: string;
let viewer: string;
let chromium: Awaited<ReturnType<typeof launchDashboardBrowser>>;
let page: Page;
const logs = new PushedLogs();

function deployment(image: string): ObjectInput<Deployment> {
  return {
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

/** What the Deployment controller would have made for a revision (the controller does not run in this test). */
async function revision(owner: Deployment, number: number, image: string): Promise<void> {
  const labels = { app: 'web', 'pod-template-hash': `h${number}` };
  const template = structuredClone(owner.spec!.template);
  template.metadata = { labels };
  template.spec.containers[0]!.image = image;
  const rc: ObjectInput<ReplicationController> = {
    kind: 'ReplicationController',
    metadata: {
      name: `web-h${number}`,
      namespace: 'default',
      annotations: { [REVISION_ANNOTATION]: String(number) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid, controller: true },
      ],
    },
    spec: { replicas: 1, selector: labels, template },
  };
  await store.create('ReplicationController', rc);
}

beforeAll(async () => {
  const allocator = new ServiceAllocator();
  store = await newTestStore({ admission: [allocator] });
  allocator.attach(store);
  admin = (await createToken(store, { role: 'admin', description: 'dashboard actions test' })).token;
  viewer = (await createToken(store, { role: 'viewer', description: 'dashboard actions test' })).token;
  api = await startApiServer({
    store,
    port: 0,
    logger: createLogger({ level: 'silent' }),
    contextExtras: { logSource: logs },
  });
  await store.create('Node', { kind: 'Node', metadata: { name: 'node-act' }, spec: {} });
  await store.mutate(
    'Node',
    undefined,
    'node-act',
    (node) => ({
      ...node,
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '127.0.1.9' }],
        nodeInfo: { kubeletVersion: 'capstan-test' },
      },
    }),
    { status: true },
  );
  await store.create('Deployment', deployment('hello:1'));
  const v1 = await store.get('Deployment', 'default', 'web');
  await revision(v1, 1, 'hello:1');
  const v2 = await store.mutate('Deployment', 'default', 'web', (d) => {
    d.spec!.template.spec.containers[0]!.image = 'hello:2';
    d.metadata.annotations = { [REVISION_ANNOTATION]: '2' };
    return d;
  });
  await revision(v2, 2, 'hello:2');
  await store.create('Pod', newPod('solo', { nodeName: 'node-act' }));
  await store.create('Pod', {
    kind: 'Pod',
    metadata: { name: 'web-a', namespace: 'default', labels: { app: 'web' } },
    spec: {
      nodeName: 'node-act',
      containers: [
        { name: 'app', image: 'hello:2' },
        { name: 'sidecar', image: 'proxy:1' },
      ],
    },
  });
  await store.create('Pod', newPod('web-b', { labels: { app: 'web' }, nodeName: 'node-act' }));
  chromium = await launchDashboardBrowser();
  page = chromium.page;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await api?.close();
  await store?.dispose();
});

function button(table: string, key: string, label: string) {
  return page.locator(`#${table} tbody tr[data-key="${key}"] button.action`, { hasText: label });
}

/** Clicks a row's action, confirms the dialog (with replicas for scale) and returns the notice it leaves. */
async function act(table: string, key: string, label: string, options: { replicas?: number; force?: boolean } = {}) {
  await page.locator('#notice').evaluate((el: HTMLElement) => {
    el.hidden = true;
    el.textContent = '';
  });
  await button(table, key, label).click();
  await page.locator('#action-dialog').waitFor({ state: 'visible' });
  if (options.replicas !== undefined) await page.fill('#action-replicas', String(options.replicas));
  if (options.force) await page.check('#action-force');
  await page.click('#action-confirm');
  await page.locator('#notice').waitFor({ state: 'visible', timeout: 10_000 });
  return {
    text: (await page.locator('#notice').textContent()) ?? '',
    tone: await page.locator('#notice').getAttribute('data-tone'),
  };
}

const DEPLOYMENT = 'Deployment/default/web';

describe('the dashboard acts', () => {
  it('refuses every action to a viewer token, saying so on the page, and changes nothing', async () => {
    await signIn(page, api.url, viewer);
    await page.locator('#whoami', { hasText: 'viewer, read-only' }).waitFor();
    await button('workloads', DEPLOYMENT, 'Scale').waitFor();
    const before = await store.get('Deployment', 'default', 'web');
    const attempts: [string, string, string][] = [
      ['workloads', DEPLOYMENT, 'Scale'],
      ['workloads', DEPLOYMENT, 'Restart'],
      ['workloads', DEPLOYMENT, 'Undo'],
      ['workloads', DEPLOYMENT, 'Delete'],
      ['pods', 'default/solo', 'Delete'],
      ['nodes', 'node-act', 'Cordon'],
      ['nodes', 'node-act', 'Drain'],
    ];
    for (const [table, key, label] of attempts) {
      const notice = await act(table, key, label, label === 'Scale' ? { replicas: 4 } : {});
      expect(notice.tone, `${label} ${key}`).toBe('bad');
      expect(notice.text, `${label} ${key}`).toMatch(
        /^Not allowed \(FORBIDDEN\): token ".*" is a viewer token \(read-only\)/,
      );
    }
    const after = await store.get('Deployment', 'default', 'web');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await store.get('Node', undefined, 'node-act')).spec?.unschedulable).toBeFalsy();
    expect(await store.tryGet('Pod', 'default', 'solo')).toBeDefined();
  });

  it('scales, restarts and rolls back a Deployment with an admin token', async () => {
    await signIn(page, api.url, admin);
    const scaled = await act('workloads', DEPLOYMENT, 'Scale', { replicas: 3 });
    expect(scaled).toEqual({ text: 'deployment default/web scaled to 3', tone: 'ok' });
    expect((await store.get('Deployment', 'default', 'web')).spec?.replicas).toBe(3);
    await waitFor(
      async () => (await page.locator(`#workloads tr[data-key="${DEPLOYMENT}"] td`).nth(3).textContent()) === '3',
      {
        message: 'the Desired column to show 3',
      },
    );

    expect((await act('workloads', DEPLOYMENT, 'Restart')).text).toBe('deployment default/web restarted');
    const restarted = await store.get('Deployment', 'default', 'web');
    expect(restarted.spec!.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);

    expect((await act('workloads', DEPLOYMENT, 'Undo')).text).toBe('deployment default/web rolled back to revision 1');
    expect((await store.get('Deployment', 'default', 'web')).spec!.template.spec.containers[0]!.image).toBe('hello:1');
  });

  it('cordons, uncordons and drains a node, and deletes a pod', async () => {
    expect((await act('nodes', 'node-act', 'Cordon')).text).toBe('node node-act cordoned');
    expect((await store.get('Node', undefined, 'node-act')).spec?.unschedulable).toBe(true);
    await button('nodes', 'node-act', 'Uncordon').waitFor();
    expect((await act('nodes', 'node-act', 'Uncordon')).text).toBe('node node-act uncordoned');
    expect((await store.get('Node', undefined, 'node-act')).spec?.unschedulable).toBeFalsy();

    // Without force, drain refuses the pods no controller manages and says why.
    const refused = await act('nodes', 'node-act', 'Drain');
    expect(refused.tone).toBe('bad');
    expect(refused.text).toMatch(/solo/);
    const drained = await act('nodes', 'node-act', 'Drain', { force: true });
    expect(drained.text).toMatch(/^node node-act drained: \d+ pods? evicted$/);
    const solo = await store.tryGet('Pod', 'default', 'solo');
    expect(solo === undefined || solo.metadata.deletionTimestamp !== undefined).toBe(true);
    await store.create('Pod', newPod('doomed'));
    expect((await act('pods', 'default/doomed', 'Delete')).text).toBe('pod default/doomed deleted');
    expect(await store.tryGet('Pod', 'default', 'doomed')).toBeUndefined();
    await page.locator('#pods tr[data-key="default/doomed"]').waitFor({ state: 'detached' });
  });

  it('shows a pod page with its containers, startup, events, usage and live logs of all its containers', async () => {
    const pod = await store.get('Pod', 'default', 'web-a');
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await store.updateStatus('Pod', {
      ...pod,
      status: {
        phase: 'Running',
        podIP: '10.244.9.3',
        startTime: at(0),
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: at(100) },
          { type: 'Initialized', status: 'True', lastTransitionTime: at(200) },
          { type: 'Ready', status: 'True', lastTransitionTime: at(1_500) },
        ],
        containerStatuses: [
          {
            name: 'app',
            image: 'hello:2',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: at(900) } },
          },
          {
            name: 'sidecar',
            image: 'proxy:1',
            ready: false,
            started: false,
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
    await recordEvent(store, pod, 'Warning', 'BackOff', 'Back-off restarting failed container sidecar', {
      component: 'dashboard-test',
    });

    await page.click('#pods tr[data-key="default/web-a"] a');
    await page.locator('#pod-containers').waitFor();
    expect(await page.locator('#pod-containers tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^apphello:2Runningtrue0$/),
      expect.stringMatching(/^sidecarproxy:1Waiting: CrashLoopBackOfffalse1$/),
    ]);
    const steps = await page.locator('#pod-timeline li').allTextContents();
    expect(steps.map((s) => s.replace(/^\+[\d.]+ s/, ''))).toEqual(
      expect.arrayContaining(['Created', 'Scheduled to node-act', 'Initialized', 'Container app started', 'Ready']),
    );
    await page.locator('#pod-events', { hasText: 'BackOff' }).waitFor();
    await page.locator('#pod-usage', { hasText: 'No usage data' }).waitFor();

    await waitFor(() => logs.open('web-a', 'app') > 0 && logs.open('web-a', 'sidecar') > 0, {
      message: 'both log streams to open',
    });
    logs.push('web-a', 'app', 'GET / 200');
    logs.push('web-a', 'sidecar', 'proxy up');
    logs.push('web-a', 'app', 'GET /health 200');
    await waitFor(async () => (await page.locator('#logs .log-line').count()) === 3, { message: 'three log lines' });
    expect(await page.locator('#logs .log-line').allTextContents()).toEqual([
      '[app] GET / 200',
      '[sidecar] proxy up',
      '[app] GET /health 200',
    ]);

    // Unfollowing closes the streams; choosing one container follows only that one, unprefixed.
    await page.uncheck('#logs-follow');
    await waitFor(() => logs.open('web-a', 'app') === 0, { message: 'the streams to close' });
    await page.check('#logs-follow');
    await page.selectOption('#logs-container', 'sidecar');
    await waitFor(() => logs.open('web-a', 'sidecar') === 1 && logs.open('web-a', 'app') === 0, {
      message: 'only sidecar followed',
    });
    logs.push('web-a', 'sidecar', 'only me');
    await page.locator('#logs .log-line', { hasText: /^only me$/ }).waitFor();
  });

  it('interleaves the logs of every started container of every pod of a Deployment', async () => {
    const b = await store.get('Pod', 'default', 'web-b');
    await store.updateStatus('Pod', {
      ...b,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'web',
            image: 'hello:2',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString() } },
          },
        ],
      },
    });
    await page.goto(`${api.url}/dashboard#/logs/default/web`);
    await page.locator('#logs').waitFor();
    // web-a's sidecar is waiting (CrashLoopBackOff): it has no running instance to follow.
    await waitFor(() => logs.open('web-a', 'app') > 0 && logs.open('web-b', 'web') > 0, {
      message: 'a stream for every started container of every pod',
    });
    expect(logs.open('web-a', 'sidecar')).toBe(0);
    logs.push('web-b', 'web', 'b says hi');
    await page.locator('#logs .log-line', { hasText: 'b says hi' }).waitFor();
    logs.push('web-a', 'app', 'a says hi');
    await page.locator('#logs .log-line', { hasText: 'a says hi' }).waitFor();
    expect(await page.locator('#logs .log-line').allTextContents()).toEqual([
      '[web-b/web] b says hi',
      '[web-a/app] a says hi',
    ]);
  });

  it('shows a node page with its pods and conditions', async () => {
    await page.goto(`${api.url}/dashboard#/node/node-act`);
    await page.locator('#node-status', { hasText: 'SchedulingDisabled' }).waitFor();
    await page.locator('#node-pods tr[data-key="default/web-a"]').waitFor();
    await page.locator('#node-conditions', { hasText: 'Ready' }).waitFor();
    await page.locator('#node-usage', { hasText: 'No usage data' }).waitFor();
  });

  it('applies a pasted manifest only after showing the server dry-run diff', async () => {
    await page.goto(`${api.url}/dashboard#/apply`);
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: hello:3
`;
    await page.fill('#apply-manifest', manifest);
    expect(await page.locator('#apply-confirm').isDisabled()).toBe(true);
    await page.click('#apply-diff');
    await page.locator('#apply-output .diff').waitFor();
    const diff = (await page.locator('#apply-output .diff').textContent()) ?? '';
    expect(diff).toMatch(/^-\s+replicas: 3$/m);
    expect(diff).toMatch(/^\+\s+replicas: 5$/m);
    expect(diff).toMatch(/^\+\s+(- )?image: hello:3$/m);
    expect(await page.locator('#apply-output li').first().textContent()).toContain('would be configured');
    expect((await store.get('Deployment', 'default', 'web')).spec?.replicas).toBe(3);

    await page.click('#apply-confirm');
    await page.locator('#apply-output', { hasText: 'Applied.' }).waitFor();
    expect((await store.get('Deployment', 'default', 'web')).spec?.replicas).toBe(5);

    // A manifest edited after its diff must be diffed again before it can be applied.
    await page.fill('#apply-manifest', manifest.replace('replicas: 5', 'replicas: 6'));
    expect(await page.locator('#apply-confirm').isDisabled()).toBe(true);
    await page.fill('#apply-manifest', 'kind: Nonsense\nmetadata: { name: x }\n');
    await page.click('#apply-diff');
    await page.locator('#apply-output .error').waitFor();
    expect(await page.locator('#apply-output .error').textContent()).toMatch(/^BAD_USER_INPUT: /);
  });

  it('raised no script errors or content policy violations', () => {
    expect(chromium.errors.filter((line) => !/WebSocket connection to .* failed/.test(line))).toEqual([]);
  });
});
