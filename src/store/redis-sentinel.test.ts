import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import { describeSentinel, sentinelClientOptions, sentinelFromEnv } from './redis-sentinel.ts';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isCapstanError(err, 'INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected an INVALID error');
}

describe('Redis Sentinel settings', () => {
  it('are off without REDIS_SENTINELS: one Redis at REDIS_URL, as before', () => {
    expect(sentinelFromEnv({})).toBeUndefined();
    expect(sentinelFromEnv({ REDIS_SENTINELS: '  ' })).toBeUndefined();
  });

  it('read host:port pairs (26379 when left out, IPv6 in brackets), the master name and the password', () => {
    expect(sentinelFromEnv({ REDIS_SENTINELS: '127.0.0.1:26380, sentinel-b ,[::1]:26381' })).toEqual({
      sentinels: [
        { host: '127.0.0.1', port: 26380 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
    });
    expect(
      sentinelFromEnv({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'capstan', REDIS_SENTINEL_PASSWORD: 's3cret' }),
    ).toEqual({ sentinels: [{ host: 'a', port: 1 }], name: 'capstan', sentinelPassword: 's3cret' });
  });

  it('refuse a bad entry or port, naming the variable', () => {
    for (const bad of ['a:0', 'a:70000', 'a:x', ':26379', 'a b:1', '[::1', 'a:1:2'])
      expect(invalid(() => sentinelFromEnv({ REDIS_SENTINELS: bad }))).toContain('REDIS_SENTINELS');
    expect(invalid(() => sentinelFromEnv({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'my master' }))).toContain(
      'REDIS_SENTINEL_MASTER',
    );
  });

  it('refuse a master name or password without sentinels rather than ignore them', () => {
    expect(invalid(() => sentinelFromEnv({ REDIS_SENTINEL_MASTER: 'm' }))).toContain('REDIS_SENTINELS');
    expect(invalid(() => sentinelFromEnv({ REDIS_SENTINEL_PASSWORD: 'p' }))).toContain('REDIS_SENTINELS');
  });

  it("keep REDIS_URL's ACL user, password and database, and ask the sentinels for the master", () => {
    const sentinel = sentinelFromEnv({ REDIS_SENTINELS: '127.0.0.1:26379', REDIS_SENTINEL_PASSWORD: 'sp' })!;
    const options = sentinelClientOptions('redis://capstan:p%40ss@127.0.0.1:6379/2', sentinel);
    expect(options).toMatchObject({
      sentinels: [{ host: '127.0.0.1', port: 26379 }],
      name: 'mymaster',
      role: 'master',
      username: 'capstan',
      password: 'p@ss',
      db: 2,
      sentinelPassword: 'sp',
      failoverDetector: true,
    });
    // A primary demoted under an open connection answers READONLY: reconnect and send the command again.
    expect(options.reconnectOnError!(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(options.reconnectOnError!(new Error('ERR unknown command'))).toBe(false);
    const plain = sentinelClientOptions('redis://127.0.0.1:6379', sentinel);
    expect(plain.username).toBeUndefined();
    expect(plain.password).toBeUndefined();
    expect(plain.db).toBeUndefined();
  });

  it('refuse a TLS URL or a database that is not a number with sentinels', () => {
    const sentinel = sentinelFromEnv({ REDIS_SENTINELS: 'a:1' })!;
    expect(invalid(() => sentinelClientOptions('rediss://h:1', sentinel))).toContain('REDIS_URL');
    expect(invalid(() => sentinelClientOptions('redis://h:1/x', sentinel))).toContain('database');
    expect(describeSentinel(sentinel)).toBe('the primary "mymaster" of the sentinels a:1');
  });
});
