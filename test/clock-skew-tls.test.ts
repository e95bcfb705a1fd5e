import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../src/app/up.ts';
import { recordNodeCertificate } from '../src/auth/node-revocation.ts';
import { createToken } from '../src/auth/tokens.ts';
import { errorLine } from '../src/cli/cli-error.ts';
import { startLogServer, type LogServer } from '../src/node/node-endpoint-server.ts';
import { issueCertificate, loadOrCreateClusterCa, type ClusterCa } from '../src/pki/cluster-ca.ts';
import { CLUSTER_INFO_PATH, clusterInfoKubeconfig, signClusterInfo } from '../src/pki/discovery.ts';
import { nodeCommonName } from '../src/pki/node-endpoint-tls.ts';
import { discoverClusterCa } from '../src/remote/discovery-client.ts';
import { trustedTransport } from '../src/remote/tls-transport.ts';
import * as sdk from '../src/sdk/index.ts';
import { openStream } from '../src/sdk/pod-streams.ts';
import { createLogger } from '../src/util/logger.ts';
import { deletePrefix, uniquePrefix } from './support/store.ts';

// A clock that runs behind sees a certificate issued elsewhere as not valid yet. Real certificates of the cluster CA
// that start tomorrow, real TLS servers on loopback, and a real control plane dialling a node endpoint: each client
// of the project says so in one error, with what to check, instead of "cannot reach".

const run = promisify(execFile);
const CAPSTAN = new URL('../bin/capstan.mjs', import.meta.url).pathname;
const TOKEN = { id: 'skew01', secret: '0123456789abcdef' };
const TOMORROW = () => new Date(Date.now() + 86_400_000);
const CLOCK_HINT = /not valid yet \(.*clock says \d{4}-\d\d-\d\dT[\d:.]+Z\).*date -u/;

