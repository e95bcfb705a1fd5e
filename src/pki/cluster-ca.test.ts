import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caCertHash, issueCertificate, loadOrCreateClusterCa, type ClusterCa } from './cluster-ca.ts';

let dir: string;
let ca: ClusterCa;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-ca-'));
  ca = await loadOrCreateClusterCa(join(dir, 'pki'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pin as kubeadm's documentation computes it, by openssl, independently of this code. */
function opensslPin(certPath: string): string {
  const out = execFileSync(
    'sh',
    ['-c', `openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | sha256sum`, 'sh', certPath],
    { encoding: 'utf8' },
  );
  return `sha256:${out.split(/\s/)[0]}`;
}

describe('cluster CA', () => {
  it('pins the CA by the SHA-256 of its SubjectPublicKeyInfo, as openssl computes it', () => {
    expect(ca.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ca.hash).toBe(opensslPin(join(dir, 'pki', 'ca.crt')));
    expect(caCertHash(ca.certPem)).toBe(ca.hash);
  });

  it('keeps the key with mode 0600 and loads the same CA on the next start', async () => {
    expect((await stat(join(dir, 'pki', 'ca.key'))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateClusterCa(join(dir, 'pki'));
    expect(again.hash).toBe(ca.hash);
  });

  it('issues server certificates that the CA verifies and that cover the names asked for', async () => {
    const leaf = await issueCertificate(ca, {
      commonName: 'capstan-apiserver',
      names: ['10.1.2.3', 'api.example'],
      usage: 'server',
    });
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(cert.checkHost('api.example')).toBe('api.example');
    expect(cert.checkIP('10.1.2.4')).toBeUndefined();
  });

  it('refuses to start over an unreadable or missing key instead of making a new CA', async () => {
    const other = join(dir, 'broken');
    await loadOrCreateClusterCa(other);
    // Unreadable even for root: a directory where the key file should be.
    await unlink(join(other, 'ca.key'));
    await mkdir(join(other, 'ca.key'));
    await expect(loadOrCreateClusterCa(other)).rejects.toThrow(/cannot read the cluster CA key .*ca\.key: EISDIR/);
    await rmdir(join(other, 'ca.key'));
    await expect(loadOrCreateClusterCa(other)).rejects.toThrow(/is incomplete: .*ca\.key is missing/);
  });
});
