import { createServer, type Server, type Socket } from 'node:net';
import type { Command } from 'commander';
import { selectorFromSet } from '../../labels/selector.ts';
import * as sdk from '../../sdk/index.ts';
import { CliError } from '../cli-error.ts';
import { pickPod } from '../log-target.ts';
import { parsePortSpec, podPort, servicePort, type PortSpec } from '../port-forward-ports.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { podToRead } from './logs.ts';
import { streamConnection } from './streams.ts';

interface Target {
  pod: sdk.PodFieldsFragment;
  /** The pod's port for each spec, in order. */
  ports: number[];
}

async function getPod(session: Session, name: string): Promise<sdk.PodFieldsFragment> {
  const { pod } = await session.api().request(sdk.GetPodDocument, { namespace: session.settings.namespace, name });
  if (!pod) throw new CliError(`pod ${name} not found in namespace ${session.settings.namespace}`);
  return pod as sdk.PodFieldsFragment;
}

/** The pod to forward to and its ports: the named pod, one of a workload's, or one behind a Service. */
async function resolveTarget(session: Session, arg: string, specs: PortSpec[]): Promise<Target> {
  const slash = arg.indexOf('/');
  const kind = slash < 0 ? 'pod' : arg.slice(0, slash).toLowerCase();
  const namespace = session.settings.namespace;
  if (kind === 'svc' || kind === 'service' || kind === 'services') {
    const name = arg.slice(slash + 1);
    const { service } = await session.api().request(sdk.GetServiceDocument, { namespace, name });
    if (!service) throw new CliError(`service ${name} not found in namespace ${namespace}`);
    const selector = service.spec?.selector ?? [];
    if (selector.length === 0) throw new CliError(`service ${name} has no selector: there is no pod to forward to`);
    const labels = Object.fromEntries(selector.map(({ key, value }) => [key, value]));
    const { pods } = await session
      .api()
      .request(sdk.ListPodsDocument, { namespace, labelSelector: selectorFromSet(labels).toString() });
    const pod = pickPod(pods.items as sdk.PodFieldsFragment[]);
    if (!pod) throw new CliError(`service ${name} selects no pods in namespace ${namespace}`);
    const containers = pod.spec?.containers ?? [];
    const names = { service: name, pod: pod.metadata.name };
    return { pod, ports: specs.map((s) => servicePort(s.remote, service.spec?.ports ?? [], containers, names)) };
  }
  const pod = await getPod(session, await podToRead(session, arg, 'forward ports of'));
  return { pod, ports: specs.map((s) => podPort(s.remote, pod.spec?.containers ?? [], pod.metadata.name)) };
}

/** Carries one local connection over its own stream to the pod's port; half-closes are passed both ways. */
async function forwardConnection(session: Session, socket: Socket, pod: string, port: number): Promise<void> {
  socket.pause();
  let stream: sdk.ClientStream;
  try {
    stream = await sdk.openPortForwardStream(streamConnection(session), {
      namespace: session.settings.namespace,
      pod,
      port,
    });
  } catch (err) {
    session.err(`error forwarding port ${port} to pod ${pod}: ${(err as Error).message}`);
    socket.destroy();
    return;
  }
  socket.pipe(stream.stdin);
  stream.stdout.pipe(socket);
  socket.resume();
  socket.once('error', () => stream.close());
  socket.once('close', () => stream.close());
  const status = await stream.done;
  // On success the pipe ends the local connection once the pod's last bytes are written; a failure cuts it.
  if (status.status === 'Failure') {
    if (!socket.destroyed) session.err(`error forwarding port ${port} to pod ${pod}: ${status.message ?? 'failed'}`);
    socket.destroy();
  }
}

export function registerPortForwardCommand(program: Command, io: CliIo): void {
  program
    .command('port-forward')
    .description("Forward local ports to a pod's ports, through the API server and the pod's node")
    .argument('<target>', 'pod name, pod/NAME, deployment/NAME, rc/NAME or svc/NAME')
    .argument('<ports...>', '[LOCAL:]REMOTE: 8080:80, :80 (a free local port), 80, or 8080:http (a named port)')
    .option('--address <address>', 'local address to listen on', '127.0.0.1')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan port-forward pod/web-7d4b9-x2x1 8080:80\n  capstan port-forward deployment/web :80 9443:443\n' +
        '  capstan port-forward svc/web 8080:80     # the service port 80, forwarded to its targetPort on one pod\n\n' +
        'Each local connection is carried by its own WebSocket stream to the node, which connects to the pod.\n' +
        'Ctrl-C stops listening and closes the connections.',
    )
    .action(
      withSession(io, async (session, target: string, args: string[], flags: { address: string }) => {
        const specs = args.map(parsePortSpec);
        const { pod, ports } = await resolveTarget(session, target, specs);
        if (pod.status?.phase !== 'Running') {
          throw new CliError(
            `unable to forward ports to pod ${pod.metadata.name}: it is ${pod.status?.phase ?? 'Pending'}`,
          );
        }
        const name = pod.metadata.name;
        const sockets = new Set<Socket>();
        const servers: Server[] = [];
        for (const [i, spec] of specs.entries()) {
          const port = ports[i]!;
          const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
            sockets.add(socket);
            socket.once('close', () => sockets.delete(socket));
            void forwardConnection(session, socket, name, port);
          });
          await new Promise<void>((resolve, reject) => {
            server.once('error', (err: NodeJS.ErrnoException) =>
              reject(new CliError(`unable to listen on ${flags.address}:${spec.local}: ${err.code ?? err.message}`)),
            );
            server.listen(spec.local, flags.address, () => resolve());
          });
          servers.push(server);
          const address = server.address() as { port: number };
          io.stdout.write(`Forwarding from ${flags.address}:${address.port} -> ${port}\n`);
        }
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        for (const server of servers) server.close();
        for (const socket of sockets) socket.destroy();
      }),
    );
}
