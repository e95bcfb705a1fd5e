import { readFile } from 'node:fs/promises';
import * as sdk from '../../sdk/browser.ts';
import { CliError } from '../cli-error.ts';
import { configMapData, dockerConfigJson, readDataSources, secretData, type DataSources } from '../config-data.ts';
import { KIND_INFO, lookupKind } from '../kinds.ts';
import type { Session } from '../session.ts';

/** Flags of `capstan create TYPE NAME` (kubectl's create generators). */
export interface GeneratorFlags extends DataSources {
  image?: string;
  replicas?: number;
  port?: number;
  dryRun?: boolean;
  type?: string;
  dockerServer?: string;
  dockerUsername?: string;
  dockerPassword?: string;
  dockerEmail?: string;
  cert?: string;
  key?: string;
}

const USAGE =
  'create takes -f FILE, or one of: "create namespace NAME", "create deployment NAME --image=IMAGE [--replicas=N] ' +
  '[--port=N] [-- COMMAND ARGS...]", "create configmap NAME --from-literal|--from-file|--from-env-file ...", "create secret generic|' +
  'docker-registry|tls NAME ..."';

const DATA_FLAGS = ['fromLiteral', 'fromFile', 'fromEnvFile'] as const;
const DOCKER_FLAGS = ['dockerServer', 'dockerUsername', 'dockerPassword', 'dockerEmail'] as const;
const FLAG_NAMES: Record<string, string> = {
  fromLiteral: '--from-literal',
  fromFile: '--from-file',
  fromEnvFile: '--from-env-file',
  dockerServer: '--docker-server',
  dockerUsername: '--docker-username',
  dockerPassword: '--docker-password',
  dockerEmail: '--docker-email',
  cert: '--cert',
  key: '--key',
  type: '--type',
  image: '--image',
  replicas: '--replicas',
  port: '--port',
};

function refuse(flags: GeneratorFlags, names: readonly (keyof GeneratorFlags)[], what: string): void {
  for (const name of names) {
    if (flags[name] !== undefined) throw new CliError(`${FLAG_NAMES[name] ?? name} does not apply to ${what}`);
  }
}

/** kubectl's default registry for `create secret docker-registry`. */
const DOCKER_HUB = 'https://index.docker.io/v1/';

async function createConfigMap(session: Session, name: string, flags: GeneratorFlags): Promise<void> {
  refuse(flags, ['image', 'replicas', 'port', 'type', ...DOCKER_FLAGS, 'cert', 'key'], 'create configmap');
  const { data, binaryData } = configMapData(await readDataSources(flags));
  await session.api().request(sdk.CreateConfigMapDocument, {
    configMap: {
      metadata: { name, namespace: session.settings.namespace },
      data: pairs(data),
      binaryData: pairs(binaryData),
    },
    dryRun: flags.dryRun ?? false,
  });
  session.out(`configmap/${name} created${flags.dryRun ? ' (server dry run)' : ''}`);
}

async function createSecret(session: Session, variant: string, name: string, flags: GeneratorFlags): Promise<void> {
  const what = `create secret ${variant}`;
  refuse(flags, ['image', 'replicas', 'port'], what);
  let type: string;
  let data: Record<string, string>;
  if (variant === 'generic') {
    refuse(flags, [...DOCKER_FLAGS, 'cert', 'key'], what);
    type = flags.type ?? 'Opaque';
    data = secretData(await readDataSources(flags));
  } else if (variant === 'docker-registry') {
    refuse(flags, [...DATA_FLAGS, 'cert', 'key', 'type'], what);
    if (!flags.dockerUsername || flags.dockerPassword === undefined) {
      throw new CliError('create secret docker-registry needs --docker-username and --docker-password');
    }
    type = 'kubernetes.io/dockerconfigjson';
    const json = dockerConfigJson({
      server: flags.dockerServer ?? DOCKER_HUB,
      username: flags.dockerUsername,
      password: flags.dockerPassword,
      ...(flags.dockerEmail ? { email: flags.dockerEmail } : {}),
    });
    data = { '.dockerconfigjson': Buffer.from(json).toString('base64') };
  } else if (variant === 'tls') {
    refuse(flags, [...DATA_FLAGS, ...DOCKER_FLAGS, 'type'], what);
    if (!flags.cert || !flags.key) throw new CliError('create secret tls needs --cert=PATH and --key=PATH');
    const read = (flag: string, path: string) =>
      readFile(path).catch(() => {
        throw new CliError(`${flag}: cannot read "${path}"`);
      });
    const [cert, key] = await Promise.all([read('--cert', flags.cert), read('--key', flags.key)]);
    if (!cert.toString().includes('-----BEGIN ')) throw new CliError(`--cert: "${flags.cert}" is not PEM`);
    if (!key.toString().includes('-----BEGIN ')) throw new CliError(`--key: "${flags.key}" is not PEM`);
    type = 'kubernetes.io/tls';
    data = { 'tls.crt': cert.toString('base64'), 'tls.key': key.toString('base64') };
  } else {
    throw new CliError('create secret takes generic, docker-registry or tls: "create secret generic NAME ..."');
  }
  await session.api().request(sdk.CreateSecretDocument, {
    secret: { metadata: { name, namespace: session.settings.namespace }, type, data: pairs(data) },
    dryRun: flags.dryRun ?? false,
  });
  session.out(`secret/${name} created${flags.dryRun ? ' (server dry run)' : ''}`);
}

function pairs(map: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

/**
 * `capstan create namespace NAME` and `capstan create deployment NAME --image=IMAGE`, as kubectl's: a Namespace, or
 * a Deployment of one container labelled app=NAME (where `run` labels run=NAME).
 */
export async function createFromArguments(session: Session, args: string[], flags: GeneratorFlags): Promise<void> {
  const [type, name, ...rest] = args;
  const kind = type === undefined ? undefined : lookupKind(type);
  if (kind === 'ConfigMap' && name && rest.length === 0) return createConfigMap(session, name, flags);
  if (kind === 'Secret' && name && rest.length === 1) return createSecret(session, name, rest[0]!, flags);
  if (kind === 'Secret') throw new CliError('usage: create secret generic|docker-registry|tls NAME [flags]');
  // `create deployment NAME --image=I -- COMMAND ARGS...`: what follows the name is the container's command.
  if (!name || (rest.length > 0 && kind !== 'Deployment') || (kind !== 'Namespace' && kind !== 'Deployment'))
    throw new CliError(USAGE);
  const suffix = flags.dryRun ? ' (server dry run)' : '';
  if (kind === 'Namespace') {
    refuse(flags, ['image', 'replicas', 'port'], 'create namespace');
    await session.api().request(sdk.CreateNamespaceDocument, {
      namespace: { metadata: { name } },
      dryRun: flags.dryRun ?? false,
    });
    session.out(`${KIND_INFO.Namespace.resource}/${name} created${suffix}`);
    return;
  }
  refuse(flags, ['type', ...DATA_FLAGS, ...DOCKER_FLAGS, 'cert', 'key'], 'create deployment');
  if (!flags.image) throw new CliError('create deployment needs --image=IMAGE');
  await session.api().request(sdk.RunDocument, {
    namespace: session.settings.namespace,
    name,
    image: flags.image,
    replicas: flags.replicas,
    port: flags.port,
    labels: [{ key: 'app', value: name }],
    ...(rest.length > 0 ? { command: rest } : {}),
    dryRun: flags.dryRun ?? false,
  });
  session.out(`${KIND_INFO.Deployment.resource}/${name} created${suffix}`);
}
