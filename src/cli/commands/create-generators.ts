import * as sdk from '../../sdk/index.ts';
import { CliError } from '../cli-error.ts';
import { KIND_INFO, lookupKind } from '../kinds.ts';
import type { Session } from '../session.ts';

/** Flags of `capstan create TYPE NAME` (kubectl's create generators). */
export interface GeneratorFlags {
  image?: string;
  replicas?: number;
  port?: number;
  dryRun?: boolean;
}

const USAGE =
  'create takes -f FILE, or one of: "create namespace NAME", "create deployment NAME --image=IMAGE [--replicas=N] [--port=N]"';

/**
 * `capstan create namespace NAME` and `capstan create deployment NAME --image=IMAGE`, as kubectl's: a Namespace, or
 * a Deployment of one container labelled app=NAME (where `run` labels run=NAME).
 */
export async function createFromArguments(session: Session, args: string[], flags: GeneratorFlags): Promise<void> {
  const [type, name, ...rest] = args;
  const kind = type === undefined ? undefined : lookupKind(type);
  if (!name || rest.length > 0 || (kind !== 'Namespace' && kind !== 'Deployment')) throw new CliError(USAGE);
  const suffix = flags.dryRun ? ' (server dry run)' : '';
  if (kind === 'Namespace') {
    for (const flag of ['image', 'replicas', 'port'] as const) {
      if (flags[flag] !== undefined) throw new CliError(`--${flag} does not apply to create namespace`);
    }
    await session.api().request(sdk.CreateNamespaceDocument, {
      namespace: { metadata: { name } },
      dryRun: flags.dryRun ?? false,
    });
    session.out(`${KIND_INFO.Namespace.resource}/${name} created${suffix}`);
    return;
  }
  if (!flags.image) throw new CliError('create deployment needs --image=IMAGE');
  await session.api().request(sdk.RunDocument, {
    namespace: session.settings.namespace,
    name,
    image: flags.image,
    replicas: flags.replicas,
    port: flags.port,
    labels: [{ key: 'app', value: name }],
    dryRun: flags.dryRun ?? false,
  });
  session.out(`${KIND_INFO.Deployment.resource}/${name} created${suffix}`);
}
