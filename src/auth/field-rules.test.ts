import {
  execute,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  subscribe,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TokenSpec } from '../api/types.ts';
import { schema } from '../schema/index.ts';
import type { Identity } from './identity.ts';
import { AuthorizedStore } from './authorized-store.ts';
import { NODE_LEASE_NAMESPACE } from './authorize.ts';
import { tokenService } from './token-service.ts';
import type { Store } from '../store/store.ts';
import { FIELD_RULES, type FieldRule } from './field-rules.ts';

/**
 * The authorization table, generated from the schema: every Query, Mutation and Subscription field is called by
 * every role, with made-up arguments and the context a request gets (an AuthorizedStore for the caller, the token
 * service) over a store that only records that it was reached. A call the authorizer lets through reaches that
 * store (and fails there for want of a real one); a refused one ends FORBIDDEN or UNAUTHENTICATED before that. The
 * outcomes are compared with the checked-in table field-rules.table.txt: a new field, or a changed rule, fails
 * until the table says so (CAPSTAN_WRITE_AUTHZ_TABLE=1 rewrites it; review its diff).
 */

type Caller = 'anonymous' | TokenSpec['role'];
type Outcome = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED';

/** What each rule means for each caller: the roles of docs/architecture.md "Authorization". */
const MEANING: Record<FieldRule, Record<Caller, Outcome>> = {
  anyone: {
    anonymous: 'allowed',
    admin: 'allowed',
    viewer: 'allowed',
    node: 'allowed',
    bootstrap: 'allowed',
  },
  authenticated: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'allowed',
    node: 'allowed',
    bootstrap: 'allowed',
  },
  read: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'allowed',
    node: 'allowed',
    bootstrap: 'FORBIDDEN',
  },
  list: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'allowed',
    node: 'FORBIDDEN',
    bootstrap: 'FORBIDDEN',
  },
  secret: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'FORBIDDEN',
    node: 'allowed',
    bootstrap: 'FORBIDDEN',
  },
  write: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'FORBIDDEN',
    node: 'allowed',
    bootstrap: 'FORBIDDEN',
  },
  node: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'FORBIDDEN',
    viewer: 'FORBIDDEN',
    node: 'allowed',
    bootstrap: 'FORBIDDEN',
  },
  admin: {
    anonymous: 'UNAUTHENTICATED',
    admin: 'allowed',
    viewer: 'FORBIDDEN',
    node: 'FORBIDDEN',
    bootstrap: 'FORBIDDEN',
  },
};

const CALLERS: Caller[] = ['anonymous', 'admin', 'viewer', 'node', 'bootstrap'];

/** Object names are `x`, and so is the node: object-level checks of a node's own objects pass and reach the store. */
function identityOf(caller: Caller): Identity | null {
  if (caller === 'anonymous') return null;
  return { role: caller, tokenName: `${caller}-token`, ...(caller === 'node' ? { nodeName: 'x' } : {}) };
}

class Reached extends Error {}

/** A store any use of which shows the call got past authorization. */
const tripwire = new Proxy({} as Store, {
  get(_target, property) {
    if (property === 'then') return undefined;
    throw new Reached(`store.${String(property)}`);
  },
});

/**
 * A value of the type with every field filled (to a depth): names are `x` wherever a name can be given, namespaces
 * the node lease namespace, a token a well-formed bootstrap token.
 */
function sample(type: GraphQLInputType, depth = 0, name = ''): unknown {
  if (isNonNullType(type)) return sample(type.ofType, depth, name);
  if (isListType(type)) return [sample(type.ofType, depth, name)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) || depth < 3) out[f.name] = sample(f.type, depth + 1, f.name);
    }
    return out;
  }
  if (isScalarType(type)) {
    if (type.name === 'Int' || type.name === 'Float' || type.name === 'IntOrString') return 1;
    if (type.name === 'Boolean') return false;
    if (name === 'namespace') return NODE_LEASE_NAMESPACE;
    if (name === 'token') return 'abcdef.0123456789abcdef';
    return 'x';
  }
  return 'x';
}

