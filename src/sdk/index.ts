/**
 * Capstan's TypeScript SDK: the typed GraphQL documents generated from `schema.graphql` and the operations in
 * src/sdk/operations (regenerate with `npm run sdk:generate`), and a small client that runs them.
 *
 * ```ts
 * const client = createCapstanClient({ url: 'http://127.0.0.1:7070', token });
 * const { pods } = await client.request(ListPodsDocument, { namespace: 'default' });
 * for await (const event of client.subscribe(WatchPodsDocument, { namespace: 'default' })) { ... }
 * ```
 */
export * from './browser.ts';
export {
  CHANNEL,
  STREAM_PROTOCOL,
  StreamError,
  decodeFrame,
  encodeFrame,
  openAttachStream,
  openExecStream,
  openPortForwardStream,
  openStream,
  type ClientStream,
  type ExecStreamRequest,
  type StreamConnectOptions,
  type StreamStatus,
} from './pod-streams.ts';
