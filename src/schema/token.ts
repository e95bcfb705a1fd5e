import type { TokenSpec } from '../api/types.ts';
import type { TokenService } from '../auth/token-service.ts';
import { NODE_CREDENTIAL_TTL_SECONDS, type CreatedToken, type TokenSummary } from '../auth/tokens.ts';
import { CapstanError } from '../api/errors.ts';
import { builder } from './builder.ts';

export const TokenRoleEnum = builder.enumType('TokenRole', {
  values: {
    admin: { description: 'Everything.' },
    viewer: { description: 'Read-only.' },
    bootstrap: { description: 'May only join a node (joinNode); kubeadm-style join token.' },
    node: { description: 'Acts as one node: its Node, Lease, and the status of pods bound to it.' },
  } as const satisfies Record<TokenSpec['role'], unknown>,
});

const NodeCertificateRef = builder
  .objectRef<{ certificate: string; caCertificate: string }>('NodeCertificate')
  .implement({
    description: "A node endpoint's serving certificate, issued by the cluster CA from the node's CSR.",
    fields: (t) => ({
      certificate: t.exposeString('certificate', { nullable: false, description: 'PEM.' }),
      caCertificate: t.exposeString('caCertificate', {
        nullable: false,
        description: "The cluster CA (PEM): it signed this certificate and the API server's client certificate.",
      }),
    }),
  });

const TokenRef = builder.objectRef<TokenSummary>('Token').implement({
  description: 'An API token as an admin sees it: never its secret, which is shown once when it is made.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: false, description: 'The id part of the token (`<id>.<secret>`).' }),
    role: t.field({ type: TokenRoleEnum, nullable: false, resolve: (token) => token.role }),
    description: t.exposeString('description'),
    nodeName: t.exposeString('nodeName', { description: 'Role node: the node it acts as.' }),
    createdAt: t.exposeString('createdAt', { nullable: false }),
    expiresAt: t.exposeString('expiresAt', { description: 'None: never expires.' }),
    maxUses: t.exposeInt('maxUses', { description: 'Role bootstrap: how many nodes it may join.' }),
    uses: t.exposeInt('uses', { description: 'Role bootstrap with maxUses: how many it has joined.' }),
    signing: t.exposeBoolean('signing', {
      nullable: false,
      description: 'Signs the cluster-info document for discovery (kubeadm usage "signing").',
    }),
  }),
});

function tokensOf(context: { tokens?: TokenService }): TokenService {
  if (!context.tokens) throw new CapstanError('UNAVAILABLE', 'this API server manages no tokens');
  return context.tokens;
}

builder.queryFields((t) => ({
  tokens: t.field({
    type: [TokenRef],
    nullable: false,
    description: 'Every API token (admin only), oldest first; never a secret.',
    args: { role: t.arg({ type: TokenRoleEnum }) },
    resolve: (_root, args, context) => {
      return tokensOf(context).list(context.identity, args.role ? { role: args.role } : {});
    },
  }),
}));

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
      const defaultTtl = { bootstrap: 86_400, node: NODE_CREDENTIAL_TTL_SECONDS } as Partial<Record<string, number>>;
      const ttlSeconds = args.ttlSeconds ?? defaultTtl[args.role];
      return tokensOf(context).create(context.identity, {
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
  deleteToken: t.field({
    type: TokenRef,
    nullable: false,
    description:
      'Revokes a token (admin only) by its id or whole `<id>.<secret>`: refused from then on, and its open ' +
      'WebSocket and SSE sessions are closed.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => {
      return tokensOf(context).delete(context.identity, args.name);
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
      return tokensOf(context).join(bootstrap, args.nodeName);
    },
  }),
  requestNodeCertificate: t.field({
    type: NodeCertificateRef,
    nullable: false,
    description:
      "Signs a node's CSR (PEM PKCS#10) for the serving certificate of its endpoint (port 10250), as kubelet's " +
      'serving certificate: node credentials only; CN must be system:node:<that node>, names only its IPs and name.',
    args: { csr: t.arg.string({ required: true }) },
    resolve: async (_root, args, context) => {
      const { identity } = context;
      if (identity?.role !== 'node' || !identity.nodeName) {
        throw new CapstanError('FORBIDDEN', 'only a node credential can ask for a node certificate, for its own node');
      }
      if (!context.nodeCertificates) {
        throw new CapstanError('UNAVAILABLE', 'this API server signs no node certificates (it holds no cluster CA)');
      }
      const signed = await context.nodeCertificates.sign(identity.nodeName, args.csr);
      await tokensOf(context).recordCertificate(identity, signed.certificate);
      return signed;
    },
  }),
  renewNodeCredential: t.field({
    type: CredentialRef,
    nullable: false,
    description:
      'A new credential for the node the request authenticated as (node credentials only); the old one expires a ' +
      'minute later.',
    resolve: (_root, _args, context) => tokensOf(context).renew(context.identity),
  }),
}));
