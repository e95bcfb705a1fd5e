import type { Command } from 'commander';
import { REVISION_ANNOTATION } from '../../controllers/deployment-revisions.ts';
import * as sdk from '../../sdk/browser.ts';
import { CapstanClientError } from '../../sdk/browser.ts';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import { notFound } from '../kinds.ts';
import { integerOption, serverDryRunOption } from '../options.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { renderTable } from '../table.ts';
import { deploymentReadiness, parseDuration, waitUntil } from '../wait.ts';
import { oneObject } from './workloads.ts';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** A request about Deployment `name`, whose NOT_FOUND is kubectl's `Error from server (NotFound): ...` line. */
async function found<T>(name: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof CapstanClientError && err.code === 'NOT_FOUND') throw notFound('Deployment', name);
    throw err;
  }
}

function deploymentName(args: string[], verb: string): string {
  const ref = oneObject(args, `rollout ${verb}`);
  if (ref.kind !== 'Deployment') throw new CliError(`rollout ${verb} works on deployments, not ${ref.kind}s`);
  return ref.name;
}

async function setPaused(session: Session, name: string, paused: boolean): Promise<void> {
  const { deployment } = await found(
    name,
    session.api().request(sdk.GetDeploymentDocument, { namespace: session.settings.namespace, name }),
  );
  if (!deployment) throw notFound('Deployment', name);
  const verb = paused ? 'paused' : 'resumed';
  if (Boolean(deployment.spec?.paused) === paused) {
    session.out(`deployment.apps/${name} ${paused ? 'is already paused' : 'is not paused'}`);
    return;
  }
  const shapes = capstanShapes();
  const input = shapes.manifestToInput('Deployment', shapes.toManifest(deployment)) as unknown as sdk.DeploymentInput;
  input.spec.paused = paused;
  await session.api().request(sdk.UpdateDeploymentDocument, {
    deployment: input,
    expectedResourceVersion: deployment.metadata.resourceVersion,
  });
  session.out(`deployment.apps/${name} ${verb}`);
}

/**
 * kubectl rollout restart: the server's `rolloutRestart` stamps the pod template with the time (one compare-and-set,
 * re-read on conflict there), so the Deployment rolls every pod over to a new ReplicationController under its
 * rollout strategy. A missing or paused Deployment is refused first, in kubectl's words.
 */
async function restart(session: Session, name: string): Promise<void> {
  const namespace = session.settings.namespace;
  const { deployment } = await found(name, session.api().request(sdk.GetDeploymentDocument, { namespace, name }));
  if (!deployment) throw notFound('Deployment', name);
  if (deployment.spec?.paused) {
    throw new CliError(`deployments.apps "${name}" can't restart paused deployment (run rollout resume first)`);
  }
  await session.api().request(sdk.RolloutRestartDocument, { namespace, name });
  session.out(`deployment.apps/${name} restarted`);
}

export function registerRolloutCommand(program: Command, io: CliIo): void {
  const rollout = program
    .command('rollout')
    .description('Manage the rollout of a Deployment: status, history, undo, pause, resume, restart');

  rollout
    .command('status')
    .description('Wait for a rollout to finish, showing its progress')
    .argument('<args...>', 'deploy NAME or deploy/NAME')
    .option('--timeout <duration>', 'give up after this long', '5m')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan rollout status deploy/web\n  capstan rollout status deployment web --timeout 2m',
    )
    .action(
      withSession(io, async (session, args: string[], flags: { timeout: string }) => {
        const name = deploymentName(args, 'status');
        await waitUntil(
          session,
          { kind: 'Deployment', name },
          (o) => deploymentReadiness(o as sdk.DeploymentFieldsFragment),
          parseDuration(flags.timeout),
        );
      }),
    );

  rollout
    .command('history')
    .description('List the revisions of a Deployment')
    .argument('<args...>', 'deploy NAME or deploy/NAME')
    .addHelpText('after', '\nExamples:\n  capstan rollout history deploy/web')
    .action(
      withSession(io, async (session, args: string[]) => {
        const name = deploymentName(args, 'history');
        const { deployment } = await found(
          name,
          session.api().request(sdk.DeploymentHistoryDocument, { namespace: session.settings.namespace, name }),
        );
        if (!deployment) throw notFound('Deployment', name);
        const rows = deployment.replicationControllers
          .map((rc) => {
            const annotations = new Map(rc.metadata.annotations.map((a) => [a.key, a.value]));
            const images = rc.spec?.template.spec.containers.map((c) => c.image).join(',') ?? '';
            return {
              revision: Number(annotations.get(REVISION_ANNOTATION) ?? 0),
              cause: annotations.get(CHANGE_CAUSE) ?? '<none>',
              images,
            };
          })
          .filter((r) => r.revision > 0)
          .sort((a, b) => a.revision - b.revision);
        session.out(`deployment.apps/${name}`);
        session.out(
          renderTable(
            ['REVISION', 'IMAGES', 'CHANGE-CAUSE'],
            rows.map((r) => [String(r.revision), r.images, r.cause]),
          ),
        );
      }),
    );

  rollout
    .command('undo')
    .description('Roll back to the previous revision, or to --to-revision')
    .argument('<args...>', 'deploy NAME or deploy/NAME')
    .option(
      '--to-revision <n>',
      'revision to roll back to (default: the previous one)',
      integerOption('--to-revision', 1),
    )
    .addOption(serverDryRunOption('validate on the server, change nothing'))
    .addHelpText(
      'after',
      '\nExamples:\n  capstan rollout undo deploy/web\n  capstan rollout undo deploy/web --to-revision 2',
    )
    .action(
      withSession(io, async (session, args: string[], flags: { toRevision?: number; dryRun?: boolean }) => {
        const name = deploymentName(args, 'undo');
        const namespace = session.settings.namespace;
        const { deployment } = await found(name, session.api().request(sdk.GetDeploymentDocument, { namespace, name }));
        if (!deployment) throw notFound('Deployment', name);
        if (deployment.spec?.paused) {
          throw new CliError(
            `you cannot rollback a paused deployment; resume it first with 'capstan rollout resume deployment/${name}' and try again`,
          );
        }
        const { rolloutUndo } = await found(
          name,
          session.api().request(sdk.RolloutUndoDocument, {
            namespace,
            name,
            toRevision: flags.toRevision,
            dryRun: flags.dryRun ?? false,
          }),
        );
        // kubectl: `deployment.apps/web rolled back`, or `... skipped rollback (current template already matches
        // revision 2)` when nothing was written.
        const said = rolloutUndo.rolledBack ? 'rolled back' : rolloutUndo.message;
        session.out(`deployment.apps/${name} ${said}${flags.dryRun ? ' (server dry run)' : ''}`);
      }),
    );

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    rollout
      .command(verb)
      .description(paused ? 'Stop rolling out template changes until resumed' : 'Resume a paused rollout')
      .argument('<args...>', 'deploy NAME or deploy/NAME')
      .addHelpText('after', `\nExamples:\n  capstan rollout ${verb} deploy/web`)
      .action(withSession(io, (session, args: string[]) => setPaused(session, deploymentName(args, verb), paused)));
  }

  rollout
    .command('restart')
    .description('Replace every pod of a Deployment through a rolling update (its template gets restartedAt)')
    .argument('<args...>', 'deploy NAME or deploy/NAME')
    .addHelpText('after', '\nExamples:\n  capstan rollout restart deploy/web\n  capstan rollout status deploy/web')
    .action(withSession(io, (session, args: string[]) => restart(session, deploymentName(args, 'restart'))));
}
