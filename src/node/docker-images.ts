import type Docker from 'dockerode';
import { CapstanError } from '../api/errors.ts';
import { dockerMessage, isDockerNotFound, wrapDockerError } from './docker-errors.ts';
import { JsonLinesDecoder, chunks } from './docker-streams.ts';
import { ImagePullError } from './runtime.ts';
import type { RegistryAuth } from './pod-config.ts';
import type { ImageInfo, PullPolicy } from './runtime.ts';

export interface ImageOptions {
  /** Upper bound for one pull, connection set-up included. */
  pullTimeoutMs: number;
  /**
   * Whether a reference without a registry host (Docker Hub) may be pulled. Off by default: no registry is
   * reachable from Capstan's nodes and such a pull would make the engine query Docker Hub through the host's
   * resolver. With it off, `Always` uses a local copy of such an image and a missing one fails at once.
   */
  pullFromDockerHub: boolean;
  /** Registry credentials for this pull only (Docker's X-Registry-Auth header); never stored. */
  auth?: RegistryAuth;
}

// Docker's reference grammar, loosely: [host[:port]/]path[:tag][@digest], lower-case path components.
const REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** True when the reference names a registry host (`127.0.0.1:5000/x`, `registry.local/x`, `localhost/x`). */
export function hasRegistryHost(ref: string): boolean {
  const slash = ref.indexOf('/');
  if (slash < 0) return false;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

export async function imageId(client: Docker, ref: string): Promise<string | undefined> {
  try {
    const info = await client.getImage(ref).inspect();
    return info.Id;
  } catch (err) {
    if (isDockerNotFound(err)) return undefined;
    throw wrapDockerError(err, `inspect image ${ref}`);
  }
}

/** Makes `ref` usable under `policy` (see ContainerRuntime.ensureImage). */
export async function ensureImage(
  client: Docker,
  ref: string,
  policy: PullPolicy,
  options: ImageOptions,
): Promise<ImageInfo> {
  if (!REFERENCE.test(ref)) {
    throw new ImagePullError('InvalidImageName', ref, `invalid image reference "${ref}"`);
  }
  const local = await imageId(client, ref);
  const mayPull = hasRegistryHost(ref) || options.pullFromDockerHub;
  if (local && (policy !== 'Always' || !mayPull)) return { ref, id: local, pulled: false };
  if (policy === 'Never') {
    throw new ImagePullError(
      'ErrImageNeverPull',
      ref,
      `image "${ref}" is not present on the node and imagePullPolicy is Never`,
    );
  }
  if (!mayPull) {
    throw new ImagePullError(
      'ErrImagePull',
      ref,
      `image "${ref}" is not present on the node and pulls from Docker Hub are disabled; ` +
        `load it with 'docker load' or name a reachable registry`,
    );
  }
  await pull(client, ref, options.pullTimeoutMs, options.auth);
  const id = await imageId(client, ref);
  if (!id) throw new ImagePullError('ErrImagePull', ref, `image "${ref}" is still missing after its pull`);
  return { ref, id, pulled: true };
}

async function pull(client: Docker, ref: string, timeoutMs: number, auth?: RegistryAuth): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const stream = await client.pull(ref, { abortSignal: abort.signal, ...(auth ? { authconfig: auth } : {}) });
    const decoder = new JsonLinesDecoder();
    for await (const chunk of chunks(stream, abort.signal)) {
      for (const item of decoder.push(chunk)) {
        const error = (item as { error?: string }).error;
        if (error) throw new ImagePullError('ErrImagePull', ref, `pulling image "${ref}" failed: ${error}`);
      }
    }
    if (abort.signal.aborted) throw new Error('timeout');
  } catch (err) {
    if (err instanceof CapstanError) throw err;
    const detail = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : dockerMessage(err);
    throw new ImagePullError('ErrImagePull', ref, `pulling image "${ref}" failed: ${detail}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
