import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestBed } from '../support/test-bed.ts';
import { waitFor, type BedApi, type HttpTarget } from './harness.ts';

/** The namespace every scenario works in; `cleanWorkload` deletes it. */
export const NS = 'chaos';
export const NODE_PORT = 30080;
/** HTTP load runs on h1 and reaches the NodePort of h2, so that most requests cross hosts. */
export const LOAD_HOST_NETNS = 'capstan-h1';
export const NODE_PORT_ADDRESS = '10.123.0.12';

/** `web`: a Deployment of capstan/hello with a readiness probe every second, behind NodePort 30080. */
function manifest(replicas: number, env = 'v1'): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${NS}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 5
      # Leave a lost node 10 s after its taint (Kubernetes' default toleration is 300 s; Capstan's eviction 30 s).
      tolerations:
        - key: node.kubernetes.io/unreachable
          operator: Exists
          effect: NoExecute
          tolerationSeconds: 10
        - key: node.kubernetes.io/not-ready
          operator: Exists
          effect: NoExecute
          tolerationSeconds: 10
      containers:
        - name: web
          image: capstan/hello
          imagePullPolicy: Never
          env:
            - name: PORT
              value: '8080'
            - name: VERSION
              value: '${env}'
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            tcpSocket:
              port: http
            periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${NS}
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: ${NODE_PORT}
`;
}

export interface PodView {
  name: string;
  node?: string;
  phase?: string;
  ready: boolean;
  deleting: boolean;
  podIP?: string;
  containerId?: string;
  restarts: number;
}

const PODS = `query ($ns: String, $sel: String) { pods(namespace: $ns, labelSelector: $sel) { items {
  metadata { name deletionTimestamp } spec { nodeName }
  status { phase podIP conditions { type status } containerStatuses { containerID restartCount } } } } }`;

interface RawPod {
  metadata: { name: string; deletionTimestamp?: string | null };
  spec: { nodeName?: string | null };
  status?: {
    phase?: string;
    podIP?: string | null;
    conditions?: { type: string; status: string }[] | null;
    containerStatuses?: { containerID?: string | null; restartCount: number }[] | null;
  } | null;
}

export async function listPods(api: BedApi, selector = 'app=web'): Promise<PodView[]> {
  const data = await api.request<{ pods: { items: RawPod[] } }>(PODS, { ns: NS, sel: selector });
  return data.pods.items.map((p) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? undefined,
    phase: p.status?.phase,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: Boolean(p.metadata.deletionTimestamp),
    podIP: p.status?.podIP ?? undefined,
    containerId: p.status?.containerStatuses?.[0]?.containerID ?? undefined,
    restarts: p.status?.containerStatuses?.reduce((n, c) => n + c.restartCount, 0) ?? 0,
  }));
}

/** Pods that are not shutting down: what a controller counts. */
export const live = (pods: PodView[]): PodView[] => pods.filter((p) => !p.deleting);

/** Waits until exactly `replicas` pods are live, Running and Ready, and the Service has as many endpoints. */
export async function waitReady(api: BedApi, replicas: number, timeoutMs = 120_000): Promise<PodView[]> {
  return waitFor(`${replicas} ready pods of web`, timeoutMs, async () => {
    const pods = await listPods(api);
    const ready = live(pods).filter((p) => p.phase === 'Running' && p.ready);
    if (ready.length !== replicas || live(pods).length !== replicas) return undefined;
    if ((await endpointCount(api)) !== replicas) return undefined;
    return ready;
  });
}

export async function endpointCount(api: BedApi): Promise<number> {
  const data = await api.request<{ endpoints: { subsets: { addresses: { ip: string }[] }[] } | null }>(
    `query ($ns: String) { endpoints(namespace: $ns, name: "web") { subsets { addresses { ip } } } }`,
    { ns: NS },
  );
  return (data.endpoints?.subsets ?? []).reduce((n, s) => n + s.addresses.length, 0);
}

/** Applies `web` with `replicas` and waits until it serves. */
export async function deployWeb(bed: TestBed, api: BedApi, replicas: number, version = 'v1'): Promise<void> {
  const file = join(tmpdir(), `capstan-chaos-${process.pid}.yaml`);
  await writeFile(file, manifest(replicas, version));
  await bed.capstanOk(['apply', '-f', file]);
  await waitReady(api, replicas, 180_000);
}

/** The two HTTP targets from h1: the NodePort of h2 and the ClusterIP. */
export async function webTargets(api: BedApi): Promise<HttpTarget[]> {
  const data = await api.request<{ service: { spec: { clusterIP: string } } }>(
    `query ($ns: String) { service(namespace: $ns, name: "web") { spec { clusterIP } } }`,
    { ns: NS },
  );
  return [
    { name: 'nodeport', url: `http://${NODE_PORT_ADDRESS}:${NODE_PORT}/` },
    { name: 'clusterip', url: `http://${data.service.spec.clusterIP}/` },
  ];
}

/** Deletes the scenario namespaces (the workload's and the writes') and waits until they are gone. */
export async function cleanWorkload(bed: TestBed, api: BedApi): Promise<void> {
  // --wait=false: the wait below has its own deadline and says what it waited for.
  await bed.capstan(['delete', 'namespace', NS, `${NS}-writes`, '--wait=false'], { timeoutMs: 60_000 });
  await waitFor('the chaos namespace gone', 120_000, async () => {
    const data = await api.request<{ namespaces: { items: { metadata: { name: string } }[] } }>(
      `{ namespaces { items { metadata { name } } } }`,
    );
    return data.namespaces.items.some((n) => n.metadata.name.startsWith(NS)) ? undefined : true;
  });
}
