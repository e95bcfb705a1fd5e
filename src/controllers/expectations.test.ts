import { describe, expect, it } from 'vitest';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.ts';

function setup() {
  let time = 1_000_000;
  const exp = new ControllerExpectations(() => time);
  return { exp, advance: (ms: number) => (time += ms) };
}

describe('ControllerExpectations', () => {
  it('is satisfied for a key it knows nothing about', () => {
    expect(setup().exp.satisfied('ReplicationController/ns/web')).toBe(true);
  });

  it('holds a key back until every expected creation has been observed', () => {
    const { exp } = setup();
    exp.expectCreations('rc', 3);
    exp.creationObserved('rc');
    exp.creationObserved('rc');
    expect(exp.satisfied('rc')).toBe(false);
    expect(exp.pending('rc')).toEqual({ adds: 1, deletes: 0 });
    exp.creationObserved('rc');
    expect(exp.satisfied('rc')).toBe(true);
  });

  it('counts the deletion of one pod once, even when observed twice', () => {
    const { exp } = setup();
    exp.expectDeletions('rc', ['uid-1', 'uid-2']);
    exp.deletionObserved('rc', 'uid-1');
    exp.deletionObserved('rc', 'uid-1');
    expect(exp.satisfied('rc')).toBe(false);
    exp.deletionObserved('rc', 'uid-2');
    expect(exp.satisfied('rc')).toBe(true);
  });

  it('ignores observations of pods it did not ask to delete', () => {
    const { exp } = setup();
    exp.expectDeletions('rc', ['uid-1']);
    exp.deletionObserved('rc', 'someone-else');
    expect(exp.satisfied('rc')).toBe(false);
  });

  it('expires expectations after five minutes so a lost event cannot stall a controller forever', () => {
    const { exp, advance } = setup();
    exp.expectCreations('rc', 2);
    advance(EXPECTATIONS_TIMEOUT_MS);
    expect(exp.satisfied('rc')).toBe(false);
    advance(1);
    expect(exp.satisfied('rc')).toBe(true);
  });

  it('keeps keys apart and forgets a deleted controller', () => {
    const { exp } = setup();
    exp.expectCreations('a', 1);
    exp.expectCreations('b', 1);
    exp.creationObserved('a');
    expect(exp.satisfied('a')).toBe(true);
    expect(exp.satisfied('b')).toBe(false);
    exp.delete('b');
    expect(exp.satisfied('b')).toBe(true);
    expect(exp.pending('b')).toBeUndefined();
  });
});
