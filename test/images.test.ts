import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The local images built by scripts/setup.sh (images/build.sh), run on the real Docker engine.
const docker = new Docker();
const runId = randomBytes(4).toString('hex');
const label = { 'capstan.test': `images-${runId}` };
const network = `capstan-images-test-${runId}`;

async function run(name: string, options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name: `capstan-images-test-${runId}-${name}`,
    Labels: label,
    ...options,
    HostConfig: { NetworkMode: network, ...options.HostConfig },
  });
  await container.start();
  return container;
}

async function addressOf(container: Docker.Container): Promise<string> {
  const info = await container.inspect();
  const address = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!address) throw new Error(`container ${info.Name} has no address on ${network}`);
  return address;
}

/** GETs the URL until the server answers, within a deadline. */
async function getUntilAnswered(url: string, deadlineMs = 10_000): Promise<{ status: number; body: string }> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return { status: response.status, body: await response.text() };
    } catch (err) {
      if (Date.now() > end) throw new Error(`no answer from ${url} within ${deadlineMs} ms`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Stops the container with Docker's default grace period; returns how long the stop took and the exit code. */
async function timedStop(container: Docker.Container): Promise<{ ms: number; exitCode: number }> {
  const started = performance.now();
  await container.stop();
  const ms = performance.now() - started;
  const info = await container.inspect();
  return { ms, exitCode: info.State.ExitCode };
}

/** Runs a command in capstan/busybox on the test network and returns its output once it exits. */
async function runBusybox(name: string, script: string): Promise<{ exitCode: number; output: string }> {
  const container = await run(name, { Image: 'capstan/busybox:latest', Cmd: ['sh', '-c', script], Tty: true });
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
  return { exitCode: StatusCode, output: output.replace(/\r\n/g, '\n') };
}

/** Waits until the pause process has started its sleep, which it does only after installing its signal traps. */
async function waitUntilPaused(container: Docker.Container, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const top = (await container.top()) as { Processes?: string[][] };
    if (top.Processes?.some((row) => row.some((column) => column.startsWith('sleep')))) return;
    if (Date.now() > end) throw new Error(`pause did not start sleeping within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await docker.createNetwork({ Name: network, Driver: 'bridge', Labels: label });
});

afterAll(async () => {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`capstan.test=${label['capstan.test']}`] },
  });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  await docker.getNetwork(network).remove();
});

describe('capstan/hello', () => {
  it('answers any path with its host name, its address and the request URI', async () => {
    const hello = await run('hello', { Image: 'capstan/hello:latest', Hostname: `hello-${runId}` });
    const address = await addressOf(hello);

    const root = await getUntilAnswered(`http://${address}/`);
    expect(root.status).toBe(200);
    expect(root.body).toContain(`Server name: hello-${runId}\n`);
    expect(root.body).toContain(`Server address: ${address}:80\n`);
    expect(root.body).toContain('Request URI: /\n');

    const deep = await getUntilAnswered(`http://${address}/some/deep/path?x=1&y=two`);
    expect(deep.status).toBe(200);
    expect(deep.body).toContain('Request URI: /some/deep/path?x=1&y=two\n');
  });

  it('listens on the port given in PORT', async () => {
    const hello = await run('hello-port', { Image: 'capstan/hello:latest', Env: ['PORT=8080'] });
    const address = await addressOf(hello);

    const answer = await getUntilAnswered(`http://${address}:8080/port`);
    expect(answer.body).toContain(`Server address: ${address}:8080\n`);
    expect(answer.body).toContain('Request URI: /port\n');
  });

  it('exits by itself on docker stop instead of waiting out the grace period', async () => {
    const hello = await run('hello-stop', { Image: 'capstan/hello:latest' });
    await getUntilAnswered(`http://${await addressOf(hello)}/`);

    const { ms, exitCode } = await timedStop(hello);
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(5_000);
  });

  it('is reachable from capstan/busybox with wget', async () => {
    const hello = await run('hello-wget', { Image: 'capstan/hello:latest', Hostname: `hello-wget-${runId}` });
    const address = await addressOf(hello);
    await getUntilAnswered(`http://${address}/`);

    const { exitCode, output } = await runBusybox('wget', `timeout 5 wget -qO- http://${address}/from-busybox`);
    expect(exitCode).toBe(0);
    expect(output).toContain(`Server name: hello-wget-${runId}\n`);
    expect(output).toContain('Request URI: /from-busybox\n');
  });

  // A busy server must queue a burst of connections, as nginx does, not drop their SYNs: a dropped SYN is retried
  // after 1, 2, 4, 8, 16 s, so a client of a port-forward under load would wait half a minute for one request.
  it('queues a burst of 40 connections while it accepts none instead of dropping them', async () => {
    const hello = await run('hello-burst', { Image: 'capstan/hello:latest' });
    const address = await addressOf(hello);
    await getUntilAnswered(`http://${address}/`);

    await execIn(hello, ['sh', '-c', 'kill -STOP $(pidof nc)']);
    // With nc stopped only the kernel answers: a connection is made only if the listen queue has room for it.
    const sockets = await Promise.all(Array.from({ length: 40 }, () => connectWithin(address, 80, 5_000)));
    const answers = sockets.map(
      (socket, i) =>
        new Promise<string>((resolve) => {
          let text = '';
          socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
          socket.once('close', () => resolve(text));
          socket.end(`GET /burst-${i} HTTP/1.1\r\nHost: hello\r\n\r\n`);
        }),
    );
    await execIn(hello, ['sh', '-c', 'kill -CONT $(pidof nc)']);
    const texts = await Promise.all(answers);
    expect(texts.every((text, i) => text.startsWith('HTTP/1.1 200 OK') && text.includes(`/burst-${i}\n`))).toBe(true);
  }, 60_000);
});

/** Runs a command in a running container and waits for it to end. */
async function execIn(container: Docker.Container, cmd: string[]): Promise<void> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  stream.resume();
  await new Promise((resolve) => stream.once('end', resolve));
}

/** Opens a TCP connection; resolves with the socket once connected, rejects if that takes longer than `ms`. */
function connectWithin(host: string, port: number, ms: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection to ${host}:${port} within ${ms} ms`));
    }, ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('capstan/pause', () => {
  it('keeps running until stopped, then exits at once on SIGTERM', async () => {
    const pause = await run('pause', { Image: 'capstan/pause:latest' });
    await waitUntilPaused(pause);
    expect((await pause.inspect()).State.Running).toBe(true);

    const { ms, exitCode } = await timedStop(pause);
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(5_000);
  });

  it('exits on SIGINT', async () => {
    const pause = await run('pause-int', { Image: 'capstan/pause:latest' });
    await waitUntilPaused(pause);
    await pause.kill({ signal: 'SIGINT' });
    const { StatusCode } = (await pause.wait()) as { StatusCode: number };
    expect(StatusCode).toBe(0);
  });
});

describe('capstan/busybox', () => {
  it('runs shell commands', async () => {
    const { exitCode, output } = await runBusybox('echo', 'echo ok; exit 3');
    expect(output.trim()).toBe('ok');
    expect(exitCode).toBe(3);
  });

  it('has the applets the tests use and a usable /tmp', async () => {
    const { exitCode, output } = await runBusybox(
      'applets',
      'for a in sh wget nslookup nc sleep timeout ip; do command -v $a >/dev/null || echo "missing $a"; done; ' +
        'echo x > /tmp/f && cat /tmp/f && id -un',
    );
    expect(output.trim().split('\n')).toEqual(['x', 'root']);
    expect(exitCode).toBe(0);
  });
});
