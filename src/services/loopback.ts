import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CapstanError } from '../api/errors.ts';

const run = promisify(execFile);

/** Whether `ip` is in 127.0.0.0/8, which the kernel already routes to `lo` as a whole. */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.');
}

/**
 * Makes `ip` a local address by adding it to `lo` as a /32 (dummy interfaces are not available here, and an
 * address on `lo` is reachable from containers on a Docker bridge through the host). Idempotent. Returns true
 * when this call added it, false when it was already there (then it is not ours to remove).
 */
export async function addLoopbackAddress(ip: string): Promise<boolean> {
  if (isLoopback(ip)) return false;
  try {
    await run('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']);
    return true;
  } catch (err) {
    // iproute2 says "File exists" or, in newer versions, "Address already assigned".
    if (/File exists|already assigned/i.test(stderrOf(err))) return false;
    throw new CapstanError('UNAVAILABLE', `cannot add ${ip} to the loopback interface (needs root): ${stderrOf(err)}`, {
      cause: err,
    });
  }
}

/** Removes an address added with {@link addLoopbackAddress}; one already gone is fine. */
export async function removeLoopbackAddress(ip: string): Promise<void> {
  if (isLoopback(ip)) return;
  try {
    await run('ip', ['addr', 'del', `${ip}/32`, 'dev', 'lo']);
  } catch (err) {
    if (!/Cannot assign|not found|No such/i.test(stderrOf(err))) {
      throw new CapstanError('UNAVAILABLE', `cannot remove ${ip} from the loopback interface: ${stderrOf(err)}`, {
        cause: err,
      });
    }
  }
}

/**
 * Installs an `unreachable` route for the service range, so traffic to a service address that no proxy serves
 * (not yet on `lo`, or already removed) fails at once on this machine instead of following the default route
 * out of it. Addresses on `lo` live in the local routing table, which wins over this route. Idempotent.
 */
export async function guardServiceRange(cidr: string): Promise<void> {
  try {
    await run('ip', ['route', 'add', 'unreachable', cidr]);
  } catch (err) {
    if (!/File exists/i.test(stderrOf(err))) {
      throw new CapstanError('UNAVAILABLE', `cannot add the unreachable route for ${cidr}: ${stderrOf(err)}`, {
        cause: err,
      });
    }
  }
}

function stderrOf(err: unknown): string {
  const stderr = (err as { stderr?: string }).stderr;
  return (stderr || (err as Error).message || String(err)).trim();
}
