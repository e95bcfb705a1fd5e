import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Balancer } from '../src/services/balancer.ts';
import { UdpFrontend } from '../src/services/proxy-udp.ts';
import { registry } from '../src/util/metrics.ts';

async function rejections(limit: string): Promise<number> {
  const metric = await registry.getSingleMetric('capstan_limit_rejections_total')?.get();
  return metric?.values.find((v) => v.labels['limit'] === limit)?.value ?? 0;
}

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Sends `text` from `client` to the proxy and resolves with the reply, or undefined when none came in `ms`. */
async function ask(client: Socket, port: number, text: string, ms = 500): Promise<string | undefined> {
  const reply = new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    client.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg.toString());
    });
  });
  client.send(text, port, '127.0.0.1');
  return reply;
}

async function freeUdpPort(): Promise<number> {
  const probe = await udpSocket();
  const port = probe.address().port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('UDP proxy session limits', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: { maxSessions: number; idleTimeoutMs: number }) {
    const echo = await udpSocket();
    echo.on('message', (msg, from) => echo.send(`echo ${msg.toString()}`, from.port, from.address));
    cleanups.push(() => new Promise<void>((resolve) => echo.close(() => resolve())));
    const balancer = new Balancer();
    balancer.setBackends([{ ip: '127.0.0.1', port: echo.address().port, key: `127.0.0.1:${echo.address().port}` }]);
    const port = await freeUdpPort();
    const frontend = new UdpFrontend('127.0.0.1', port, balancer, options);
    expect(await frontend.listen()).toBe(true);
    cleanups.push(() => frontend.close());
    const clients: Socket[] = [];
    const client = async (): Promise<Socket> => {
      const socket = await udpSocket();
      clients.push(socket);
      cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
      return socket;
    };
    return { frontend, port, client, clients };
  }

  it('serves at most maxSessions clients at once, drops the datagrams of more and counts them', async () => {
    const { frontend, port, client } = await start({ maxSessions: 3, idleTimeoutMs: 60_000 });
    for (let i = 0; i < 3; i++) expect(await ask(await client(), port, `hi ${i}`)).toBe(`echo hi ${i}`);
    const before = await rejections('udpProxySessions');
    const fourth = await client();
    expect(await ask(fourth, port, 'hi 3', 300)).toBeUndefined();
    expect(frontend.sessionCount).toBe(3);
    expect(await rejections('udpProxySessions')).toBe(before + 1);
  });

  it('expires idle sessions, which frees their places for new clients', async () => {
    const { frontend, port, client } = await start({ maxSessions: 1, idleTimeoutMs: 300 });
    expect(await ask(await client(), port, 'first')).toBe('echo first');
    const second = await client();
    expect(await ask(second, port, 'too soon', 100)).toBeUndefined();
    const deadline = Date.now() + 3000;
    while (frontend.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(frontend.sessionCount).toBe(0);
    expect(await ask(second, port, 'now')).toBe('echo now');
  });
});
