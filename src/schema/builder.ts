import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import SlicesPlugin from './slices-plugin.ts';
import { GraphQLError, Kind as AstKind } from 'graphql';
import type { Context } from '../server/context.ts';
import type { RequestLimiters } from '../util/limits.ts';
import type { ExecSource } from '../resolvers/exec.ts';
import type { LogSource } from '../resolvers/logs.ts';
import type { UsageSource } from '../resolvers/usage.ts';
import type { ClusterInfo } from './cluster-info.ts';
import type { NodeCertificateSigner } from '../pki/node-certificate.ts';

/**
 * The context the schema's resolvers see: the edge's request context plus optional ports that other parts of the
 * program may plug in. `logSource` and `execSource` are set by whoever can reach node agents, to stream container
 * logs and run commands in containers.
 */
export type SchemaContext = Context & {
  logSource?: LogSource;
  execSource?: ExecSource;
  /** Nodes' resource usage summaries (`Pod.usage`, `Node.usage`, `podUsage`). */
  usageSource?: UsageSource;
  clusterInfo?: ClusterInfo;
  /** Signs nodes' CSRs for their endpoint's serving certificate (the control plane, which holds the CA). */
  nodeCertificates?: NodeCertificateSigner;
  /** Set by the API server (createCapstanYoga); absent when the schema runs without one. */
  limiters?: RequestLimiters;
};

function parseIntOrString(value: unknown): number | string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new GraphQLError(`IntOrString must be an integer or a string, got ${JSON.stringify(value)}`);
}

export const builder = new SchemaBuilder<{
  Context: SchemaContext;
  DefaultFieldNullability: true;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    IntOrString: { Input: number | string; Output: number | string };
  };
}>({
  // Slices first: its wrapper is the outermost (Pothos composes plugins' resolver wrappers right to left).
  plugins: [SlicesPlugin, DataloaderPlugin],
});

builder.scalarType('IntOrString', {
  description: 'A port number or a port name, as Kubernetes IntOrString (e.g. targetPort: 8080 or "http").',
  serialize: parseIntOrString,
  parseValue: parseIntOrString,
  parseLiteral: (ast) => {
    if (ast.kind === AstKind.INT) return Number.parseInt(ast.value, 10);
    if (ast.kind === AstKind.STRING) return ast.value;
    throw new GraphQLError('IntOrString must be an integer or a string literal');
  },
});
