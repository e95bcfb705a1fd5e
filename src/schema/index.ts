import { enforceFieldRules } from '../auth/field-rules.ts';
import { builder } from './builder.ts';
import './common.ts';
import './pod-spec.ts';
import './pod.ts';
import './exec.ts';
import './node.ts';
import './replication-controller.ts';
import './deployment.ts';
import './workload.ts';
import './endpoints.ts';
import './service.ts';
import './namespace.ts';
import './event.ts';
import './persistent-volume-claim.ts';
import './config-map.ts';
import './secret.ts';
import './watch.ts';
import './apply.ts';
import './metadata.ts';
import './token.ts';
import './whoami.ts';
import './cluster-info.ts';
import './lease.ts';
import './status.ts';
import './usage.ts';

builder.queryType({ description: 'Read cluster state.' });
builder.mutationType({
  description:
    'Change desired state. Every write validates first and takes dryRun; updates take expectedResourceVersion.',
});
builder.subscriptionType({ description: 'Follow changes as they happen.' });

/** Capstan's GraphQL schema; every root field checks its caller's role first (src/auth/field-rules.ts). */
export const schema = enforceFieldRules(builder.toSchema({ sortSchema: false }));
