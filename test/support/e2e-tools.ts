import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { expect } from 'vitest';
import type { Pod } from '../../src/api/types.ts';
import { LABELS } from '../../src/node/runtime.ts';
import { ApplyDocument } from '../../src/sdk/index.ts';
import type { TestCluster } from './cluster.ts';
import { waitFor } from './store.ts';

const run = promisify(execFile);
const docker = new Docker();

/** Applies a YAML manifest through the SDK, as `capstan apply -f` does. */
export async function apply(cluster: TestCluster, namespace: string, manifest: string): Promise<void> {
  const { apply: results } = await cluster.client.request(ApplyDocument, { manifest, namespace });
  expect(results.length).toBeGreaterThan(0);
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Pods of `namespace` matching `selector` that are not terminating and not finished. */
export async function activePods(cluster: TestCluster, namespace: string, selector?: string): Promise<Pod[]> {
  const { items } = await cluster.store.list('Pod', {
    namespace,
    ...(selector ? { labelSelector: selector } : {}),
  });
  return items.filter(
    (p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
  );
}

/** Waits until exactly `count` active pods match and all are Running and Ready; returns them. */
export function waitForReadyPods(
  cluster: TestCluster,
  namespace: string,
  selector: string,
  count: number,
  { timeoutMs = 45_000, check }: { timeoutMs?: number; check?: (pods: Pod[]) => boolean } = {},
): Promise<Pod[]> {
  return waitFor(
    async () => {
      const pods = await activePods(cluster, namespace, selector);
      const fine = pods.length === count && pods.every((p) => p.status?.phase === 'Running' && isReady(p));
      return fine && (!check || check(pods)) ? pods : undefined;
    },
    { timeoutMs, intervalMs: 100, message: `${count} ready pods ${selector} in ${namespace}` },
  );
}

/** The Docker container of one container of a pod, found by the labels the node agent sets. */
export async function containerOf(namespace: string, pod: string, container: string): Promise<Docker.ContainerInfo> {
  const list = await docker.listContainers({
    filters: {
      label: [
        `${LABELS.podNamespace}=${namespace}`,
        `${LABELS.podName}=${pod}`,
        `${LABELS.containerName}=${container}`,
      ],
    },
  });
  if (list.length !== 1)
    throw new Error(`expected one running container ${container} of ${namespace}/${pod}, found ${list.length}`);
  return list[0]!;
}

/** Containers (any state) of a namespace's pods, sandboxes included. */
export async function containersInNamespace(namespace: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.podNamespace}=${namespace}`] } });
}

/** `docker exec` in a pod's container; resolves with stdout, rejects with stderr on a non-zero exit. */
export async function execIn(
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs = 15_000,
): Promise<string> {
  const { stdout, exitCode, stderr } = await execInAnyway(namespace, pod, container, command, timeoutMs);
  if (exitCode !== 0) throw new Error(`${command.join(' ')} exited with ${exitCode}: ${stderr}${stdout}`);
  return stdout;
}

/** `docker exec` in a pod's container, with whatever exit code it ends. */
export async function execInAnyway(
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs = 15_000,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const { Id } = await containerOf(namespace, pod, container);
  try {
    const { stdout, stderr } = await run('docker', ['exec', Id, ...command], { timeout: timeoutMs });
    return { stdout, stderr, exitCode: 0 };
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof failed.code !== 'number') throw err;
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', exitCode: failed.code };
  }
}

/** GET with a deadline; the hello image answers `Server name: <pod hostname>`. */
export async function httpGet(url: string, timeoutMs = 3_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return res.text();
}

/** The server name in a capstan/hello answer. */
export function serverName(body: string): string | undefined {
  return /Server name: (\S+)/.exec(body)?.[1];
}

export interface DigResult {
  status: string;
  answers: string[][];
  authority: string[][];
}

/** The real `dig` against the control plane's host DNS port. */
export async function dig(cluster: TestCluster, ...args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(cluster.dnsPort), '+tries=2', '+time=2', ...args], {
    timeout: 15_000,
  });
  const section = (title: string): string[][] => {
    const match = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(stdout);
    return match?.[1] ? match[1].split('\n').map((line) => line.trim().split(/\s+/)) : [];
  };
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? `no status in: ${stdout}`,
    answers: section('ANSWER'),
    authority: section('AUTHORITY'),
  };
}
