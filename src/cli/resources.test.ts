import { describe, expect, it } from 'vitest';
import type { CapstanClient, CapstanDocument } from '../sdk/browser.ts';
import { KIND_INFO, type CliKind } from './kinds.ts';
import { KIND_API } from './resources.ts';

interface Sent {
  operation: string;
  variables: Record<string, unknown>;
}

/** The operation name a generated document sends (`query GetPod(...)` → GetPod). */
function operationOf(document: CapstanDocument<unknown, never>): string {
  return /\b(?:query|mutation|subscription)\s+(\w+)/.exec(String(document))?.[1] ?? '';
}

/** A client that notes each operation it is asked to send and answers every field with null. */
function recordingClient(): CapstanClient & { sent: Sent[] } {
  const sent: Sent[] = [];
  const answer = new Proxy({}, { get: () => null });
  return {
    endpoint: 'http://test.invalid/graphql',
    sent,
    request: (async (document: CapstanDocument<unknown, never>, variables: Record<string, unknown> = {}) => {
      sent.push({ operation: operationOf(document), variables });
      return answer;
    }) as CapstanClient['request'],
    subscribe: ((document: CapstanDocument<unknown, never>, variables: Record<string, unknown> = {}) => {
      sent.push({ operation: operationOf(document), variables });
      return { close: async () => {} };
    }) as unknown as CapstanClient['subscribe'],
    close: async () => {},
  };
}

const kinds = Object.keys(KIND_API) as CliKind[];

describe('KIND_API, the one table of per-kind SDK documents', () => {
  it('has every CLI kind, each operation sent as that kind’s document', async () => {
    expect(kinds.sort()).toEqual((Object.keys(KIND_INFO) as CliKind[]).sort());
    for (const kind of kinds) {
      const client = recordingClient();
      const api = KIND_API[kind];
      await api.list(client, { namespace: 'ns', labelSelector: 'a=b' });
      await api.get(client, 'ns', 'x');
      api.watch(client, { namespace: 'ns', sinceResourceVersion: '5' });
      await api.remove(client, 'ns', 'x', { dryRun: true });
      await api.update(client, { metadata: { name: 'x' } }, '7', false);
      await api.create?.(client, { metadata: { name: 'x' } }, true);
      const operations = client.sent.map((s) => s.operation);
      expect(operations.slice(2, 5)).toEqual([`Watch${plural(kind)}`, `Delete${kind}`, `Update${kind}`]);
      expect(operations[0]).toMatch(new RegExp(`^List${plural(kind)}`));
      expect(operations[1]).toBe(`Get${kind}`);
      if (api.create) expect(operations[5]).toBe(`Create${kind}`);
    }
  });

  it('sends a namespace for namespaced kinds only, and the object under its field name', async () => {
    const pod = recordingClient();
    await KIND_API.Pod.get(pod, 'ns', 'web');
    await KIND_API.Pod.update(pod, { metadata: { name: 'web' } }, '7', true);
    await KIND_API.Pod.create!(pod, { metadata: { name: 'web' } }, false);
    expect(pod.sent.map((s) => s.variables)).toEqual([
      { namespace: 'ns', name: 'web' },
      { pod: { metadata: { name: 'web' } }, expectedResourceVersion: '7', dryRun: true },
      { pod: { metadata: { name: 'web' } }, dryRun: false },
    ]);
    const node = recordingClient();
    await KIND_API.Node.list(node, { namespace: 'ns', labelSelector: 'a=b' });
    await KIND_API.Node.get(node, 'ns', 'n1');
    KIND_API.Node.watch(node, { namespace: 'ns', fieldSelector: 'f=g' });
    await KIND_API.Node.remove(node, 'ns', 'n1', {});
    expect(node.sent.map((s) => s.variables)).toEqual([
      { labelSelector: 'a=b', fieldSelector: undefined },
      { name: 'n1' },
      { fieldSelector: 'f=g' },
      { name: 'n1' },
    ]);
    expect(KIND_API.ReplicationController.create).toBeDefined();
    expect(KIND_API.Node.create).toBeUndefined();
    expect(KIND_API.Event.create).toBeUndefined();
  });
});

function plural(kind: CliKind): string {
  if (kind === 'Endpoints') return 'Endpoints';
  return `${kind}s`;
}
