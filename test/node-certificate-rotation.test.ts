import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Node, Pod } from '../src/api/types.ts';
import { createBootstrapToken } from '../src/auth/tokens.ts';
import { startControlPlane, type ControlPlane } from '../src/app/up.ts';
import { startCertificateRotation } from '../src/node/certificate-rotation.ts';
import { startLogServer, type LogServer, type LogServerTarget } from '../src/node/node-endpoint-server.ts';
import { issueCertificate, loadOrCreateClusterCa, type KeyedCertificate } from '../src/pki/cluster-ca.ts';
import { API_CLIENT_COMMON_NAME, normalSerial } from '../src/pki/node-endpoint-tls.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import { obtainNodeCredential, obtainNodeServingIdentity } from '../src/remote/node-credentials.ts';
import * as sdk from '../src/sdk/index.ts';
import { createLogger } from '../src/util/logger.ts';
import { deletePrefix, uniquePrefix } from './support/store.ts';

// A node endpoint renews its serving certificate while it runs, as kubelet's rotation does, with the node pieces
// `capstan node` runs (run-node.ts): a control plane whose CA signs node certificates for 8 s
// (CAPSTAN_NODE_CERT_LIFETIME_SECONDS), a node joined with a bootstrap token, its endpoint on loopback. A second
// control plane on the same Redis and CA (a second `capstan server`) reads the node's logs across the renewals too:
// it trusts the renewed serial the moment the node serves it.

const LIFETIME_SECONDS = 8;
const silent = createLogger({ level: 'silent' });
let dir: string;
let prefix: string;
let plane: ControlPlane;
let second: ControlPlane;
let admin: sdk.CapstanClient;
let admin2: sdk.CapstanClient;
let endpoint: LogServer | undefined;
let nodeStore: GraphQLStore | undefined;
let stopRotation: (() => void) | undefined;
let client: KeyedCertificate;
let caPem: string;

/** Lines the followed container writes: pushed by the test. */
const written: string[] = [];
/** The followed streams waiting for the next line (one per stream: two servers follow at once). */
const waiting = new Set<() => void>();
function wake(): void {
  for (const resolve of waiting) resolve();
  waiting.clear();
}
function write(text: string): void {
  written.push(text);
  wake();
}

const target: LogServerTarget = {
  findPod: (namespace, name) =>
    namespace === 'default' && name === 'rot-pod'
      ? ({ kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'x' }] } } as Pod)
      : undefined,
  logSource: {
    async *stream(_pod, options) {
      let next = 0;
      for (;;) {
        while (next < written.length) yield { container: options.container, text: written[next++]! };
        if (!options.follow) return;
        await new Promise<void>((resolve) => waiting.add(resolve));
      }
    },
  },
  execSource: {
    exec: async () => ({ stdout: '', stderr: '', exitCode: 0, timedOut: false, truncated: false }),
  },
};

