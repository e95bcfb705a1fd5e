import type { Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { parseImageArgs } from '../change-args.ts';
import { CliError } from '../cli-error.ts';
import { KIND_INFO, parseResourceArgs } from '../kinds.ts';
import { withSession, type CliIo } from '../session.ts';
import { dryRunOption, dryRunSuffix } from './label.ts';

const IMAGE_KINDS: readonly string[] = ['Deployment', 'ReplicationController', 'Pod'] satisfies sdk.ImageKind[];

export function registerSetCommands(program: Command, io: CliIo): void {
  const set = program
    .command('set')
    .description('Change one aspect of existing objects')
    .addHelpText('after', '\nExamples:\n  capstan set image deployment/web web=capstan/hello:2');

  set
    .command('image')
    .description('Change container images of Deployments, ReplicationControllers or Pods')
    .argument('<args...>', 'KIND NAME or KIND/NAME..., then CONTAINER=IMAGE (or *=IMAGE for every container)')
    .addOption(dryRunOption('show the result without changing anything'))
    .addHelpText(
      'after',
      `
A Deployment rolls the new image out (follow it with "capstan rollout status"); a ReplicationController's
existing pods keep their images, as in Kubernetes.

Examples:
  capstan set image deployment/web web=capstan/hello:2
  capstan set image deploy web '*=capstan/hello:2'
  capstan set image rc/backend backend=capstan/hello:2 --dry-run=server`,
    )
    .action(
      withSession(io, async (session, args: string[], flags: { dryRun?: string }) => {
        const { resources, images } = parseImageArgs(args);
        const refs = parseResourceArgs(resources);
        for (const ref of refs) {
          if (ref.name === undefined) throw new CliError('set image needs KIND NAME or KIND/NAME');
          if (!IMAGE_KINDS.includes(ref.kind)) {
            throw new CliError(
              `cannot set the image of ${KIND_INFO[ref.kind].resource}: only deployments, replicationcontrollers ` +
                'and pods have images',
            );
          }
        }
        for (const ref of refs) {
          const { setImage } = await session.api().request(sdk.SetImageDocument, {
            kind: ref.kind as sdk.ImageKind,
            namespace: session.settings.namespace,
            name: ref.name!,
            images,
            dryRun: flags.dryRun === 'server' || flags.dryRun === 'client',
          });
          const said = setImage.changed ? 'image updated' : 'image unchanged';
          session.out(`${KIND_INFO[ref.kind].resource}/${ref.name} ${said}${dryRunSuffix(flags.dryRun)}`);
        }
      }),
    );
}
