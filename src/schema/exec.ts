import { DEFAULT_EXEC_TIMEOUT_SECONDS, execInPod, MAX_EXEC_TIMEOUT_SECONDS } from '../resolvers/exec.ts';
import type { ExecOutput } from '../resolvers/exec.ts';
import { DEFAULT_NAMESPACE } from '../resolvers/objects.ts';
import { builder } from './builder.ts';

const ExecResultRef = builder.objectRef<ExecOutput>('ExecResult').implement({
  description: 'What a command run in a container printed and how it ended.',
  fields: (t) => ({
    stdout: t.exposeString('stdout', { nullable: false, description: 'At most 1 MiB; see truncated.' }),
    stderr: t.exposeString('stderr', { nullable: false, description: 'At most 1 MiB; see truncated.' }),
    exitCode: t.exposeInt('exitCode', { description: 'Null when the command did not finish within the timeout.' }),
    timedOut: t.exposeBoolean('timedOut', {
      nullable: false,
      description: 'The command was still running at the timeout; it may live on in the container.',
    }),
    truncated: t.exposeBoolean('truncated', {
      nullable: false,
      description: 'stdout or stderr printed more than 1 MiB; the rest of it was dropped.',
    }),
  }),
});

builder.mutationFields((t) => ({
  exec: t.field({
    type: ExecResultRef,
    nullable: false,
    description:
      'Runs a command in a running container and waits for it, as kubectl exec without -i/-t (admin only). ' +
      'The command runs without a shell and without stdin.',
    args: {
      namespace: t.arg.string({ defaultValue: DEFAULT_NAMESPACE }),
      name: t.arg.string({ required: true }),
      container: t.arg.string({ description: 'Required when the pod has several containers.' }),
      command: t.arg.stringList({ required: true, description: 'The program and its arguments.' }),
      timeoutSeconds: t.arg.int({
        defaultValue: DEFAULT_EXEC_TIMEOUT_SECONDS,
        description: `How long to wait for the command, 1 to ${MAX_EXEC_TIMEOUT_SECONDS} seconds.`,
      }),
    },
    resolve: (_root, args, context) => {
      const namespace = args.namespace ?? DEFAULT_NAMESPACE;
      return execInPod(
        context.store,
        context.execSource,
        { namespace, name: args.name },
        {
          command: args.command,
          ...(args.container ? { container: args.container } : {}),
          ...(args.timeoutSeconds !== null && args.timeoutSeconds !== undefined
            ? { timeoutSeconds: args.timeoutSeconds }
            : {}),
        },
      );
    },
  }),
}));
