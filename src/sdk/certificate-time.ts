/**
 * Why a TLS handshake failed on a certificate's validity period, as Node (OpenSSL) reports it:
 * - `not-yet-valid`: the peer's certificate starts after this machine's now (CERT_NOT_YET_VALID);
 * - `expired`: the peer's certificate ended before this machine's now (CERT_HAS_EXPIRED);
 * - `refused-as-expired`: the peer refused this side's certificate as expired by its clock (TLS alert
 *   "certificate expired", ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED).
 */
export type CertificateTimeFault = 'not-yet-valid' | 'expired' | 'refused-as-expired';

const BY_CODE: Record<string, CertificateTimeFault> = {
  CERT_NOT_YET_VALID: 'not-yet-valid',
  CERT_HAS_EXPIRED: 'expired',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'refused-as-expired',
  'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_EXPIRED': 'refused-as-expired',
};

function faultOf(value: object): CertificateTimeFault | undefined {
  const code = 'code' in value && typeof value.code === 'string' ? value.code : undefined;
  if (code && BY_CODE[code]) return BY_CODE[code];
  const message = 'message' in value && typeof value.message === 'string' ? value.message : '';
  if (/\balert certificate expired\b/i.test(message)) return 'refused-as-expired';
  return undefined;
}

/**
 * The certificate validity fault anywhere in `err`'s cause chain (`cause`, an ErrorEvent's `error`, each of an
 * AggregateError's `errors`: undici and ws wrap the socket's error), or undefined. Bounded and safe against cycles.
 */
export function certificateTimeFault(err: unknown): CertificateTimeFault | undefined {
  const seen = new Set<object>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 32) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    const fault = faultOf(next);
    if (fault) return fault;
    if ('cause' in next) queue.push(next.cause);
    // A WebSocket ErrorEvent (graphql-ws) carries the socket's error as `error`.
    if ('error' in next) queue.push(next.error);
    if ('errors' in next && Array.isArray(next.errors)) queue.push(...(next.errors as unknown[]));
  }
  return undefined;
}

/**
 * One sentence for a handshake with `peer` (e.g. "the server at https://10.0.0.1:6443", "node n1") that failed on a
 * certificate's validity period, saying that the clocks of the two machines may disagree and how to check; undefined
 * when `err` is not such a failure. `self` names this side for a reader elsewhere (default "this machine"; the API
 * server says "the API server", whose message a CLI user reads on another machine). A certificate the cluster CA just issued is valid from a minute before its
 * issue, so a fault on a fresh certificate means a clock is off by more than that.
 */
export function clockSkewMessage(
  err: unknown,
  peer: string,
  options: { self?: string; now?: Date } = {},
): string | undefined {
  const fault = certificateTimeFault(err);
  if (!fault) return undefined;
  const self = options.self ?? 'this machine';
  const clock = `${self}'s clock says ${(options.now ?? new Date()).toISOString()}`;
  const check = 'check the clocks of both machines (run `date -u` on each) and keep them in sync (NTP)';
  switch (fault) {
    case 'not-yet-valid':
      return `the TLS certificate of ${peer} is not valid yet (${clock}): the clocks of the two machines disagree; ${check}`;
    case 'expired':
      return `the TLS certificate of ${peer} has expired (${clock}): if it was issued recently, the clocks of the two machines disagree; ${check}`;
    case 'refused-as-expired':
      return `${peer} refused ${self}'s TLS certificate as expired by its own clock (${clock}): ${check}`;
  }
}
