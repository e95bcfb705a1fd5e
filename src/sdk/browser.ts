/**
 * The part of the SDK that runs in a browser as well as in Node: the generated documents, the client and its errors.
 * The dashboard bundles this entry; src/sdk/index.ts adds the Node-only pod streams (exec, attach, port-forward over
 * `ws`, with `node:stream`).
 */
export * from './generated/graphql.ts';
export {
  createCapstanClient,
  graphqlEndpoint,
  CSRF_HEADER,
  type CapstanClient,
  type CapstanClientOptions,
  type CapstanDocument,
  type Subscription,
} from './client.ts';
export {
  CapstanClientError,
  isCapstanClientError,
  type CapstanClientErrorCode,
  type ClientFieldViolation,
} from './errors.ts';
