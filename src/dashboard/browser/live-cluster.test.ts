import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLiveCluster, type ConnectionStatus } from './live-cluster.ts';

/** A loopback port nothing listens on: taken and let go again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('startLiveCluster', () => {
  it('waits longer after each failed connection, doubling up to the longest wait', async () => {
    const statuses: ConnectionStatus[] = [];
    const retrying = () => statuses.filter((s) => s.state === 'retrying');
    const live = startLiveCluster({
      url: `http://127.0.0.1:${await closedPort()}`,
      token: 'unused',
      onChange: () => undefined,
      onStatus: (status) => statuses.push(status),
      retryMs: { initial: 20, max: 50 },
    });
    try {
      const deadline = Date.now() + 10_000;
      while (retrying().length < 4) {
        if (Date.now() > deadline)
          throw new Error(`only ${retrying().length} retries seen: ${JSON.stringify(statuses)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(
        retrying()
          .slice(0, 4)
          .map((s) => s.state === 'retrying' && s.retryInMs),
      ).toEqual([20, 40, 50, 50]);
    } finally {
      await live.stop();
    }
  });
});
