import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CapstanError } from '../api/errors.ts';

/**
 * Encryption at rest for Secrets, in the format of Kubernetes' EncryptionConfiguration `aesgcm` provider: the stored
 * value is `k8s:enc:aesgcm:v1:<key name>:` followed by the 12-byte nonce, the ciphertext and the 16-byte GCM tag
 * (base64 here, since Capstan's store keeps strings). A fresh random nonce per write; the key name is bound into the
 * tag as additional data so that a value cannot be replayed under another key name.
 */
export interface SecretCodec {
  /** The stored form of an object's JSON. */
  seal(plaintext: string): string;
  /** The JSON of a stored value; values without the prefix (written before encryption was on) pass through. */
  open(stored: string): string;
}

export const ENCRYPTION_PREFIX = 'k8s:enc:aesgcm:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** AES-256-GCM with one named key (Kubernetes names the first key `key1`). */
export function aesGcmCodec(key: Buffer, keyName = 'key1'): SecretCodec {
  if (key.length !== KEY_BYTES) throw new CapstanError('INVALID', `the encryption key must be ${KEY_BYTES} bytes`);
  const prefix = `${ENCRYPTION_PREFIX}${keyName}:`;
  const aad = Buffer.from(prefix);
  return {
    seal(plaintext) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return prefix + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
    },
    open(stored) {
      if (!stored.startsWith(ENCRYPTION_PREFIX)) return stored;
      if (!stored.startsWith(prefix)) {
        const name = stored.slice(ENCRYPTION_PREFIX.length).split(':')[0];
        throw new CapstanError(
          'UNAVAILABLE',
          `a stored Secret is encrypted with key "${name}", this server has only "${keyName}": every server of a cluster needs the same key file`,
        );
      }
      const raw = Buffer.from(stored.slice(prefix.length), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
        decipher.setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (err) {
        throw new CapstanError(
          'UNAVAILABLE',
          "a stored Secret cannot be decrypted with this server's key: every server of a cluster needs the same key file",
          { cause: err },
        );
      }
    },
  };
}

/** Reads a store value that may be sealed when no key is configured: sealed values are an error, others pass. */
export const NO_ENCRYPTION: SecretCodec = {
  seal: (plaintext) => plaintext,
  open(stored) {
    if (stored.startsWith(ENCRYPTION_PREFIX)) {
      throw new CapstanError('UNAVAILABLE', 'a stored Secret is encrypted and this process has no encryption key');
    }
    return stored;
  },
};

/**
 * The cluster's encryption key from `path` (32 random bytes, base64, as EncryptionConfiguration's `secret`),
 * created with mode 0600 at first start. Creation is atomic (written beside, then hard-linked into place), so
 * several servers starting at once agree on one key. A key file readable by group or others is refused.
 */
export function loadOrCreateEncryptionKey(path: string): Buffer {
  try {
    return readKey(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  return readKey(path);
}

function readKey(path: string): Buffer {
  const text = readFileSync(path, 'utf8');
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new CapstanError(
      'INVALID',
      `the encryption key file ${path} has mode 0${mode.toString(8)}: it must be readable by its owner only (chmod 600)`,
    );
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new CapstanError('INVALID', `the encryption key file ${path} must hold ${KEY_BYTES} bytes in base64`);
  }
  return key;
}
