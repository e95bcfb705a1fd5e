import type { Command } from 'commander';
import * as sdk from '../../sdk/index.ts';
import { integerOption } from '../options.ts';
import { withSession, type CliIo } from '../session.ts';

export function registerLogsCommand(program: Command, io: CliIo): void {
  program
    .command('logs')
    .description("Print a pod container's output")
    .argument('<pod>', 'pod name (or pod/NAME)')
    .option('-c, --container <name>', 'container (required when the pod has several)')
    .option('-f, --follow', 'keep printing new lines until interrupted or the container stops')
    .option('--tail <lines>', 'start with only the last N lines', integerOption('--tail', 0))
    .option('--timestamps', 'prefix each line with its timestamp')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan logs web-7d4b9-x2x1\n  capstan logs web-7d4b9-x2x1 -c sidecar --tail 20\n  capstan logs -f pod/web-7d4b9-x2x1',
    )
    .action(
      withSession(
        io,
        async (
          session,
          pod: string,
          flags: { container?: string; follow?: boolean; tail?: number; timestamps?: boolean },
        ) => {
          const name = pod.replace(/^(po|pod|pods)\//, '');
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