let dir: string;
let ca: ClusterCa;
let server: Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-clock-skew-'));
  ca = await loadOrCreateClusterCa(join(dir, 'pki'));
  const cert = await issueCertificate(ca, {
    commonName: 'capstan-apiserver',
    names: ['127.0.0.1'],
    usage: 'server',
    notBefore: TOMORROW(),
  });
  server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    requests++;
    void (async () => {
      if (req.url !== CLUSTER_INFO_PATH) return res.writeHead(404).end();
      const kubeconfig = clusterInfoKubeconfig(url, ca.certPem);
      const signatures = { [TOKEN.id]: await signClusterInfo(kubeconfig, TOKEN.id, TOKEN.secret) };
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ kubeconfig, signatures }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('a server certificate that is not valid yet by this clock', () => {
  it('fails an SDK request with one error that says to check the clocks, not "is the server running?"', async () => {
    const client = sdk.createCapstanClient({ url, token: 'x', fetch: trustedTransport(ca.certPem).fetch });
    try {
      const err = await failure(client.request(sdk.ClusterInfoDocument, {}));
      expect(sdk.isCapstanClientError(err, 'UNREACHABLE')).toBe(true);
      expect(err.message).toMatch(
        new RegExp(`^the TLS certificate of the server at ${url}/graphql is ${CLOCK_HINT.source}`),
      );
      const line = errorLine(err);
      expect(line.split('\n')).toHaveLength(1);
      expect(line).not.toMatch(/is the server running/);
    } finally {
      await client.close();
    }
  });

  it('fails a WebSocket subscription of the SDK the same way', async () => {
    const client = sdk.createCapstanClient({
      url,
      token: 'x',
      webSocketImpl: trustedTransport(ca.certPem).webSocketImpl,
    });
    try {
      const err = await failure(
        (async () => {
          for await (const _event of client.subscribe(sdk.WatchNamespacesDocument, {})) break;
        })(),
      );
      expect(err.message).toMatch(CLOCK_HINT);
    } finally {
      await client.close();
    }
  });

  it('fails a pod stream (exec, attach, port-forward) with the same hint', async () => {
    const err = await failure(openStream({ url, token: 'x', tls: { ca: ca.certPem } }, '/exec/default/p/c?command=id'));
    expect(err.message).toMatch(
      new RegExp(`^the TLS certificate of the server at ${url.replace('https:', 'wss:')} is ${CLOCK_HINT.source}`),
    );
  });

  it('fails discovery after the pin check, and `capstan node` prints one line, exits non-zero and saves nothing', async () => {
    const err = await failure(
      discoverClusterCa({ server: url, token: `${TOKEN.id}.${TOKEN.secret}`, caCertHashes: [ca.hash] }),
    );
    expect(err.message).toMatch(/\(verified against the cluster CA\): the TLS certificate of the server at/);
    expect(err.message).toMatch(CLOCK_HINT);
    const credentials = join(dir, 'credentials');
    const result = await run(
      process.execPath,
      [
        CAPSTAN,
        'node',
        '--server',
        url,
        '--token',
        `${TOKEN.id}.${TOKEN.secret}`,
        '--discovery-token-ca-cert-hash',
        ca.hash,
        '--name',
        'skew-node',
        '--credential-dir',
        credentials,
        '--state-root',
        join(dir, 'state'),
      ],
      { env: { ...process.env, HOME: dir, CAPSTAN_LOG_LEVEL: 'silent' }, timeout: 60_000 },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot fetch .*cluster-info \(verified against the cluster CA\): /);
    expect(lines[0]).toMatch(CLOCK_HINT);
    expect(await readdir(credentials).catch(() => [])).toEqual([]);
  }, 90_000);

  it('reached the server only through handshakes that failed, apart from the unverified cluster-info reads', () => {
    // Each discovery reads the public document once without verifying the certificate (kubeadm's first step).
    expect(requests).toBe(2);
  });
});

describe("the API server dialling a node whose serving certificate is not valid yet by the server's clock", () => {
  let prefix: string;
  let plane: ControlPlane;
  let admin: sdk.CapstanClient;
  let node: LogServer;

  beforeAll(async () => {
    prefix = uniquePrefix('clock-skew');
    plane = await startControlPlane(
      { host: '127.0.0.1', port: 0, securePort: 0, dnsPort: 0, logPort: 0, prefix, pkiDir: join(dir, 'pki') },
      { env: { CAPSTAN_CONFIG: join(dir, 'config') }, controllers: { leaderElection: {} } },
    );
    admin = sdk.createCapstanClient({ url: plane.api.url, token: plane.adminToken });
    const tls = await issueCertificate(ca, {
      commonName: nodeCommonName('skew-node'),
      names: ['127.0.0.1'],
      usage: 'server',
      notBefore: TOMORROW(),
    });
    const credential = await createToken(plane.store, { role: 'node', nodeName: 'skew-node', ttlSeconds: 3600 });
    await recordNodeCertificate(plane.store, credential.name, tls.certPem);
    node = await startLogServer({
      host: '127.0.0.1',
      port: 0,
      nodeName: 'skew-node',
      target: () => undefined,
      tls: { ...tls, caPem: ca.certPem },
      logger: createLogger({ level: 'silent' }),
    });
    await plane.store.create('Node', {
      kind: 'Node',
      metadata: { name: 'skew-node' },
      spec: {},
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: node.port } },
      },
    });
    await plane.store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'skew-node', containers: [{ name: 'c', image: 'x' }] },
    });
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await admin?.close();
    await plane?.stop();
    await deletePrefix(prefix);
  });

  it("says, for logs and exec, that the node's certificate is not valid yet by the API server's clock", async () => {
    const logs = await failure(
      (async () => {
        for await (const _line of admin.subscribe(sdk.PodLogsDocument, { namespace: 'default', name: 'p' })) break;
      })(),
    );
    expect(logs.message).toMatch(
      /^node skew-node is not reachable for logs: https:\/\/127\.0\.0\.1:\d+: the TLS certificate of node skew-node is not valid yet \(the API server's clock says/,
    );
    expect(logs.message).toMatch(/date -u/);
    const exec = await failure(admin.request(sdk.ExecDocument, { namespace: 'default', name: 'p', command: ['id'] }));
    expect(exec.message).toMatch(/^node skew-node is not reachable for exec: .*not valid yet \(the API server's clock/);
  });
});
