import type { Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { CliError } from '../cli-error.ts';
import { parseLogTarget, pickPod, workloadSelector } from '../log-target.ts';
import { integerOption } from '../options.ts';
import { KIND_API } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';

/**
 * The pod to read: the named one, or for `deployment/NAME` and `rc/NAME` one of the workload's pods, picked as
 * kubectl does and said on stderr when there was a choice. `action` names what is done with it in errors.
 */
export async function podToRead(session: Session, arg: string, action?: string): Promise<string> {
  const target = parseLogTarget(arg, action);
  if (target.kind === 'Pod') return target.name;
  const namespace = session.settings.namespace;
  const workload = (await KIND_API[target.kind].get(session.api(), namespace, target.name)) as
    sdk.DeploymentFieldsFragment | sdk.ReplicationControllerFieldsFragment | null;
  const ref = `${target.kind === 'Deployment' ? 'deployment' : 'replicationcontroller'}/${target.name}`;
  if (!workload) throw new CliError(`${ref} not found in namespace ${namespace}`);
  const { items } = await KIND_API.Pod.list(session.api(), {
    namespace,
    labelSelector: workloadSelector(workload),
  });
  const pods = items as sdk.PodFieldsFragment[];
  const pod = pickPod(pods);
  if (!pod) throw new CliError(`${ref} has no pods in namespace ${namespace}`);
  if (pods.length > 1) session.err(`Found ${pods.length} pods, using pod/${pod.metadata.name}`);
  return pod.metadata.name;
}

export function registerLogsCommand(program: Command, io: CliIo): void {
  program
    .command('logs')
    .description("Print a pod container's output")
    .argument('<pod>', 'pod name, pod/NAME, or deployment/NAME or rc/NAME for one of its pods')
    .option('-c, --container <name>', 'container (required when the pod has several)')
    .option('-f, --follow', 'keep printing new lines until interrupted or the container stops')
    .option('--tail <lines>', 'start with only the last N lines', integerOption('--tail', 0))
    .option('--timestamps', 'prefix each line with its timestamp')
    .option(
      '--all-pods',
      'for deployment/NAME: every container of every pod, prefixed [pod/container] (the default with -f)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  capstan logs web-7d4b9-x2x1\n  capstan logs web-7d4b9-x2x1 -c sidecar --tail 20\n  capstan logs -f pod/web-7d4b9-x2x1\n  capstan logs deployment/web --tail 5' +
        '\n  capstan logs -f deployment/web         # all its pods and containers; new pods join',
    )
    .action(
      withSession(
        io,
        async (
          session,
          pod: string,
          flags: { container?: string; follow?: boolean; tail?: number; timestamps?: boolean; allPods?: boolean },
        ) => {
          const target = parseLogTarget(pod);
          if (target.kind === 'Deployment' && (flags.follow || flags.allPods)) {
            return printDeploymentLogs(session, target.name, flags);
          }
          const name = await podToRead(session, pod);
          const stream = session.api().subscribe(sdk.PodLogsDocument, {
            namespace: session.settings.namespace,
            name,
            container: flags.container,
            follow: flags.follow ?? false,
            tailLines: flags.tail,
          });
          const stop = () => void stream.close();
          process.once('SIGINT', stop);
          try {
            for await (const { podLogs: line } of stream) {
              session.out(flags.timestamps && line.timestamp ? `${line.timestamp} ${line.text}` : line.text);
            }
          } finally {
            process.off('SIGINT', stop);
          }
        },
      ),
    );
}

/**
 * `logs -f deployment/NAME`: every container of every pod of the Deployment, each line prefixed `[pod/container]`,
 * pods created later joining (the API's deploymentLogs). kubectl follows one pod here; this follows them all.
 */
async function printDeploymentLogs(
  session: Session,
  name: string,
  flags: { container?: string; follow?: boolean; tail?: number; timestamps?: boolean },
): Promise<void> {
  const namespace = session.settings.namespace;
  const uidOf = async (): Promise<string | undefined> => {
    try {
      const deployment = await KIND_API.Deployment.get(session.api(), namespace, name);
      return (deployment as sdk.DeploymentFieldsFragment | null)?.metadata.uid ?? undefined;
    } catch (err) {
      if (sdk.isCapstanClientError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  };
  const uid = flags.follow ? await uidOf() : undefined;
  if (flags.follow && !uid) throw new CliError(`deployment/${name} not found in namespace ${namespace}`);
  const stream = session.api().subscribe(sdk.DeploymentLogsDocument, {
    namespace: session.settings.namespace,
    name,
    container: flags.container,
    follow: flags.follow ?? false,
    tailLines: flags.tail,
  });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    void stream.close();
  };
  process.once('SIGINT', stop);
  try {
    for await (const { deploymentLogs: line } of stream) {
      const text = `[${line.pod}/${line.container}] ${line.text}`;
      session.out(flags.timestamps && line.timestamp ? `${line.timestamp} ${text}` : text);
    }
    // A followed stream ends by itself when the Deployment is deleted (its pods printed to their end), as kubectl's
    // -f ends when its pod goes.
    if (flags.follow && !interrupted && (await uidOf()) !== uid) {
      session.err(`deployment/${name} was deleted in namespace ${namespace}: no more logs`);
    }
  } catch (err) {
    if (sdk.isCapstanClientError(err, 'NOT_FOUND')) {
      throw new CliError(`deployment/${name} not found in namespace ${namespace}`);
    }
    throw err;
  } finally {
    process.off('SIGINT', stop);
  }
}
