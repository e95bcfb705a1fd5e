import { mkdtemp, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesGcmCodec, loadOrCreateEncryptionKey } from './secret-encryption.ts';

describe('Secret encryption at rest', () => {
  it('seals with a fresh nonce per write under the EncryptionConfiguration prefix, and opens it again', () => {
    const codec = aesGcmCodec(randomBytes(32));
    const a = codec.seal('{"data":"x"}');
    const b = codec.seal('{"data":"x"}');
    expect(a).toMatch(/^k8s:enc:aesgcm:v1:key1:/);
    expect(a).not.toBe(b);
    expect(codec.open(a)).toBe('{"data":"x"}');
    expect(codec.open('{"plain":true}')).toBe('{"plain":true}');
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const sealed = aesGcmCodec(randomBytes(32)).seal('secret');
    expect(() => aesGcmCodec(randomBytes(32)).open(sealed)).toThrow(/same key file/);
    const codec = aesGcmCodec(randomBytes(32));
    const good = codec.seal('secret');
    const bytes = Buffer.from(good.slice('k8s:enc:aesgcm:v1:key1:'.length), 'base64');
    bytes[14]! ^= 1;
    expect(() => codec.open(`k8s:enc:aesgcm:v1:key1:${bytes.toString('base64')}`)).toThrow(/cannot be decrypted/);
  });

  it('creates the key file 0600 once and reads the same key after; refuses one others can read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capstan-key-'));
    try {
      const path = join(dir, 'state', 'encryption-key');
      const key = loadOrCreateEncryptionKey(path);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(loadOrCreateEncryptionKey(path).equals(key)).toBe(true);
      const open = join(dir, 'open-key');
      await writeFile(open, randomBytes(32).toString('base64'));
      await chmod(open, 0o644);
      expect(() => loadOrCreateEncryptionKey(open)).toThrow(/chmod 600/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
