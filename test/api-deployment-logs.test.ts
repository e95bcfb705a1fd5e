import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApi, type Api } from './api-support.ts';
import { PushedLogs } from './support/dashboard-browser.ts';
import { newPod } from './support/fixtures.ts';
import { waitFor } from './support/store.ts';

const logs = new PushedLogs();
let api: Api;

type Line = { pod: string; container: string; text: string };
const QUERY = `subscription ($name: String!, $follow: Boolean) {
  deploymentLogs(name: $name, follow: $follow) { pod container text }
}`;

/** A pod of the Deployment whose containers have started (only a started container has logs to stream). */
async function startedPod(name: string, labels: Record<string, string>, containers = ['web']): Promise<void> {
  const pod = await api.store.create('Pod', {
    ...newPod(name, { labels }),
    spec: { containers: containers.map((c) => ({ name: c, image: 'capstan/hello:latest' })) },
  });
  await api.store.updateStatus('Pod', {
    ...pod,
    status: {
      phase: 'Running',
      containerStatuses: containers.map((c) => ({
        name: c,
        image: 'capstan/hello:latest',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date().toISOString() } },
      })),
    },
  });
}

function newDeployment(name: string) {
  return api.store.create('Deployment', {
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'capstan/hello:latest' }] },
      },
    },
  });
}

beforeAll(async () => {
  api = await newApi({ logSource: logs });
  await newDeployment('web');
  await startedPod('web-a', { app: 'web' }, ['app', 'sidecar']);
  await startedPod('other', { app: 'other' });
});
afterAll(async () => {
  await api?.dispose();
});

describe('deploymentLogs subscription', () => {
  it('interleaves every container of every pod, takes in pods created later and ends the part of a deleted pod', async () => {
    const sub = await api.subscribe<{ deploymentLogs: Line }>(QUERY, { name: 'web', follow: true });
    try {
      await waitFor(() => logs.open('web-a', 'app') === 1 && logs.open('web-a', 'sidecar') === 1, {
        message: 'both containers of web-a followed',
      });
      expect(logs.open('other', 'web')).toBe(0);
      logs.push('web-a', 'sidecar', 'proxy up');
      logs.push('web-a', 'app', 'GET / 200');
      expect([(await sub.next()).data?.deploymentLogs, (await sub.next()).data?.deploymentLogs]).toEqual([
        { pod: 'web-a', container: 'sidecar', text: 'proxy up' },
        { pod: 'web-a', container: 'app', text: 'GET / 200' },
      ]);

      // A pod of a rollout: not followed while its container has not started, then from its first line.
      const pending = await api.store.create('Pod', newPod('web-b', { labels: { app: 'web' } }));
      await startedPod('web-c', { app: 'web' });
      await waitFor(() => logs.open('web-c', 'web') === 1, { message: 'the new pod web-c to join' });
      expect(logs.open('web-b', 'web')).toBe(0);
      await api.store.updateStatus('Pod', {
        ...pending,
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'web',
              image: 'x',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date().toISOString() } },
            },
          ],
        },
      });
      await waitFor(() => logs.open('web-b', 'web') === 1, { message: 'web-b to join once started' });
      logs.push('web-c', 'web', 'c is up');
      expect((await sub.next()).data?.deploymentLogs).toEqual({ pod: 'web-c', container: 'web', text: 'c is up' });

      await api.store.delete('Pod', 'default', 'web-a');
      await waitFor(() => logs.open('web-a', 'app') === 0 && logs.open('web-a', 'sidecar') === 0, {
        message: "the deleted pod's streams to close",
      });
      logs.push('web-b', 'web', 'b still here');
      expect((await sub.next()).data?.deploymentLogs).toEqual({ pod: 'web-b', container: 'web', text: 'b still here' });
    } finally {
      await sub.close();
    }
    await waitFor(() => logs.open('web-b', 'web') === 0 && logs.open('web-c', 'web') === 0, {
      message: 'every stream to close when the client goes',
    });
  });

  it('ends when the Deployment is deleted, once the pods it had are gone; pods created after it do not join', async () => {
    await newDeployment('gone');
    await startedPod('gone-a', { app: 'gone' });
    const sub = await api.subscribe<{ deploymentLogs: Line }>(QUERY, { name: 'gone', follow: true });
    try {
      await waitFor(() => logs.open('gone-a', 'web') === 1, { message: 'gone-a followed' });
      await api.store.delete('Deployment', 'default', 'gone');
      await startedPod('gone-late', { app: 'gone' });
      // A pod of a deleted Deployment still prints while it shuts down.
      logs.push('gone-a', 'web', 'shutting down');
      expect((await sub.next()).data?.deploymentLogs).toEqual({
        pod: 'gone-a',
        container: 'web',
        text: 'shutting down',
      });
      await api.store.delete('Pod', 'default', 'gone-a');
      // Had gone-late joined (its ADDED comes before gone-a's DELETED), its open stream would keep this one going.
      await expect(sub.next(15_000)).rejects.toThrow('subscription ended');
      expect(logs.open('gone-late', 'web')).toBe(0);
      expect(logs.open('gone-a', 'web')).toBe(0);
    } finally {
      await sub.close();
    }
  });

  it('ends after the grace period of pods a deleted Deployment left behind (an Orphan deletion)', async () => {
    await newDeployment('orphaning');
    const pod = await api.store.create('Pod', {
      ...newPod('orphaning-a', { labels: { app: 'orphaning' } }),
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'web', image: 'capstan/hello:latest' }] },
    });
    await api.store.updateStatus('Pod', {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'web',
            image: 'x',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString() } },
          },
        ],
      },
    });
    const sub = await api.subscribe<{ deploymentLogs: Line }>(QUERY, { name: 'orphaning', follow: true });
    try {
      await waitFor(() => logs.open('orphaning-a', 'web') === 1, { message: 'orphaning-a followed' });
      const deleted = Date.now();
      await api.store.delete('Deployment', 'default', 'orphaning');
      await expect(sub.next(30_000)).rejects.toThrow('subscription ended');
      // Grace 0 plus the 10 s the garbage collector is given.
      expect(Date.now() - deleted).toBeGreaterThanOrEqual(9_000);
      expect(logs.open('orphaning-a', 'web')).toBe(0);
      expect((await api.store.get('Pod', 'default', 'orphaning-a')).metadata.deletionTimestamp).toBeUndefined();
    } finally {
      await sub.close();
    }
  });

  it('says NOT_FOUND for a missing Deployment and BAD_USER_INPUT for a negative tailLines', async () => {
    const missing = await api.subscribe(QUERY, { name: 'nope', follow: true });
    const error = (await missing.next()).errors?.[0];
    await missing.close();
    expect(error?.extensions?.code).toBe('NOT_FOUND');
    const bad = await api.subscribe(`subscription { deploymentLogs(name: "web", tailLines: -1) { text } }`);
    const invalid = (await bad.next()).errors?.[0];
    await bad.close();
    expect(invalid?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
