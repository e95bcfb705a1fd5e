import { describe, expect, it } from 'vitest';
import { certificateTimeFault, clockSkewMessage } from './certificate-time.ts';

function tlsError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** As undici's fetch rejects: TypeError('fetch failed') with the socket's error as its cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe('certificateTimeFault', () => {
  it("finds Node's verification codes at any depth of the cause chain", () => {
    expect(certificateTimeFault(tlsError('CERT_NOT_YET_VALID', 'certificate is not yet valid'))).toBe('not-yet-valid');
    expect(certificateTimeFault(fetchFailed(tlsError('CERT_HAS_EXPIRED', 'certificate has expired')))).toBe('expired');
    const deep = new Error('outer', {
      cause: new Error('middle', { cause: fetchFailed(tlsError('CERT_HAS_EXPIRED', 'x')) }),
    });
    expect(certificateTimeFault(deep)).toBe('expired');
  });

  it("finds the peer's alert by code or by OpenSSL's message, and inside an AggregateError", () => {
    expect(certificateTimeFault(tlsError('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'alert'))).toBe(
      'refused-as-expired',
    );
    const alert = new Error('error:0A000415:SSL routines::sslv3 alert certificate expired');
    expect(certificateTimeFault(alert)).toBe('refused-as-expired');
    const aggregate = new AggregateError(
      [new Error('ECONNREFUSED'), tlsError('CERT_NOT_YET_VALID', 'x')],
      'all failed',
    );
    expect(certificateTimeFault(fetchFailed(aggregate))).toBe('not-yet-valid');
  });

  it('looks through a WebSocket ErrorEvent to its error', () => {
    expect(certificateTimeFault({ type: 'error', message: 'x', error: tlsError('CERT_HAS_EXPIRED', 'x') })).toBe(
      'expired',
    );
  });

  it('is undefined for other TLS failures, non-errors and cycles', () => {
    expect(certificateTimeFault(tlsError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'))).toBeUndefined();
    expect(
      certificateTimeFault(tlsError('ERR_TLS_CERT_ALTNAME_INVALID', 'expired-looking text: certificate has expired')),
    ).toBeUndefined();
    expect(certificateTimeFault(undefined)).toBeUndefined();
    expect(certificateTimeFault('CERT_HAS_EXPIRED')).toBeUndefined();
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(certificateTimeFault(a)).toBeUndefined();
  });
});

describe('clockSkewMessage', () => {
  const now = new Date('2026-12-03T12:00:00.000Z');

  it('names the peer, the fault and this clock, and says to compare the clocks with date -u', () => {
    const notYet = clockSkewMessage(fetchFailed(tlsError('CERT_NOT_YET_VALID', 'x')), 'the server at https://h:6443', {
      now,
    });
    expect(notYet).toBe(
      "the TLS certificate of the server at https://h:6443 is not valid yet (this machine's clock says " +
        '2026-12-03T12:00:00.000Z): the clocks of the two machines disagree; check the clocks of both machines ' +
        '(run `date -u` on each) and keep them in sync (NTP)',
    );
    expect(clockSkewMessage(tlsError('CERT_HAS_EXPIRED', 'x'), 'node n1', { now })).toMatch(
      /^the TLS certificate of node n1 has expired \(.*2026-12-03T12:00:00\.000Z\).*date -u/,
    );
    expect(clockSkewMessage(new Error('sslv3 alert certificate expired'), 'node n1', { now })).toMatch(
      /^node n1 refused this machine's TLS certificate as expired by its own clock .*date -u/,
    );
    expect(clockSkewMessage(tlsError('CERT_NOT_YET_VALID', 'x'), 'node n1', { now, self: 'the API server' })).toMatch(
      /^the TLS certificate of node n1 is not valid yet \(the API server's clock says 2026-12-03T12:00:00\.000Z\)/,
    );
  });

  it('is undefined when the failure has nothing to do with validity periods', () => {
    expect(clockSkewMessage(fetchFailed(tlsError('ECONNREFUSED', 'connect ECONNREFUSED')), 'node n1')).toBeUndefined();
  });
});
