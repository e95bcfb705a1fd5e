import { isCapstanError } from '../api/errors.ts';
import type { DnsIndex } from '../dns/dns-index.ts';
import { startDnsServer } from '../dns/dns-server.ts';
import type { DnsServer, DnsServerOptions } from '../dns/dns-server.ts';
import { logger } from '../util/logger.ts';
import { DEFAULT_DNS_ADDRESS } from './addresses.ts';
import { addLoopbackAddress } from './loopback.ts';

export interface PodDnsOptions extends Omit<DnsServerOptions, 'host' | 'port'> {
  /** The cluster DNS service address pods get as `nameserver`. Default 10.96.0.10. */
  address?: string;
  /** Default 53: resolv.conf cannot name a port. */
  port?: number;
  /** Retry period while another node agent on this machine serves the address. Default 2000 ms. */
  retryMs?: number;
}

export interface PodDns {
  /** The address to write as `nameserver` into pods' resolv.conf. */
  readonly address: string;
  readonly port: number;
  /** Whether this process answers on the address (false while another node agent on this machine does). */
  readonly serving: boolean;
  stop(): Promise<void>;
}

const log = logger.child({ component: 'pod-dns' });

/**
 * Makes the DNS responder reachable from pods: adds the cluster DNS address to `lo` (containers on a Docker
 * bridge reach host addresses on `lo` through their gateway) and starts a second listener of the responder on
 * `address:53`, UDP and TCP, answering from the same index. Several node agents on one machine share the address:
 * the first to bind serves it, the others retry and take over when it stops.
 */
export async function startPodDns(index: DnsIndex, options: PodDnsOptions = {}): Promise<PodDns> {
  const { address = DEFAULT_DNS_ADDRESS, port = 53, retryMs = 2000, ...serverOptions } = options;
  await addLoopbackAddress(address);
  let server: DnsServer | undefined;
  let stopped = false;
  const tryStart = async (): Promise<void> => {
    try {
      server = await startDnsServer(index, { ...serverOptions, host: address, port });
      if (stopped) await server.stop();
    } catch (err) {
      const code = (
        isCapstanError(err) ? ((err.cause as NodeJS.ErrnoException | undefined)?.code ?? '') : ''
      ) as string;
      if (code !== 'EADDRINUSE') throw err;
      log.debug({ address, port }, 'cluster DNS address served by another node agent on this machine; retrying later');
    }
  };
  await tryStart();
  const timer = setInterval(() => {
    if (!server && !stopped) tryStart().catch((err: unknown) => log.warn({ err }, 'cannot start the pod DNS listener'));
  }, retryMs);
  timer.unref();
  return {
    address,
    port,
    get serving() {
      return server !== undefined;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await server?.stop();
      server = undefined;
    },
  };
}
