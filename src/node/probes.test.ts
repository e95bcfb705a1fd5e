import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGetProbe, resolveProbePort, runProbe, tcpSocketProbe } from './probes.ts';
import type { ExecFn } from './probes.ts';

let server: Server;
let port: number;
const seenHeaders: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    seenHeaders['x-probe'] = req.headers['x-probe'] as string | undefined;
    if (req.url === '/ok') res.writeHead(200).end('fine');
    else if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000);
    else res.writeHead(500).end('broken');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

const noExec: ExecFn = () => Promise.reject(new Error('no exec here'));

describe('httpGet probe', () => {
  it('succeeds on 2xx and 3xx and fails on 5xx with the status', async () => {
    expect(await httpGetProbe({ host: '127.0.0.1', port, path: '/ok', timeoutMs: 1000 })).toMatchObject({
      success: true,
    });
    expect(await httpGetProbe({ host: '127.0.0.1', port, path: '/moved', timeoutMs: 1000 })).toMatchObject({
      success: true,
    });
    const failed = await httpGetProbe({ host: '127.0.0.1', port, path: '/bad', timeoutMs: 1000 });
    expect(failed.success).toBe(false);
    expect(failed.message).toContain('statuscode: 500');
  });

  it('fails on timeout and refused connections, and sends custom headers', async () => {
    const started = Date.now();
    const slow = await httpGetProbe({ host: '127.0.0.1', port, path: '/slow', timeoutMs: 200 });
    expect(slow).toMatchObject({ success: false, message: expect.stringContaining('timeout') });
    expect(Date.now() - started).toBeLessThan(1500);
    const refused = await httpGetProbe({ host: '127.0.0.1', port: await closedPort(), path: '/', timeoutMs: 1000 });
    expect(refused).toMatchObject({ success: false, message: expect.stringContaining('ECONNREFUSED') });
    await httpGetProbe({
      host: '127.0.0.1',
      port,
      path: 'ok',
      headers: [{ name: 'X-Probe', value: 'yes' }],
      timeoutMs: 1000,
    });
    expect(seenHeaders['x-probe']).toBe('yes');
  });
});

describe('tcpSocket probe', () => {
  it('succeeds when the port accepts and fails when it refuses', async () => {
    expect(await tcpSocketProbe({ host: '127.0.0.1', port, timeoutMs: 1000 })).toMatchObject({ success: true });
    expect(await tcpSocketProbe({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 1000 })).toMatchObject({
      success: false,
    });
  });
});

describe('runProbe', () => {
  it('resolves named ports against the container ports', async () => {
    const target = { podIP: '127.0.0.1', containerId: 'c', ports: [{ name: 'http', containerPort: port }] };
    expect(await runProbe({ httpGet: { port: 'http', path: '/ok' } }, target, noExec)).toMatchObject({ success: true });
    expect(await runProbe({ tcpSocket: { port: 'nope' } }, target, noExec)).toMatchObject({
      success: false,
      message: expect.stringContaining('no container port named "nope"'),
    });
    expect(resolveProbePort('8080')).toBe(8080);
  });

  it('maps exec results: exit 0 succeeds, other codes and timeouts fail', async () => {
    const calls: unknown[] = [];
    const exec =
      (exitCode: number | null, timedOut = false): ExecFn =>
      (id, cmd, timeoutMs) => {
        calls.push({ id, cmd, timeoutMs });
        return Promise.resolve({ exitCode, output: 'said something\n', timedOut });
      };
    const target = { podIP: '127.0.0.1', containerId: 'c1' };
    const probe = { exec: { command: ['check'] }, timeoutSeconds: 2 };
    expect(await runProbe(probe, target, exec(0))).toEqual({ success: true, message: 'said something' });
    expect(await runProbe(probe, target, exec(1))).toEqual({
      success: false,
      message: 'command exited with 1: said something',
    });
    expect(await runProbe(probe, target, exec(null, true))).toMatchObject({ success: false });
    expect(calls[0]).toEqual({ id: 'c1', cmd: ['check'], timeoutMs: 2000 });
    expect(await runProbe({}, target, noExec)).toMatchObject({ success: false });
  });
});
