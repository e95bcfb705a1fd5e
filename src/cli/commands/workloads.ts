import { Option, type Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { CliError } from '../cli-error.ts';
import { KIND_INFO, parseResourceArgs, type CliKind } from '../kinds.ts';
import { collect, integerOption, parseKeyValues, serverDryRunOption } from '../options.ts';
import { servicePorts } from '../printers.ts';
import { withSession, type CliIo } from '../session.ts';

/** `KIND NAME` or `KIND/NAME` naming exactly one object. */
export function oneObject(args: string[], verb: string): { kind: CliKind; name: string } {
  const refs = parseResourceArgs(args);
  if (refs.length !== 1 || refs[0]!.name === undefined)
    throw new CliError(`${verb} needs exactly one object: KIND NAME or KIND/NAME`);
  return refs[0] as { kind: CliKind; name: string };
}

function toPairs(map: Record<string, string>): sdk.KeyValueInput[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

interface RunFlags {
  image: string;
  port?: number;
  replicas?: number;
  labels?: string[];
  env?: string[];
  command?: boolean;
  imagePullPolicy?: sdk.ImagePullPolicy;
  restart?: sdk.RestartPolicy;
  dryRun?: boolean;
}

export function registerWorkloadCommands(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'Run an image as a Deployment, or as a single Pod with --restart Never|OnFailure (labels run=NAME unless --labels is given)',
    )
    .argument('<name>', 'name of the Deployment (or Pod) and its container')
    .argument('[args...]', 'arguments for the container (after --), or its command with --command')
    .requiredOption('--image <image>', 'container image, e.g. capstan/hello')
    .option('--port <port>', 'container port to declare', integerOption('--port', 1, 65_535))
    .option('--replicas <n>', 'number of pods', integerOption('--replicas', 0))
    .option('--labels <labels>', 'labels, e.g. app=web,tier=front; repeatable', collect)
    .option('--env <KEY=VALUE>', 'environment variable; repeatable', collect)
    .option('--command', 'use the arguments after -- as the command instead of as args')
    .addOption(
      new Option('--image-pull-policy <policy>', 'image pull policy').choices(['Always', 'IfNotPresent', 'Never']),
    )
    .addOption(
      new Option(
        '--restart <policy>',
        "the pod's restart policy: Always makes a Deployment, Never or OnFailure a single Pod (as kubectl run did)",
      ).choices(['Always', 'OnFailure', 'Never']),
    )
    .addOption(serverDryRunOption('validate on the server, create nothing'))
    .addHelpText(
      'after',
      `
Examples:
  capstan run web --image capstan/hello --port 80 --replicas 3
  capstan run client --image capstan/busybox --restart Never --command -- sleep 3600
  capstan run web --image capstan/hello --port 8080 --env PORT=8080 --labels app=web,tier=front
  capstan run box --image capstan/busybox --command -- sh -c 'while true; do date; sleep 5; done'`,
    )
    .action(
      withSession(io, async (session, name: string, args: string[], flags: RunFlags) => {
        const env = Object.entries(parseKeyValues(flags.env ?? [], '--env', /\n/)).map(([key, value]) => ({
          name: key,
          value,
        }));
        const labels = toPairs(parseKeyValues(flags.labels ?? [], '--labels'));
        if (flags.restart === 'Never' || flags.restart === 'OnFailure') {
          if (flags.replicas !== undefined)
            throw new CliError(`--replicas applies to a Deployment; --restart ${flags.restart} runs a single Pod`);
          const { createPod } = await session.api().request(sdk.CreatePodDocument, {
            pod: {
              metadata: {
                name,
                namespace: session.settings.namespace,
                labels: labels.length ? labels : [{ key: 'run', value: name }],
              },
              spec: {
                restartPolicy: flags.restart,
                containers: [
                  {
                    name,
                    image: flags.image,
                    ...(flags.port !== undefined ? { ports: [{ containerPort: flags.port }] } : {}),
                    ...(env.length ? { env } : {}),
                    ...(args.length ? (flags.command ? { command: args } : { args }) : {}),
                    ...(flags.imagePullPolicy ? { imagePullPolicy: flags.imagePullPolicy } : {}),
                  },
                ],
              },
            },
            dryRun: flags.dryRun ?? false,
          });
          session.out(`pod/${createPod.metadata.name} created${flags.dryRun ? ' (server dry run)' : ''}`);
          return;
        }
        const { run } = await session.api().request(sdk.RunDocument, {
          namespace: session.settings.namespace,
          name,
          image: flags.image,
          port: flags.port,
          replicas: flags.replicas,
          ...(labels.length ? { labels } : {}),
          ...(env.length ? { env } : {}),
          ...(args.length ? (flags.command ? { command: args } : { args }) : {}),
          imagePullPolicy: flags.imagePullPolicy,
          dryRun: flags.dryRun ?? false,
        });
        session.out(`deployment.apps/${run.metadata.name} created${flags.dryRun ? ' (server dry run)' : ''}`);
      }),
    );

  program
    .command('scale')
    .description('Set the number of replicas of a ReplicationController or Deployment')
    .argument('<args...>', 'KIND NAME or KIND/NAME (rc, deploy)')
    .requiredOption('--replicas <n>', 'the new number of replicas', integerOption('--replicas', 0))
    .addOption(serverDryRunOption('validate on the server, change nothing'))
    .addHelpText(
      'after',
      '\nExamples:\n  capstan scale deploy web --replicas 5\n  capstan scale rc/backend --replicas 0',
    )
    .action(
      withSession(io, async (session, args: string[], flags: { replicas: number; dryRun?: boolean }) => {
        const ref = oneObject(args, 'scale');
        if (ref.kind !== 'Deployment' && ref.kind !== 'ReplicationController') {
          throw new CliError(
            `cannot scale ${KIND_INFO[ref.kind].resource}: only deployments and replicationcontrollers scale`,
          );
        }
        await session.api().request(sdk.ScaleDocument, {
          kind: ref.kind,
          namespace: session.settings.namespace,
          name: ref.name,
          replicas: flags.replicas,
          dryRun: flags.dryRun ?? false,
        });
        session.out(`${KIND_INFO[ref.kind].resource}/${ref.name} scaled${flags.dryRun ? ' (server dry run)' : ''}`);
      }),
    );

  program
    .command('expose')
    .description('Create a Service for the pods of a Pod, ReplicationController, Deployment or Service')
    .argument('<args...>', 'KIND NAME or KIND/NAME (pod, rc, deploy, svc)')
    .option(
      '--port <port>',
      "service port (default: the workload's only container port)",
      integerOption('--port', 1, 65_535),
    )
    .option('--target-port <port>', 'container port number or name (default: the container port)')
    .addOption(new Option('--type <type>', 'service type').choices(['ClusterIP', 'NodePort', 'LoadBalancer']))
    .option('--name <name>', 'service name (default: the workload name)')
    .option(
      '--node-port <port>',
      'node port for NodePort/LoadBalancer (default: allocated)',
      integerOption('--node-port', 1, 65_535),
    )
    .addOption(new Option('--protocol <protocol>', 'port protocol').choices(['TCP', 'UDP']))
    .addOption(serverDryRunOption('validate on the server, create nothing'))
    .addHelpText(
      'after',
      '\nExamples:\n  capstan expose deploy web --port 80 --type NodePort\n  capstan expose rc backend --port 80 --target-port 8080 --name api',
    )
    .action(
      withSession(
        io,
        async (
          session,
          args: string[],
          flags: {
            port?: number;
            targetPort?: string;
            type?: sdk.ServiceType;
            name?: string;
            nodePort?: number;
            protocol?: sdk.Protocol;
            dryRun?: boolean;
          },
        ) => {
          const ref = oneObject(args, 'expose');
          if (!['Pod', 'ReplicationController', 'Deployment', 'Service'].includes(ref.kind)) {
            throw new CliError(`cannot expose ${KIND_INFO[ref.kind].resource}: expose a pod, rc, deploy or svc`);
          }
          const targetPort =
            flags.targetPort === undefined
              ? undefined
              : /^\d+$/.test(flags.targetPort)
                ? Number(flags.targetPort)
                : flags.targetPort;
          const { expose } = await session.api().request(sdk.ExposeDocument, {
            kind: ref.kind as sdk.ExposableKind,
            namespace: session.settings.namespace,
            name: ref.name,
            port: flags.port,
            targetPort,
            type: flags.type,
            serviceName: flags.name,
            nodePort: flags.nodePort,
            protocol: flags.protocol,
            dryRun: flags.dryRun ?? false,
          });
          const ports = servicePorts(expose.spec?.ports);
          session.out(
            `service/${expose.metadata.name} exposed${flags.dryRun ? ' (server dry run)' : ''} (${expose.spec?.type ?? 'ClusterIP'} ${ports})`,
          );
        },
      ),
    );
}
