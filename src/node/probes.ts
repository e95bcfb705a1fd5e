import { request } from 'node:http';
import { connect } from 'node:net';
import { CapstanError } from '../api/errors.ts';
import type { ContainerPort, Probe } from '../api/types.ts';
import type { ExecResult } from './runtime.ts';

/** Outcome of one probe run; `message` says why a failure failed, as Kubernetes shows it in events. */
export interface ProbeResult {
  success: boolean;
  message: string;
}

/** Where a probe of one container goes: the pod's IP, the container's declared ports, and the container for exec. */
export interface ProbeTarget {
  podIP: string;
  ports?: ContainerPort[];
  containerId: string;
}

/** What an exec probe needs from the runtime. */
export type ExecFn = (containerId: string, cmd: string[], timeoutMs: number) => Promise<ExecResult>;

const PROBE_OUTPUT_LIMIT = 10 * 1024;

/** A port number, or the name of one of the container's ports (INVALID when no port has that name). */
export function resolveProbePort(port: number | string, ports: ContainerPort[] = []): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = ports.find((p) => p.name === port);
  if (!found) {
    throw CapstanError.invalid([{ field: 'port', message: `no container port named "${port}"` }], 'probe');
  }
  return found.containerPort;
}

/** Runs one probe (httpGet, tcpSocket or exec) against a container with the probe's timeoutSeconds (default 1). */
export async function runProbe(probe: Probe, target: ProbeTarget, exec: ExecFn): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) {
      const h = probe.httpGet;
      return await httpGetProbe({
        host: h.host ?? target.podIP,
        port: resolveProbePort(h.port, target.ports),
        path: h.path ?? '/',
        headers: h.httpHeaders ?? [],
        timeoutMs,
      });
    }
    if (probe.tcpSocket) {
      return await tcpSocketProbe({
        host: probe.tcpSocket.host ?? target.podIP,
        port: resolveProbePort(probe.tcpSocket.port, target.ports),
        timeoutMs,
      });
    }
    if (probe.exec) return await execProbe(exec, target.containerId, probe.exec.command, timeoutMs);
  } catch (err) {
    return { success: false, message: err instanceof Error ? err.message : String(err) };
  }
  return { success: false, message: 'probe has no handler (httpGet, tcpSocket or exec)' };
}

/** HTTP GET; a status in 200..399 is success. Redirects are not followed (a 3xx already counts as success). */
export function httpGetProbe(options: {
  host: string;
  port: number;
  path: string;
  headers?: { name: string; value: string }[];
  timeoutMs: number;
}): Promise<ProbeResult> {
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}${options.path.startsWith('/') ? '' : '/'}${options.path}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'user-agent': 'capstan-probe/1.0', accept: '*/*', connection: 'close' };
    for (const h of options.headers ?? []) headers[h.name.toLowerCase()] = h.value;
    let settled = false;
    const done = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(url, { method: 'GET', headers }, (res) => {
      const status = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < PROBE_OUTPUT_LIMIT) body += chunk;
      });
      res.on('end', () => {
        const ok = status >= 200 && status < 400;
        done({
          success: ok,
          message: ok
            ? `HTTP ${status}`
            : `HTTP probe failed with statuscode: ${status}${body ? `: ${body.trim().slice(0, 200)}` : ''}`,
        });
      });
      res.on('error', (err) => done({ success: false, message: `Get "${url}": ${err.message}` }));
    });
    const timer = setTimeout(
      () => done({ success: false, message: `Get "${url}": timeout after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    req.on('error', (err) => done({ success: false, message: `Get "${url}": ${err.message}` }));
    req.end();
  });
}

/** TCP connect; success when the connection opens within the timeout. */
export function tcpSocketProbe(options: { host: string; port: number; timeoutMs: number }): Promise<ProbeResult> {
  const address = `${options.host}:${options.port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: options.host, port: options.port });
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ success: false, message: `dial tcp ${address}: timeout after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    socket.once('connect', () => done({ success: true, message: `connected to ${address}` }));
    socket.once('error', (err) => done({ success: false, message: `dial tcp ${address}: ${err.message}` }));
  });
}

/** Runs the command in the container; exit code 0 is success. */
export async function execProbe(
  exec: ExecFn,
  containerId: string,
  command: string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  const result = await exec(containerId, command, timeoutMs);
  const output = result.output.slice(0, PROBE_OUTPUT_LIMIT).trim();
  if (result.timedOut) return { success: false, message: `command timed out after ${timeoutMs} ms` };
  if (result.exitCode === 0) return { success: true, message: output };
  return {
    success: false,
    message: `command exited with ${result.exitCode ?? 'unknown code'}${output ? `: ${output}` : ''}`,
  };
}
