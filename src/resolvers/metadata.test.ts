import { describe, expect, it } from 'vitest';
import { isCapstanError, type CapstanError } from '../api/errors.ts';
import { mergeMetadata, validateMetadataChanges } from './metadata.ts';

function thrown(fn: () => unknown): CapstanError {
  try {
    fn();
  } catch (err) {
    if (isCapstanError(err)) return err;
    throw err;
  }
  throw new Error('expected a CapstanError');
}

describe('mergeMetadata', () => {
  it('adds new keys and removes listed ones, reporting a change', () => {
    expect(mergeMetadata({ app: 'web', canary: 'true' }, { set: { tier: 'front' }, remove: ['canary'] })).toEqual({
      result: { app: 'web', tier: 'front' },
      changed: true,
      notFound: [],
    });
  });

  it('refuses to change an existing value without overwrite, in kubectl words, and names every such key', () => {
    const err = thrown(() => mergeMetadata({ app: 'web', tier: 'a' }, { set: { app: 'api', tier: 'b', new: 'x' } }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe(
      "'app' already has a value (web), and --overwrite is false; 'tier' already has a value (a), and --overwrite is false",
    );
  });

  it('changes an existing value with overwrite', () => {
    expect(mergeMetadata({ app: 'web' }, { set: { app: 'api' }, overwrite: true })).toEqual({
      result: { app: 'api' },
      changed: true,
      notFound: [],
    });
  });

  it('is no change when every value is already set and every removed key is absent', () => {
    expect(mergeMetadata({ app: 'web' }, { set: { app: 'web' }, remove: ['gone'] })).toEqual({
      result: { app: 'web' },
      changed: false,
      notFound: ['gone'],
    });
    expect(mergeMetadata(undefined, { remove: ['x'] })).toEqual({ result: {}, changed: false, notFound: ['x'] });
  });

  it('does not touch the map it was given', () => {
    const current = Object.freeze({ app: 'web' });
    mergeMetadata(current, { set: { tier: 'a' }, remove: ['app'] });
    expect(current).toEqual({ app: 'web' });
  });
});

describe('validateMetadataChanges', () => {
  it('refuses a label key and value that break the Kubernetes rules, naming them and the rule', () => {
    const err = thrown(() => validateMetadataChanges('labels', { set: { 'bad key': 'ok', good: 'bad value!' } }));
    expect(err.code).toBe('INVALID');
    expect(err.violations).toEqual([
      { field: 'metadata.labels', message: expect.stringMatching(/^Invalid value: "bad key": name part must consist/) },
      {
        field: 'metadata.labels',
        message: expect.stringMatching(/^Invalid value: "bad value!": a valid label must be an empty string/),
      },
    ]);
  });

  it('allows any annotation value but checks annotation keys, and checks the keys to remove', () => {
    expect(() => validateMetadataChanges('annotations', { set: { note: 'any text: with spaces!' } })).not.toThrow();
    expect(thrown(() => validateMetadataChanges('annotations', { set: { 'a/b/c': 'x' } })).message).toMatch(
      /^metadata\.annotations: Invalid value: "a\/b\/c"/,
    );
    expect(thrown(() => validateMetadataChanges('labels', { remove: ['-bad'] })).message).toMatch(/"-bad"/);
  });

  it('refuses a key that is both set and removed', () => {
    expect(thrown(() => validateMetadataChanges('labels', { set: { a: '1' }, remove: ['a'] })).message).toBe(
      "metadata.labels: can not both modify and remove the label 'a'",
    );
  });
});
