import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import { BOOTSTRAP_TOKEN_PATTERN } from '../auth/tokens.ts';
import { createCapstanClient, graphqlEndpoint, type CapstanDocument } from '../sdk/client.ts';
import type { Logger } from '../util/logger.ts';
import { toCapstanError } from './errors.ts';
import { JOIN_NODE } from './operations.ts';

export interface NodeCredentialOptions {
  /** The API server URL. */
  server: string;
  /** A bootstrap token (exchanged for a node credential) or a node credential (used as it is). */
  token: string;
  nodeName: string;
  /** Where node credentials are kept. Default ~/.capstan. */
  dir?: string;
  /** Whether a credential works; a saved one that does not is replaced by a new join. */
  verify?: (credential: string) => Promise<void>;
  logger?: Logger;
}

interface SavedCredential {
  server: string;
  nodeName: string;
  token: string;
  tokenName?: string;
}

/** `~/.capstan/node-<name>.yaml`: the credential a node got when it joined, reused when its agent restarts. */
export function nodeCredentialPath(nodeName: string, dir = join(homedir(), '.capstan')): string {
  return join(dir, `node-${nodeName}.yaml`);
}

async function readSaved(path: string): Promise<SavedCredential | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CapstanError('UNAVAILABLE', `cannot read the node credential ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const saved = parse(text) as Partial<SavedCredential> | null;
  if (!saved?.token || !saved.server || !saved.nodeName) return undefined;
  return saved as SavedCredential;
}

async function save(path: string, dir: string, credential: SavedCredential): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, stringify(credential), { mode: 0o600 });
  // The mode of writeFile applies only to a new file.
  await chmod(path, 0o600);
}

async function joinCluster(options: NodeCredentialOptions): Promise<{ token: string; name: string }> {
  const client = createCapstanClient({ url: options.server, token: options.token });
  try {
    const { joinNode } = await client.request(
      new String(JOIN_NODE) as CapstanDocument<{ joinNode: { token: string; name: string } }, { nodeName: string }>,
      { nodeName: options.nodeName },
    );
    return joinNode;
  } catch (err) {
    const error = toCapstanError(err);
    const refused = error.code === 'UNAUTHENTICATED' ? 'the server refused the bootstrap token: ' : '';
    throw new CapstanError(
      error.code,
      `cannot join ${client.endpoint} as node ${options.nodeName}: ${refused}${error.message}`,
      { cause: err },
    );
  } finally {
    await client.close();
  }
}

/**
 * The node credential to run with. A bootstrap token (kubeadm format) is exchanged once through `joinNode` and the
 * credential saved (mode 0600) so that a restarted agent reuses it, even after the bootstrap token expired; any
 * other token is taken to be a node credential already. Throws CapstanError with the server's reason when the
 * join is refused (unknown or expired token: UNAUTHENTICATED).
 */
export async function obtainNodeCredential(options: NodeCredentialOptions): Promise<string> {
  if (!BOOTSTRAP_TOKEN_PATTERN.test(options.token.trim())) return options.token.trim();
  const dir = options.dir ?? join(homedir(), '.capstan');
  const path = nodeCredentialPath(options.nodeName, dir);
  const server = graphqlEndpoint(options.server);
  const saved = await readSaved(path);
  if (saved && saved.server === server && saved.nodeName === options.nodeName) {
    try {
      await options.verify?.(saved.token);
      options.logger?.info({ path }, 'using the saved node credential');
      return saved.token;
    } catch (err) {
      if (!isCapstanError(err, 'UNAUTHENTICATED')) throw err;
      options.logger?.warn({ path }, 'the saved node credential was refused; joining again with the bootstrap token');
    }
  }
  const credential = await joinCluster(options);
  await save(path, dir, { server, nodeName: options.nodeName, token: credential.token, tokenName: credential.name });
  options.logger?.info({ path, token: credential.name }, 'joined the cluster; node credential saved');
  return credential.token;
}
