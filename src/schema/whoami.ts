import { CapstanError } from '../api/errors.ts';
import type { Identity } from '../auth/identity.ts';
import { builder } from './builder.ts';
import { TokenRoleEnum } from './token.ts';

const IdentityRef = builder.objectRef<Identity>('Identity').implement({
  description: 'Who a token is: what the API knows about the credential of the request.',
  fields: (t) => ({
    role: t.expose('role', { type: TokenRoleEnum, nullable: false }),
    tokenName: t.exposeString('tokenName', { nullable: false, description: 'Name of the Token object.' }),
    nodeName: t.exposeString('nodeName', { description: 'For role node: the Node this credential acts as.' }),
  }),
});

builder.queryField('whoami', (t) =>
  t.field({
    type: IdentityRef,
    nullable: false,
    description:
      "The identity behind the request's token (any valid token may ask); nodes check a saved credential with it.",
    resolve: (_root, _args, context) => {
      if (!context.identity) throw new CapstanError('UNAUTHENTICATED', 'whoami needs a token');
      return context.identity;
    },
  }),
);
