import { describe, expect, it } from 'vitest';
import { blockCidr, blockIndex, parseClusterCidr } from './pod-cidr-allocator.ts';

describe('cluster CIDR blocks', () => {
  it('splits the cluster CIDR into /24 node blocks', () => {
    const cluster = parseClusterCidr('10.244.0.0/16');
    expect(cluster.count).toBe(256);
    expect(blockCidr(cluster, 0)).toBe('10.244.0.0/24');
    expect(blockCidr(cluster, 255)).toBe('10.244.255.0/24');
    expect(parseClusterCidr('10.248.7.9/13').text).toBe('10.248.0.0/13');
    expect(parseClusterCidr('10.0.0.0/8', 26).count).toBe(2 ** 18);
  });

  it('maps a requested podCIDR to its block, or says why it is not one', () => {
    const cluster = parseClusterCidr('10.244.0.0/16');
    expect(blockIndex(cluster, '10.244.7.0/24')).toBe(7);
    expect(blockIndex(cluster, '10.245.0.0/24')).toMatch(/outside the cluster CIDR 10\.244\.0\.0\/16/);
    expect(blockIndex(cluster, '10.244.7.128/25')).toMatch(/must be a \/24 block .* such as 10\.244\.7\.0\/24/);
    expect(blockIndex(cluster, '10.244.6.0/23')).toMatch(/must be a \/24 block/);
    expect(blockIndex(cluster, 'nope')).toMatch(/not an IPv4 CIDR/);
  });

  it('refuses a cluster CIDR smaller than a node block, naming the setting', () => {
    expect(() => parseClusterCidr('10.244.0.0/25')).toThrow(/CAPSTAN_CLUSTER_CIDR/);
    expect(() => parseClusterCidr('10.244.0/16')).toThrow(/CAPSTAN_CLUSTER_CIDR/);
  });
});
