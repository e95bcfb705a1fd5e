import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Balancer, type Backend } from './balancer.ts';
import { TcpFrontend } from './proxy-tcp.ts';

const servers: Server[] = [];
const frontends: TcpFrontend[] = [];

afterEach(async () => {
  await Promise.all(frontends.splice(0).map((f) => f.destroy()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A backend on 127.0.0.1 that handles each connection with `onConnection`; resolves with its port. */
async function backend(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Answers `name:<what it received>` once the client half-closes. */
const echoing = (name: string) => (socket: Socket) => {
  let got = '';
  socket.on('data', (d: Buffer) => (got += d.toString()));
  socket.on('end', () => socket.end(`${name}:${got}`));
};

/** Resets every connection as soon as the request arrives, answering nothing (a container SIGKILLed). */
const resetting = (seen: string[]) => (socket: Socket) => {
  socket.on('data', (d: Buffer) => {
    seen.push(d.toString());
    socket.resetAndDestroy();
  });
};

async function frontendFor(ports: number[]): Promise<number> {
  const balancer = new Balancer();
  balancer.setBackends(ports.map((port): Backend => ({ ip: '127.0.0.1', port, key: `127.0.0.1:${port}` })));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const frontend = new TcpFrontend('127.0.0.1', port, balancer);
  frontends.push(frontend);
  expect(await frontend.listen()).toBe(true);
  return port;
}

/** Sends `request`, half-closes, resolves with everything received, or with `RESET`/the error code. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('end', () => {
      socket.end();
      resolve(got);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.write(request, () => socket.end());
  });
}

async function closedPort(): Promise<number> {
  const port = await backend(() => undefined);
  await new Promise((resolve) => servers.pop()!.close(resolve));
  return port;
}

describe('TCP frontend retries', () => {
  it('tries the next backend when one refuses the connection', async () => {
    const port = await frontendFor([await closedPort(), await backend(echoing('b'))]);
    for (let i = 0; i < 4; i++) expect(await exchange(port, 'GET /')).toBe('b:GET /');
  });

  it('replays the request to the next backend when one resets before answering', async () => {
    const seen: string[] = [];
    const port = await frontendFor([await backend(resetting(seen)), await backend(echoing('good'))]);
    for (let i = 0; i < 4; i++) expect(await exchange(port, `req-${i}`)).toBe(`good:req-${i}`);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('does not replay once the backend answered: the client sees the reset', async () => {
    let connections = 0;
    const partial = await backend((socket) => {
      connections++;
      socket.once('data', () => {
        socket.write('half an answer');
        setTimeout(() => socket.resetAndDestroy(), 50);
      });
    });
    const port = await frontendFor([partial, await backend(echoing('other'))]);
    expect(await exchange(port, 'GET /')).toBe('ECONNRESET');
    expect(connections).toBe(1);
  });

  it('replays to the next backend when one closes without answering while the client waits', async () => {
    const closing = (socket: Socket): void => void socket.once('data', () => socket.end());
    const port = await frontendFor([
      await backend(closing),
      await backend((s) => s.once('data', (d) => s.end(`ok:${d}`))),
    ]);
    for (let i = 0; i < 3; i++) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        let got = '';
        socket.on('data', (d: Buffer) => (got += d.toString()));
        socket.on('close', () => resolve(got));
        socket.write(`q${i}`);
      });
      expect(answer).toBe(`ok:q${i}`);
    }
  });

  it('does not replay after a clean close without an answer once the client half-closed', async () => {
    const received: string[] = [];
    const closing = (socket: Socket): void => {
      socket.on('data', (d: Buffer) => received.push(d.toString()));
      socket.on('end', () => socket.end());
    };
    const port = await frontendFor([await backend(closing), await backend(closing)]);
    expect(await exchange(port, 'once')).toBe('');
    expect(received).toEqual(['once']);
  });

  it('resets the client when every backend resets', async () => {
    const seen: string[] = [];
    const port = await frontendFor([await backend(resetting(seen)), await backend(resetting(seen))]);
    expect(await exchange(port, 'x')).toBe('ECONNRESET');
    expect(seen).toEqual(['x', 'x']);
  });
});
