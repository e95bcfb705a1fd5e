import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import type { LogSource, LogStreamOptions } from '../src/resolvers/logs.ts';
import { newApi, type Api } from './api-support.ts';

/** A recording log source: every container printed three lines. */
const requests: { pod: string; options: LogStreamOptions }[] = [];
const logSource: LogSource = {
  async *stream(pod: Pod, options: LogStreamOptions) {
    requests.push({ pod: pod.metadata.name, options });
    const lines = ['one', 'two', 'three'].slice(-(options.tailLines ?? 3));
    for (const text of lines) yield { container: options.container, text };
  },
};

let api: Api;
beforeAll(async () => {
  api = await newApi({ logSource });
  await api.store.create('Pod', {
    kind: 'Pod',
    metadata: { name: 'two-containers', namespace: 'default' },
    spec: {
      containers: [
        { name: 'app', image: 'x:1' },
        { name: 'sidecar', image: 'y:1' },
      ],
    },
  });
});
afterAll(async () => {
  await api?.dispose();
});

describe('podLogs subscription', () => {
  it('streams the chosen container through the log source, honouring tailLines', async () => {
    const sub = await api.subscribe<{ podLogs: { container: string; text: string } }>(
      `subscription { podLogs(name: "two-containers", container: "sidecar", tailLines: 2) { container text } }`,
    );
    const lines = [(await sub.next()).data?.podLogs, (await sub.next()).data?.podLogs];
    await sub.close();
    expect(lines).toEqual([
      { container: 'sidecar', text: 'two' },
      { container: 'sidecar', text: 'three' },
    ]);
    expect(requests.at(-1)).toEqual({
      pod: 'two-containers',
      options: { container: 'sidecar', follow: false, tailLines: 2 },
    });
  });

  it('asks which container when the pod has several', async () => {
    const sub = await api.subscribe(`subscription { podLogs(name: "two-containers") { text } }`);
    const first = await sub.next();
    await sub.close();
    expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first.errors?.[0]?.message).toMatch(/app, sidecar/);
  });
});
