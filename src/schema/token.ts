import type { TokenSpec } from '../api/types.ts';
import { authorizeWrite } from '../auth/authorize.ts';
import {
  createToken,
  exchangeBootstrapToken,
  NODE_CREDENTIAL_TTL_SECONDS,
  renewNodeCredential,
  type CreatedToken,
} from '../auth/tokens.ts';
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
      ttlSeconds: t.arg.int({
        description: 'Lifetime; default: never expires (bootstrap: 24 hours, node: 7 days).',
      }),
      description: t.arg.string(),
      nodeName: t.arg.string({
        description: "Required for role node: an admin's approval of that node name (e.g. a node re-joining).",
      }),
      maxUses: t.arg.int({ description: 'Role bootstrap: how many nodes it may join (default: any number).' }),
    },
    resolve: (_root, args, context) => {
      authorizeWrite(context.identity, { kind: 'Token', name: '(new token)', verb: 'create' });
      const defaultTtl = { bootstrap: 86_400, node: NODE_CREDENTIAL_TTL_SECONDS } as Partial<Record<string, number>>;
      const ttlSeconds = args.ttlSeconds ?? defaultTtl[args.role];
      return createToken(context.store, {
        role: args.role,
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
        ...(args.description ? { description: args.description } : {}),
        ...(args.nodeName ? { nodeName: args.nodeName } : {}),
        ...(args.maxUses != null ? { maxUses: args.maxUses } : {}),
        ...(context.clusterInfo?.discoveryKubeconfig
          ? { discoveryKubeconfig: context.clusterInfo.discoveryKubeconfig }
          : {}),
      });
    },
  }),
  joinNode: t.field({
    type: CredentialRef,
    nullable: false,
    description:
      'Trades a bootstrap token (the argument, or the one the request authenticated with) for a credential of ' +
      'the node named nodeName, a name no node has registered or holds a credential for (CONFLICT otherwise).',
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
  renewNodeCredential: t.field({
    type: CredentialRef,
    nullable: false,
    description:
      'A new credential for the node the request authenticated as (node credentials only); the old one expires a ' +
      'minute later.',
    resolve: (_root, _args, context) => renewNodeCredential(context.store, context.identity),
  }),
}));
