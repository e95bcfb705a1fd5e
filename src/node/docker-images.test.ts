import { describe, expect, it } from 'vitest';
import { hasRegistryHost } from './docker-images.ts';

describe('hasRegistryHost', () => {
  it('tells references with a registry host from Docker Hub ones', () => {
    expect(hasRegistryHost('127.0.0.1:5999/missing:1')).toBe(true);
    expect(hasRegistryHost('registry.local/team/app')).toBe(true);
    expect(hasRegistryHost('localhost/app')).toBe(true);
    expect(hasRegistryHost('capstan/hello:latest')).toBe(false);
    expect(hasRegistryHost('busybox')).toBe(false);
  });
});