function operation(kind: 'query' | 'mutation' | 'subscription', root: GraphQLObjectType, name: string) {
  const field = root.getFields()[name]!;
  const required = field.args;
  const variables = Object.fromEntries(required.map((a) => [a.name, sample(a.type, 0, a.name)]));
  const declared = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const passed = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = 'getFields' in named || 'getTypes' in named ? ' { __typename }' : '';
  const text = `${kind}${declared ? `(${declared})` : ''} { ${name}${passed ? `(${passed})` : ''}${selection} }`;
  return { document: parse(text), variables };
}

function outcomeOf(errors: readonly { originalError?: unknown }[] | undefined): Outcome {
  const code = (errors?.[0]?.originalError as { code?: string } | undefined)?.code;
  return code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? code : 'allowed';
}

async function call(
  kind: 'query' | 'mutation' | 'subscription',
  root: GraphQLObjectType,
  name: string,
  caller: Caller,
) {
  const { document, variables } = operation(kind, root, name);
  const identity = identityOf(caller);
  // As useAuth builds it; an anonymous call never gets this far over HTTP, and here meets the bare store.
  const contextValue = {
    identity,
    store: identity ? new AuthorizedStore(tripwire, identity) : tripwire,
    tokens: tokenService(tripwire),
  };
  if (kind === 'subscription') {
    const result = await subscribe({ schema, document, variableValues: variables, contextValue });
    if (Symbol.asyncIterator in result) {
      await result.return?.();
      return 'allowed';
    }
    return outcomeOf(result.errors);
  }
  const result = await execute({ schema, document, variableValues: variables, contextValue });
  return outcomeOf(result.errors);
}

const roots = [
  ['query', 'Query', schema.getQueryType()!],
  ['mutation', 'Mutation', schema.getMutationType()!],
  ['subscription', 'Subscription', schema.getSubscriptionType()!],
] as const;

const TABLE_FILE = new URL('./field-rules.table.txt', import.meta.url);

/** The table as text: one line per root field, its rule, and each caller's outcome in CALLERS order. */
function renderTable(rows: { field: string; rule: FieldRule; seen: Record<Caller, Outcome> }[]): string {
  const head = ['# field', 'rule', ...CALLERS];
  const lines = [head, ...rows.map((r) => [r.field, r.rule, ...CALLERS.map((c) => r.seen[c])])];
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const text = lines.map((l) =>
    l
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  return [
    '# Who may call each root field of the API: generated by src/auth/field-rules.test.ts from the built schema.',
    "# allowed: the call got past the rule to the request's store (an AuthorizedStore: object-level rules, such as",
    '# the ConfigMaps and Secrets a node may get, are then decided there on the stored object).',
    '# Rewrite with CAPSTAN_WRITE_AUTHZ_TABLE=1 npx vitest run src/auth/field-rules.test.ts and review the diff.',
    ...text,
    '',
  ].join('\n');
}

describe('authorization of every root field for every role', () => {
  it('matches the checked-in table (src/auth/field-rules.table.txt) for every root field and caller', async () => {
    const rows = [];
    for (const [kind, typeName, root] of roots) {
      for (const name of Object.keys(root.getFields()).sort()) {
        const seen = {} as Record<Caller, Outcome>;
        for (const caller of CALLERS) seen[caller] = await call(kind, root, name, caller);
        rows.push({ field: `${typeName}.${name}`, rule: FIELD_RULES[typeName][name] ?? ('none' as FieldRule), seen });
      }
    }
    const actual = renderTable(rows);
    if (process.env['CAPSTAN_WRITE_AUTHZ_TABLE'] === '1') writeFileSync(TABLE_FILE, actual);
    const expected = readFileSync(TABLE_FILE, 'utf8');
    // Line by line, so a failure names the fields whose outcome changed.
    expect(actual.split('\n')).toEqual(expected.split('\n'));
  });

  it('has a rule for every root field of the schema, and no rule for a field it lacks', () => {
    for (const [, typeName, root] of roots) {
      expect(Object.keys(FIELD_RULES[typeName]).sort()).toEqual(Object.keys(root.getFields()).sort());
    }
  });

  for (const [kind, typeName, root] of roots) {
    for (const name of Object.keys(root.getFields())) {
      const rule = FIELD_RULES[typeName][name]!;
      it(`${typeName}.${name} (${rule})`, async () => {
        const seen: Record<string, Outcome> = {};
        for (const caller of CALLERS) seen[caller] = await call(kind, root, name, caller);
        expect(seen).toEqual(MEANING[rule]);
      });
    }
  }
});