/** The serial of the certificate the endpoint serves to a new connection now. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, ca: caPem, cert: client.certPem, key: client.keyPem, servername: undefined },
      () => {
        resolve(normalSerial(socket.getPeerX509Certificate()!.serialNumber));
        socket.destroy();
      },
    );
    socket.once('error', reject);
  });
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-cert-rotation-'));
  prefix = uniquePrefix('cert-rotation');
  plane = await startControlPlane(
    {
      host: '127.0.0.1',
      port: 0,
      securePort: 0,
      dnsPort: 0,
      logPort: 0,
      prefix,
      pkiDir: join(dir, 'pki'),
      // What CAPSTAN_NODE_CERT_LIFETIME_SECONDS sets.
      nodeCertLifetimeSeconds: LIFETIME_SECONDS,
    },
    { env: { CAPSTAN_CONFIG: join(dir, 'config') }, controllers: { leaderElection: {} } },
  );
  admin = sdk.createCapstanClient({ url: plane.api.url, token: plane.adminToken });
  // The second server: its own ports and config, the same Redis prefix and CA directory.
  second = await startControlPlane(
    {
      host: '127.0.0.1',
      port: 0,
      securePort: 0,
      dnsPort: 0,
      logPort: 0,
      prefix,
      pkiDir: join(dir, 'pki'),
      nodeCertLifetimeSeconds: LIFETIME_SECONDS,
    },
    { env: { CAPSTAN_CONFIG: join(dir, 'config2') }, controllers: { leaderElection: {} } },
  );
  admin2 = sdk.createCapstanClient({ url: second.api.url, token: second.adminToken });
  const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
  caPem = ca.certPem;
  client = await issueCertificate(ca, { commonName: API_CLIENT_COMMON_NAME, usage: 'client' });
}, 60_000);

afterAll(async () => {
  stopRotation?.();
  wake();
  await endpoint?.close();
  await nodeStore?.close();
  await admin?.close();
  await admin2?.close();
  await second?.stop();
  await plane?.stop();
  await deletePrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

it('renews the serving certificate while running; an open log stream goes on and new calls use the new one', async () => {
  const bootstrap = await createBootstrapToken(plane.store, { description: 'rotation test' });
  const credential = await obtainNodeCredential({
    server: plane.api.url,
    token: bootstrap.token,
    nodeName: 'rot-node',
    dir: join(dir, 'node'),
  });
  const servingIdentity = () =>
    obtainNodeServingIdentity({ server: plane.api.url, credential, nodeName: 'rot-node', addresses: ['127.0.0.1'] });
  const first = await servingIdentity();
  const firstCert = new X509Certificate(first.certPem);
  expect(Date.parse(firstCert.validTo) - Date.now()).toBeLessThanOrEqual(LIFETIME_SECONDS * 1000);
  endpoint = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: 'rot-node',
    target: () => target,
    tls: first,
    logger: silent,
  });
  const { port } = endpoint;
  let rotations = 0;
  const startedAt = Date.now();
  stopRotation = startCertificateRotation({
    current: first,
    issue: servingIdentity,
    onRotated: (next) => {
      rotations++;
      endpoint!.setIdentity(next);
    },
  });
  nodeStore = new GraphQLStore({ server: plane.api.url, token: credential.token, logger: silent });
  await nodeStore.create('Node', {
    kind: 'Node',
    metadata: { name: 'rot-node' },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  } as Node);
  await plane.store.create('Pod', {
    kind: 'Pod',
    metadata: { name: 'rot-pod', namespace: 'default' },
    spec: { nodeName: 'rot-node', containers: [{ name: 'c', image: 'x' }] },
  });

  const firstSerial = normalSerial(firstCert.serialNumber);
  expect(await servedSerial(port)).toBe(firstSerial);
  // A followed log stream, opened under the first certificate.
  write('before the renewal');
  const stream = admin.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: 'rot-pod', follow: true });
  const followed = stream[Symbol.asyncIterator]();
  expect((await followed.next()).value?.podLogs.text).toBe('before the renewal');
  // The same through the second server.
  const stream2 = admin2.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: 'rot-pod', follow: true });
  const followed2 = stream2[Symbol.asyncIterator]();
  expect((await followed2.next()).value?.podLogs.text).toBe('before the renewal');

  // New calls through the second server, one after another across the renewal: each must find the node's
  // certificate trusted (its serial recorded before the node serves it).
  const readThroughSecond = async () => {
    const lines: string[] = [];
    for await (const { podLogs } of admin2.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: 'rot-pod' })) {
      lines.push(podLogs.text);
    }
    return lines;
  };
  let polling = true;
  let polls = 0;
  const poller = (async () => {
    while (polling) {
      const lines = await readThroughSecond();
      expect(lines[0]).toBe('before the renewal');
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  // Renewed at 70-90% of the 8 s: a new serial for new connections, recorded in the node's credential.
  const renewedSerial = await until('the renewal', 20_000, async () => {
    const serial = await servedSerial(port);
    return serial !== firstSerial ? serial : undefined;
  });
  const token = await plane.store.get('Token', undefined, credential.name!);
  expect(token.spec?.certificateSerials?.map(normalSerial)).toEqual(expect.arrayContaining([renewedSerial]));

  // The stream opened under the old certificate goes on, even past that certificate's end.
  // Until the second server has read the logs on a new connection under the renewed certificate.
  const pollsAtRenewal = polls;
  await until('reads through the second server after the renewal', 20_000, async () =>
    polls >= pollsAtRenewal + 2 ? true : undefined,
  );
  polling = false;
  await poller;

  write('after the renewal');
  expect((await followed.next()).value?.podLogs.text).toBe('after the renewal');
  expect((await followed2.next()).value?.podLogs.text).toBe('after the renewal');
  await until('the end of the first certificate', 10_000, async () =>
    Date.now() > Date.parse(firstCert.validTo) ? true : undefined,
  );
  write('after the first certificate ended');
  expect((await followed.next()).value?.podLogs.text).toBe('after the first certificate ended');
  expect((await followed2.next()).value?.podLogs.text).toBe('after the first certificate ended');
  await followed.return?.();
  await followed2.return?.();

  // A new call handshakes again and gets (and trusts) the current certificate.
  const lines: string[] = [];
  for await (const { podLogs } of admin.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: 'rot-pod' })) {
    lines.push(podLogs.text);
  }
  expect(lines).toEqual(['before the renewal', 'after the renewal', 'after the first certificate ended']);
  expect(await readThroughSecond()).toEqual(lines);
  // Renewed at 70-90% of each certificate's life, not in a loop: an 8 s certificate about every 6 s.
  expect(rotations).toBeGreaterThanOrEqual(1);
  expect(rotations).toBeLessThanOrEqual(Math.ceil((Date.now() - startedAt) / (0.7 * LIFETIME_SECONDS * 1000)) + 1);
});
