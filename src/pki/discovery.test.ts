import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateClusterCa, type ClusterCa } from './cluster-ca.ts';
import {
  checkCaPin,
  clusterInfoKubeconfig,
  parseCaCertHash,
  parseClusterInfoKubeconfig,
  signClusterInfo,
  verifyClusterInfo,
} from './discovery.ts';

let dir: string;
let ca: ClusterCa;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-discovery-'));
  ca = await loadOrCreateClusterCa(join(dir, 'pki'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ID = 'abcdef';
const SECRET = '0123456789abcdef';

describe('cluster-info JWS', () => {
  it('signs the document with a detached HS256 JWS whose kid is the token id, and verifies it', async () => {
    const kubeconfig = clusterInfoKubeconfig('https://10.0.0.1:6443', ca.certPem);
    const jws = await signClusterInfo(kubeconfig, ID, SECRET);
    const [header, payload] = jws.split('.');
    expect(payload).toBe('');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', kid: ID });
    await verifyClusterInfo({ kubeconfig, signatures: { [ID]: jws } }, ID, SECRET);
    expect(parseClusterInfoKubeconfig(kubeconfig)).toEqual({ server: 'https://10.0.0.1:6443', caPem: ca.certPem });
  });

  it('refuses a tampered document, a wrong secret and a missing signature', async () => {
    const kubeconfig = clusterInfoKubeconfig('https://10.0.0.1:6443', ca.certPem);
    const jws = await signClusterInfo(kubeconfig, ID, SECRET);
    const tampered = kubeconfig.replace('10.0.0.1', '10.0.0.66');
    await expect(verifyClusterInfo({ kubeconfig: tampered, signatures: { [ID]: jws } }, ID, SECRET)).rejects.toThrow(
      /does not verify/,
    );
    await expect(verifyClusterInfo({ kubeconfig, signatures: { [ID]: jws } }, ID, 'ffffffffffffffff')).rejects.toThrow(
      /does not verify/,
    );
    await expect(verifyClusterInfo({ kubeconfig, signatures: {} }, ID, SECRET)).rejects.toThrow(
      /no signature for token id/,
    );
    const otherKid = await signClusterInfo(kubeconfig, 'zzzzzz', SECRET);
    await expect(verifyClusterInfo({ kubeconfig, signatures: { [ID]: otherKid } }, ID, SECRET)).rejects.toThrow(
      /does not verify/,
    );
  });
});

describe('CA pin', () => {
  it("accepts the CA's own hash and refuses another", async () => {
    checkCaPin(ca.certPem, [parseCaCertHash(ca.hash.toUpperCase().replace('SHA256', 'sha256'))]);
    const other = await loadOrCreateClusterCa(join(dir, 'other'));
    expect(() => checkCaPin(other.certPem, [ca.hash])).toThrow(/refusing to trust this server/);
    expect(() => parseCaCertHash('sha256:1234')).toThrow(/64 hex digits/);
  });
});
