import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import { isExpectedError, toGraphQLError } from './errors.ts';

describe('toGraphQLError', () => {
  it('maps each CapstanError code to its extensions.code', () => {
    const cases = [
      ['NOT_FOUND', 'NOT_FOUND'],
      ['ALREADY_EXISTS', 'CONFLICT'],
      ['CONFLICT', 'CONFLICT'],
      ['FORBIDDEN', 'FORBIDDEN'],
      ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
      ['UNAVAILABLE', 'UNAVAILABLE'],
      ['EXPIRED', 'EXPIRED'],
    ] as const;
    for (const [code, expected] of cases) {
      const error = toGraphQLError(new CapstanError(code, `it is ${code}`));
      expect(error.extensions.code).toBe(expected);
      expect(error.message).toBe(`it is ${code}`);
    }
  });

  it('turns INVALID into BAD_USER_INPUT carrying the field violations', () => {
    const violations = [{ field: 'spec.replicas', message: 'must be 0 or more' }];
    const error = toGraphQLError(CapstanError.invalid(violations));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: violations });
  });

  it('keeps the path of a resolver error that wraps a CapstanError', () => {
    const wrapped = new GraphQLError('x', {
      path: ['pod'],
      originalError: new CapstanError('NOT_FOUND', 'Pod default/a not found'),
    });
    const error = toGraphQLError(wrapped);
    expect(error.path).toEqual(['pod']);
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  it('passes GraphQL validation errors through and masks everything else', () => {
    const validation = new GraphQLError('Cannot query field "x" on type "Query".');
    expect(toGraphQLError(validation)).toBe(validation);
    const leaked = toGraphQLError(
      new GraphQLError('boom', { originalError: new Error('ECONNREFUSED 127.0.0.1:6379') }),
    );
    expect(leaked.message).toBe('Unexpected error.');
    expect(leaked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(isExpectedError(new Error('redis down'))).toBe(false);
    expect(isExpectedError(new CapstanError('CONFLICT', 'stale'))).toBe(true);
  });
});
