import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import { startControlPlane, type ControlPlane } from '../src/app/up.ts';
import { createServer as createHttpsServer } from 'node:https';
import { caCertHash, issueCertificate, loadOrCreateClusterCa } from '../src/pki/cluster-ca.ts';
import { discoverClusterCa } from '../src/remote/discovery-client.ts';
import { GraphQLStore } from '../src/remote/graphql-store.ts';
import { obtainNodeCredential } from '../src/remote/node-credentials.ts';
import { trustedTransport } from '../src/remote/tls-transport.ts';
import * as sdk from '../src/sdk/index.ts';
import { deletePrefix, uniquePrefix } from './support/store.ts';

let dir: string;
let plane: ControlPlane;
let prefix: string;
let admin: sdk.CapstanClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-join-tls-'));
  prefix = uniquePrefix('join-tls');
  plane = await startControlPlane(
    { host: '127.0.0.1', port: 0, securePort: 0, dnsPort: 0, logPort: 0, prefix, pkiDir: join(dir, 'pki') },
    { env: { CAPSTAN_CONFIG: join(dir, 'config') }, controllers: { leaderElection: {} } },
  );
  admin = sdk.createCapstanClient({ url: plane.api.url, token: plane.adminToken });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await plane?.stop();
  await deletePrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

async function bootstrapToken(maxUses?: number): Promise<string> {
  const { createToken } = await admin.request(sdk.CreateTokenDocument, { role: 'bootstrap', maxUses });
  return createToken.token;
}

async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a refusal');
}

describe('joining over TLS with kubeadm discovery', () => {
  it('serves TLS with a certificate from the cluster CA and keeps plain HTTP on loopback', async () => {
    expect(plane.api.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(plane.api.secureUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const { clusterInfo } = await admin.request(sdk.ClusterInfoDocument, {});
    expect(clusterInfo.caCertHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Node's own fetch trusts only public CAs: the cluster's certificate is refused, not downgraded.
    await expect(fetch(`${plane.api.secureUrl}/healthz`)).rejects.toThrow();
    const trusted = trustedTransport((await import('node:fs')).readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8'));
    expect((await trusted.fetch(`${plane.api.secureUrl}/healthz`)).status).toBe(200);
  });

  it('discovers the CA with the token and the hash, then joins and works over the pinned TLS', async () => {
    const token = await bootstrapToken();
    const { clusterInfo } = await admin.request(sdk.ClusterInfoDocument, {});
    const ca = await discoverClusterCa({
      server: plane.api.secureUrl!,
      token,
      caCertHashes: [clusterInfo.caCertHash!],
    });
    expect(caCertHash(ca)).toBe(clusterInfo.caCertHash);
    const credential = await obtainNodeCredential({
      server: plane.api.secureUrl!,
      token,
      nodeName: 'tls-node-1',
      dir: join(dir, 'node'),
      caCertHashes: [clusterInfo.caCertHash!],
    });
    expect(credential.ca).toBe(ca);
    const store = new GraphQLStore({ server: plane.api.secureUrl!, token: credential.token, ca: credential.ca! });
    try {
      await store.create('Node', { kind: 'Node', metadata: { name: 'tls-node-1' }, spec: {} });
      // The watch goes over wss:// with the same pinned CA.
      const rv = await store.currentResourceVersion();
      const watch = store.watch('Node', { sinceResourceVersion: rv });
      const next = watch[Symbol.asyncIterator]().next();
      await admin.request(sdk.CordonDocument, { name: 'tls-node-1', dryRun: false });
      const event = await next;
      expect(event.value?.object?.metadata?.name).toBe('tls-node-1');
      watch.close();
    } finally {
      await store.close();
    }
  });

  it('refuses a wrong hash, a spent token and an unknown token, saving nothing', async () => {
    const token = await bootstrapToken(1);
    const wrong = await refusal(
      discoverClusterCa({ server: plane.api.secureUrl!, token, caCertHashes: [`sha256:${'0'.repeat(64)}`] }),
    );
    expect(isCapstanError(wrong, 'UNAUTHENTICATED')).toBe(true);
    expect(wrong.message).toMatch(/refusing to trust this server/);
    const unknown = await refusal(
      discoverClusterCa({
        server: plane.api.secureUrl!,
        token: 'zzzzzz.0123456789abcdef',
        caCertHashes: [`sha256:${'0'.repeat(64)}`],
      }),
    );
    expect(unknown.message).toMatch(/no signature for token id "zzzzzz"/);
    const { clusterInfo } = await admin.request(sdk.ClusterInfoDocument, {});
    const hash = clusterInfo.caCertHash!;
    await obtainNodeCredential({
      server: plane.api.secureUrl!,
      token,
      nodeName: 'tls-node-2',
      dir: join(dir, 'n2'),
      caCertHashes: [hash],
    });
    const spent = await refusal(
      obtainNodeCredential({
        server: plane.api.secureUrl!,
        token,
        nodeName: 'tls-node-3',
        dir: join(dir, 'n3'),
        caCertHashes: [hash],
      }),
    );
    expect(spent.message).toMatch(/no signature for token id/);
    const missing = await refusal(
      obtainNodeCredential({
        server: plane.api.secureUrl!,
        token: await bootstrapToken(),
        nodeName: 'tls-node-4',
        dir: join(dir, 'n4'),
      }),
    );
    expect(missing.message).toMatch(/needs --discovery-token-ca-cert-hash/);
  });
});

describe('TLS faults', () => {
  it('refuses a server certificate that does not cover the address dialled, naming it, with no plain-HTTP retry', async () => {
    const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
    const cert = await issueCertificate(ca, { commonName: 'elsewhere', names: ['10.99.0.1'], usage: 'server' });
    let requests = 0;
    const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const store = new GraphQLStore({ server: `https://127.0.0.1:${port}`, token: plane.adminToken, ca: ca.certPem });
    try {
      const error = await refusal(store.currentResourceVersion());
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toMatch(
        /the server's certificate does not cover 127\.0\.0\.1, the address dialled \(it covers IP:10\.99\.0\.1\).*CAPSTAN_CERT_SANS/,
      );
      expect(requests).toBe(0);
    } finally {
      await store.close();
      server.close();
    }
  });
});
