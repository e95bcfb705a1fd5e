import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { CreateServiceDocument, DeleteServiceDocument } from '../src/sdk/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';
import {
  apply,
  dig,
  execIn,
  execInAnyway,
  httpGet,
  isReady,
  serverName,
  waitForReadyPods,
} from './support/e2e-tools.ts';
import { waitFor } from './support/store.ts';

let cluster: TestCluster;
let ns: string;
let webPods: Pod[];
let clusterIP: string;

const ZONE = 'svc.cluster.local';

function hello(name: string, replicas: number, readiness: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: web
          image: capstan/hello:latest
          command: ["sh", "-c", "touch /tmp/ready && exec /usr/local/bin/hello"]
          ports:
            - name: http
              containerPort: 80
          readinessProbe:
${readiness}
            periodSeconds: 1
            failureThreshold: 1
`;
}

const SERVICES = `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: Service
metadata:
  name: web-headless
spec:
  clusterIP: None
  selector:
    app: web
  ports:
    - name: http
      port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web-public
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - port: 8080
      targetPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: sh
      image: capstan/busybox:latest
      command: ["sleep", "3600"]
`;

beforeAll(async () => {
  cluster = await startTestCluster();
  ns = await cluster.namespace('e2e-svc');
  await apply(
    cluster,
    ns,
    hello('web', 3, '            httpGet:\n              path: /healthz\n              port: 80'),
  );
  await apply(cluster, ns, SERVICES);
  webPods = await waitForReadyPods(cluster, ns, 'app=web', 3);
  await waitFor(async () => isReady(await cluster.store.get('Pod', ns, 'client')), { message: 'client pod ready' });
  clusterIP = (await cluster.store.get('Service', ns, 'web')).spec!.clusterIP!;
  await waitFor(
    async () => {
      const ep = await cluster.store.tryGet('Endpoints', ns, 'web');
      return ep?.subsets?.[0]?.addresses?.length === 3;
    },
    { timeoutMs: 20_000, message: 'three endpoints of web' },
  );
});

afterAll(async () => {
  await cluster?.cleanup();
});

/** Sends `count` requests one after another; the hello answers name the pod that served each. */
async function hostnamesBehind(url: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(serverName(await httpGet(url)) ?? 'no server name');
  return names;
}

describe('services on the real stack', () => {
  it('answers dig for every record type and error of the zone', async () => {
    const fqdn = `web.${ns}.${ZONE}`;
    const a = await dig(cluster, fqdn, 'A');
    expect(a.status).toBe('NOERROR');
    expect(a.answers).toEqual([[`${fqdn}.`, expect.any(String), 'IN', 'A', clusterIP]]);

    const headless = await dig(cluster, `web-headless.${ns}.${ZONE}`, 'A');
    expect(headless.answers.map((r) => r[4]).sort()).toEqual(webPods.map((p) => p.status!.podIP).sort());

    const srv = await dig(cluster, `_http._tcp.${fqdn}`, 'SRV');
    expect(srv.answers).toHaveLength(1);
    expect(srv.answers[0]!.slice(3)).toEqual(['SRV', expect.any(String), expect.any(String), '80', `${fqdn}.`]);

    const ptr = await dig(cluster, '-x', clusterIP);
    expect(ptr.answers.map((r) => [r[3], r[4]])).toEqual([['PTR', `${fqdn}.`]]);

    const missing = await dig(cluster, `nothing.${ns}.${ZONE}`, 'A');
    expect(missing.status).toBe('NXDOMAIN');
    expect(missing.answers).toEqual([]);
    expect(missing.authority.map((r) => r[3])).toEqual(['SOA']);

    const aaaa = await dig(cluster, fqdn, 'AAAA');
    expect(aaaa.status).toBe('NOERROR');
    expect(aaaa.answers).toEqual([]);
    expect(aaaa.authority.map((r) => r[3])).toEqual(['SOA']);

    expect((await dig(cluster, 'example.com', 'A')).status).toBe('REFUSED');
  });

  it('lets a pod resolve and reach a service by short, namespaced and full name', async () => {
    const podNames = new Set(webPods.map((p) => p.metadata.name));
    for (const name of ['web', `web.${ns}`, `web.${ns}.${ZONE}`]) {
      // busybox nslookup applies the search path only to names without a dot (the resolver wget uses follows
      // resolv.conf's ndots), so `web.<ns>` is looked up through wget only. For a short name it also asks for AAAA
      // and walks the rest of the search path when that answer is empty, printing NXDOMAIN for those and exiting
      // 1, as it does against CoreDNS: the A answer is what counts.
      if (name !== `web.${ns}`) {
        const lookup = await execInAnyway(ns, 'client', 'sh', ['nslookup', name]);
        expect(lookup.stdout, name).toMatch(
          new RegExp(`Name:\\s+web\\.${ns}\\.svc\\.cluster\\.local\\s+Address: ${clusterIP.replaceAll('.', '\\.')}\\n`),
        );
      }
      const body = await execIn(ns, 'client', 'sh', ['timeout', '5', 'wget', '-q', '-O-', `http://${name}/`]);
      expect(podNames).toContain(serverName(body));
    }
  });

  it('spreads requests over all three replicas through NodePort and LoadBalancer', async () => {
    const svc = await cluster.store.get('Service', ns, 'web-public');
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    const lb = await waitFor(async () => (await cluster.store.get('Service', ns, 'web-public')).status?.loadBalancer, {
      message: 'a LoadBalancer address',
    });
    const lbIP = lb.ingress![0]!.ip;
    expect(lbIP.startsWith(`127.100.${cluster.index}.`)).toBe(true);
    const expected = webPods.map((p) => p.metadata.name).sort();
    for (const url of [`http://${cluster.nodes[0]!.address}:${nodePort}/`, `http://${lbIP}:8080/`]) {
      const names = await hostnamesBehind(url, 30);
      expect([...new Set(names)].sort(), url).toEqual(expected);
    }
  });

  it('stops sending traffic to a pod within a second of it turning not ready', async () => {
    await apply(cluster, ns, hello('flip', 2, '            exec:\n              command: ["cat", "/tmp/ready"]'));
    await apply(
      cluster,
      ns,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: flip\nspec:\n  type: NodePort\n  selector:\n    app: flip\n  ports:\n    - port: 80\n',
    );
    const [victim, other] = await waitForReadyPods(cluster, ns, 'app=flip', 2);
    const nodePort = (await cluster.store.get('Service', ns, 'flip')).spec!.ports![0]!.nodePort!;
    const url = `http://${cluster.nodes[0]!.address}:${nodePort}/`;
    const victimName = victim!.metadata.name;
    await waitFor(async () => (await hostnamesBehind(url, 10)).includes(victimName), {
      message: `${victimName} receiving traffic`,
    });

    await execIn(ns, victimName, 'web', ['rm', '/tmp/ready']);
    await waitFor(async () => !isReady(await cluster.store.get('Pod', ns, victimName)), {
      timeoutMs: 10_000,
      intervalMs: 10,
      message: `${victimName} Ready=False`,
    });
    const notReadyAt = Date.now();
    const late: string[] = [];
    let sent = 0;
    while (Date.now() - notReadyAt < 3_000) {
      const startedAt = Date.now();
      const name = serverName(await httpGet(url));
      sent++;
      if (startedAt - notReadyAt >= 1_000 && name !== other!.metadata.name)
        late.push(`${startedAt - notReadyAt} ms: ${name}`);
    }
    expect(sent).toBeGreaterThan(5);
    expect(late).toEqual([]);

    await execIn(ns, victimName, 'web', ['touch', '/tmp/ready']);
    await waitFor(async () => (await hostnamesBehind(url, 10)).includes(victimName), {
      timeoutMs: 15_000,
      message: `${victimName} back in rotation once ready again`,
    });
  });

  it('frees a deleted NodePort service its port and address for a new service', async () => {
    const nodePort = 30_000 + cluster.index * 10;
    const create = (name: string, app: string, ip?: string) =>
      cluster.client.request(CreateServiceDocument, {
        service: {
          metadata: { name, namespace: ns },
          spec: {
            type: 'NodePort',
            selector: [{ key: 'app', value: app }],
            ports: [{ port: 80, nodePort }],
            ...(ip ? { clusterIP: ip } : {}),
          },
        },
      });
    const url = `http://${cluster.nodes[0]!.address}:${nodePort}/`;
    await create('first', 'web');
    const firstIP = (await cluster.store.get('Service', ns, 'first')).spec!.clusterIP!;
    const webNames = webPods.map((p) => p.metadata.name);
    await waitFor(async () => webNames.includes(serverName(await httpGet(url)) ?? ''), { message: 'first answers' });

    await cluster.client.request(DeleteServiceDocument, { namespace: ns, name: 'first' });
    const flipNames = (await waitForReadyPods(cluster, ns, 'app=flip', 2)).map((p) => p.metadata.name);
    await create('second', 'flip', firstIP);
    const second = await cluster.store.get('Service', ns, 'second');
    expect(second.spec!.clusterIP).toBe(firstIP);
    expect(second.spec!.ports![0]!.nodePort).toBe(nodePort);
    await waitFor(async () => flipNames.includes(serverName(await httpGet(url)) ?? ''), {
      message: 'the port answering for second',
    });
    const names = await hostnamesBehind(url, 10);
    expect(names.every((n) => flipNames.includes(n))).toBe(true);
  });
});
