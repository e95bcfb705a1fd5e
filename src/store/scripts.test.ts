import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CREATE_SCRIPT, scriptRefusal, UPDATE_SCRIPT } from './scripts.ts';

describe('Write script refusals', () => {
  it('reads the code of a `CAPSTAN <code>` error reply', () => {
    expect(scriptRefusal(new ReplyError('CAPSTAN CONFLICT'))).toBe('CONFLICT');
    expect(scriptRefusal(new ReplyError('CAPSTAN NAMESPACE_TERMINATING'))).toBe('NAMESPACE_TERMINATING');
  });

  it('does not take a code from anywhere else in a message, nor from errors that are not Redis replies', () => {
    expect(scriptRefusal(new ReplyError('ERR Error running script: CONFLICT'))).toBeUndefined();
    expect(scriptRefusal(new ReplyError('CAPSTAN SOMETHING_ELSE'))).toBeUndefined();
    expect(scriptRefusal(new Error('CAPSTAN CONFLICT'))).toBeUndefined();
    expect(scriptRefusal('CAPSTAN CONFLICT')).toBeUndefined();
  });

  it('is what the create and update scripts reply', () => {
    const replies = [...`${CREATE_SCRIPT}${UPDATE_SCRIPT}`.matchAll(/err = '([^']*)'/g)].map((m) => m[1]);
    expect(replies.length).toBe(5);
    for (const reply of replies) expect(scriptRefusal(new ReplyError(reply)), reply).toBeDefined();
  });
});
