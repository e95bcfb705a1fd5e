import { describe, expect, it } from 'vitest';
import { addressInRange, formatValue, inRange, intToIp, ipToInt, parseCidr, parsePortRange } from './addresses.ts';

describe('address ranges', () => {
  it('converts between dotted and integer addresses', () => {
    expect(ipToInt('10.96.0.10')).toBe(10 * 2 ** 24 + 96 * 2 ** 16 + 10);
    expect(intToIp(ipToInt('255.254.1.0'))).toBe('255.254.1.0');
  });

  it('leaves the network and broadcast addresses of a CIDR out and keeps reserved ones apart', () => {
    const range = parseCidr('10.96.0.0/16', ['10.96.0.10', '192.168.0.1']);
    expect(formatValue(range, range.first)).toBe('10.96.0.1');
    expect(formatValue(range, range.first + range.size - 1)).toBe('10.96.255.254');
    expect([...range.reserved].map(intToIp)).toEqual(['10.96.0.10']);
    expect(addressInRange(range, '10.96.0.0')).toBe(false);
    expect(addressInRange(range, '10.97.0.1')).toBe(false);
    expect(addressInRange(range, 'nonsense')).toBe(false);
    expect(parseCidr('127.0.100.7/24').text).toBe('127.0.100.0/24');
  });

  it('refuses malformed ranges', () => {
    expect(() => parseCidr('10.96.0.0')).toThrow(/10\.96\.0\.0\/16/);
    expect(() => parseCidr('10.96.0.0/31')).toThrow();
    expect(() => parsePortRange('32767-30000')).toThrow(/MIN-MAX/);
  });

  it('parses an inclusive port range', () => {
    const range = parsePortRange('30000-32767');
    expect(range.size).toBe(2768);
    expect(inRange(range, 32767)).toBe(true);
    expect(inRange(range, 32768)).toBe(false);
  });
});
