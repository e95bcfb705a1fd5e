import type { TokenSpec } from '../api/types.ts';
import { authorizeWrite } from '../auth/authorize.ts';
import { createToken, exchangeBootstrapToken, type CreatedToken } from '../auth/tokens.ts';
import { CapstanError } from '../api/errors.ts';
import { builder } from './builder.ts';

export const TokenRoleEnum = builder.enumType('TokenRole', {
  values: {
    admin: { description: 'Everything.' },
    viewer: { description: 'Read-only.' },
    bootstrap: { description: 'May only join a node (joinNode); kubeadm-style join token.' },
    node: { description: 'Acts as one node: its Node, Lease, and the status of pods bound to it.' },
    exec: {
      description:
        "Runs commands in containers through node endpoints, and nothing in the API: an API server's credential for one exec.",
    },
  } as const satisfies Record<TokenSpec['role'], unknown>,
});

const CredentialRef = builder.objectRef<CreatedToken>('TokenCredential').implement({
  fields: (t) => ({
    token: t.exposeString('token', { nullable: false, description: 'The secret; shown once, only its hash is kept.' }),
    name: t.exposeString('name', { nullable: false }),
    expiresAt: t.exposeString('expiresAt'),
  }),
});

builder.mutationFields((t) => ({
  createToken: t.field({
    type: CredentialRef,
    nullable: false,
    description: 'A new API token (admin only). role bootstrap makes a join token for joinNode.',
    args: {
      role: t.arg({ type: TokenRoleEnum, required: true }),
      ttlSeconds: t.arg.int({ description: 'Lifetime; default: never expires (bootstrap: 24 hours).' }),
      description: t.arg.string(),
      nodeName: t.arg.string({ description: 'Required for role node.' }),
    },
    resolve: (_root, args, context) => {
      authorizeWrite(context.identity, { kind: 'Token', name: '(new token)', verb: 'create' });
      const ttlSeconds = args.ttlSeconds ?? (args.role === 'bootstrap' ? 86_400 : undefined);
      return createToken(context.store, {
        role: args.role,
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
        ...(args.description ? { description: args.description } : {}),
        ...(args.nodeName ? { nodeName: args.nodeName } : {}),
      });
    },
  }),
  joinNode: t.field({
    type: CredentialRef,
    nullable: false,
    description:
      'Trades a bootstrap token (the argument, or the one the request authenticated with) for a credential of ' +
      'the node named nodeName.',
    args: {
      token: t.arg.string(),
      nodeName: t.arg.string({ required: true }),
    },
    resolve: (_root, args, context) => {
      const bootstrap = args.token ?? context.identity;
      if (!bootstrap) throw new CapstanError('UNAUTHENTICATED', 'joinNode needs a bootstrap token');
      return exchangeBootstrapToken(context.store, bootstrap, args.nodeName);
    },
  }),
}));
