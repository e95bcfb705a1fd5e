import { CliError } from './cli-error.ts';

/** One `[LOCAL:]REMOTE` argument: local 0 picks a free port; remote is a number or a port name. */
export interface PortSpec {
  local: number;
  remote: string;
}

function portNumber(text: string, what: string, arg: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) {
    throw new CliError(`${what} port in "${arg}" must be from 1 to 65535`);
  }
  return port;
}

/** Parses `8080:80`, `:80` (a free local port), `80` (the same port locally) and `8080:http` (a named port). */
export function parsePortSpec(arg: string): PortSpec {
  const parts = arg.split(':');
  if (parts.length > 2 || parts.some((p, i) => p === '' && i === 1)) {
    throw new CliError(`"${arg}" is not [LOCAL:]REMOTE, e.g. 8080:80 or :80`);
  }
  const remote = parts.at(-1)!;
  if (!/^\d+$/.test(remote) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(remote)) {
    throw new CliError(`the remote port in "${arg}" must be a number or a port name`);
  }
  if (parts.length === 1) {
    if (!/^\d+$/.test(remote)) throw new CliError(`"${arg}": a named port needs a local port, e.g. 8080:${remote}`);
    return { local: portNumber(remote, 'the', arg), remote };
  }
  return { local: parts[0] === '' ? 0 : portNumber(parts[0]!, 'the local', arg), remote };
}

type ContainerPorts = readonly {
  name: string;
  ports?: readonly { name?: string | null; containerPort: number }[] | null;
}[];

/** The container port a pod's `remote` means: a number as it is, a name looked up in the pod's containers. */
export function podPort(remote: string, containers: ContainerPorts, pod: string): number {
  if (/^\d+$/.test(remote)) return portNumber(remote, 'the remote', remote);
  for (const container of containers) {
    const port = container.ports?.find((p) => p.name === remote);
    if (port) return port.containerPort;
  }
  throw new CliError(`pod ${pod} does not have a named port "${remote}"`);
}

type ServicePorts = readonly { name?: string | null; port: number; targetPort?: number | string | null }[];

/**
 * As kubectl: for a Service, REMOTE is one of its ports (by number or name), and the connection goes to that port's
 * targetPort on the chosen pod (a named targetPort looked up in the pod's containers).
 */
export function servicePort(
  remote: string,
  ports: ServicePorts,
  containers: ContainerPorts,
  names: { service: string; pod: string },
): number {
  const numeric = /^\d+$/.test(remote);
  const port = ports.find((p) => (numeric ? p.port === Number(remote) : p.name === remote));
  if (!port) throw new CliError(`service ${names.service} does not have a service port ${remote}`);
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return podPort(target, containers, names.pod);
}
