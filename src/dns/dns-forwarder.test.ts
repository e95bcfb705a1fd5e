import { describe, expect, it } from 'vitest';
import { parseUpstream } from './dns-forwarder.ts';

describe('parseUpstream', () => {
  it('reads an address with or without a port', () => {
    expect(parseUpstream('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseUpstream('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(parseUpstream('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
  });

  it('rejects host names and bad ports with the expected form', () => {
    expect(() => parseUpstream('resolver.example:53')).toThrow(/upstream: "resolver.example:53" must be ip:port/);
    expect(() => parseUpstream('127.0.0.1:70000')).toThrow(/must be ip:port/);
    expect(() => parseUpstream('::1')).toThrow(/must be ip:port/);
  });
});
