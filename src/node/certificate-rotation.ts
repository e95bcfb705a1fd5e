import { X509Certificate } from 'node:crypto';
import type { TlsIdentity } from '../pki/node-endpoint-tls.ts';
import type { Logger } from '../util/logger.ts';

/** After a failed renewal, how long before the next try. */
const RETRY_MS = 5_000;
/** The longest delay setTimeout keeps (a signed 32-bit count of ms); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When to renew a certificate, as kubelet's certificate manager does: at a random point between 70% and 90% of the
 * time it has left (counted from now, not from its notBefore, which the CA back-dates for clock skew). At least
 * one second, so that a certificate past its end is renewed at once but never in a busy loop.
 */
export function renewalDelayMs(certPem: string, now = Date.now(), random = Math.random): number {
  const notAfter = Date.parse(new X509Certificate(certPem).validTo);
  const remaining = notAfter - now;
  return Math.max(1_000, Math.round(remaining * (0.7 + 0.2 * random())));
}

export interface CertificateRotationOptions {
  /** The identity served now. */
  current: TlsIdentity;
  /** A new identity: a new key and CSR signed by the CA (requestNodeCertificate). */
  issue: () => Promise<TlsIdentity>;
  /** Takes the new identity into use (the endpoint's setSecureContext). */
  onRotated: (next: TlsIdentity) => void;
  logger?: Logger;
}

/**
 * Renews the node endpoint's serving certificate while the node runs (kubelet's serving certificate rotation): a
 * new key and certificate before the current one ends, handed to `onRotated`; a failure is retried every 5 s.
 * Returns a stop function.
 */
export function startCertificateRotation(options: CertificateRotationOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Waits until `deadline` in steps setTimeout keeps: a delay above MAX_TIMER_MS (2^31-1 ms, about 24.8 days; a
  // certificate of a year is renewed after about 9 months) would fire after 1 ms, and the node would renew in a busy
  // loop, churning its serials faster than other API servers read them.
  const waitUntil = (deadline: number): void => {
    if (stopped) return;
    const left = deadline - Date.now();
    if (left > MAX_TIMER_MS) timer = setTimeout(() => waitUntil(deadline), MAX_TIMER_MS);
    else timer = setTimeout(() => void rotate(), Math.max(0, left));
    timer.unref();
  };
  const schedule = (delayMs: number): void => waitUntil(Date.now() + delayMs);
  const rotate = async (): Promise<void> => {
    try {
      const next = await options.issue();
      if (stopped) return;
      options.onRotated(next);
      const cert = new X509Certificate(next.certPem);
      options.logger?.info(
        { serial: cert.serialNumber, validTo: cert.validTo },
        'renewed the serving certificate of the node endpoint',
      );
      schedule(renewalDelayMs(next.certPem));
    } catch (err) {
      options.logger?.warn({ err }, 'renewing the serving certificate failed; retrying');
      schedule(RETRY_MS);
    }
  };
  schedule(renewalDelayMs(options.current.certPem));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
