import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { isAsyncIterable } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { activeWebSocketConnections } from '../util/metrics.ts';
import { batchTextFrames } from './ws-batch.ts';
import type { Identity } from '../auth/identity.ts';
import type { TokenSessions } from './token-sessions.ts';
import { toClientError } from './client-error.ts';
import { identify, isUnauthenticatedError } from './use-auth.ts';
import { operationInfo, outcomeOf, recordOperation, type OperationInfo } from './use-telemetry.ts';
import { GRAPHQL_PATH, type CapstanYoga } from './yoga.ts';

/** Close code for a connection refused for want of a valid token (graphql-ws' own "Unauthorized"). */
export const WS_UNAUTHORIZED = 4401;
/** graphql-ws' close code for a connection whose token was revoked or expired while it was open. */
export const WS_FORBIDDEN = 4403;

type ConnectionExtra = {
  identity?: Identity;
  connectionId?: string;
};

type Enveloped = ReturnType<CapstanYoga['getEnveloped']>;

/** The bearer token's `Authorization` value from graphql-ws connectionParams: `authorization`, or `token`. */
function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.['authorization'] ?? params?.['Authorization'];
  if (typeof value === 'string') return value;
  const token = params?.['token'];
  return typeof token === 'string' ? `Bearer ${token}` : undefined;
}

/** A WebSocket close reason is limited to 123 bytes. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= 123
    ? text
    : `${bytes
        .subarray(0, 120)
        .toString()
        .replace(/\uFFFD+$/, '')}...`;
}

/**
 * A `next` message's payload serialised once for every subscription that receives the same result object. Results
 * of one change are shared by the subscribers of the same operation (use-shared-subscriptions.ts); graphql-ws would
 * still stringify the whole result once per subscriber, which with a thousand subscribers cost more than the rest
 * of a delivery. `onNext` hands graphql-ws this wrapper instead, the message replacer puts a mark where the payload
 * goes, and the socket's send puts the serialised payload in its place.
 */
class SerialisedPayload {
  constructor(readonly json: string) {}
}
const serialised = new WeakMap<object, SerialisedPayload>();
/** The mark, with a random part no client text can know; a payload is never a bare string otherwise. */
const PAYLOAD_MARK = `capstan-serialised-payload-${randomUUID()}`;
const MARKED_TAIL = `,"payload":${JSON.stringify(PAYLOAD_MARK)}}`;
/** The payload the message being stringified marked: stringify and send run in one synchronous step. */
let markedJson: string | undefined;

function serialisedPayload(result: ExecutionResult): SerialisedPayload | undefined {
  // Errors keep graphql-ws' own serialisation (GraphQLError#toJSON).
  if (result.errors) return undefined;
  let payload = serialised.get(result);
  if (!payload) {
    payload = new SerialisedPayload(JSON.stringify(result));
    serialised.set(result, payload);
  }
  return payload;
}

function messageReplacer(key: string, value: unknown): unknown {
  if (key === '') markedJson = undefined;
  else if (key === 'payload' && value instanceof SerialisedPayload) {
    markedJson = value.json;
    return PAYLOAD_MARK;
  }
  return value;
}

/** The message with its marked payload in place; any other message as it is. */
function withPayload(data: string): string {
  if (markedJson === undefined || !data.endsWith(MARKED_TAIL)) return data;
  const json = markedJson;
  markedJson = undefined;
  return `${data.slice(0, data.length - MARKED_TAIL.length)},"payload":${json}}`;
}

/**
 * Serves the graphql-ws protocol on the HTTP server's /graphql path with the same schema, plugins (limits,
 * masking, metrics) and authorization as HTTP requests. A client authenticates once, in connection_init:
 * `connectionParams: { authorization: 'Bearer <token>' }` (or `{ token }`, or an Authorization header on the
 * upgrade request for non-browser clients); a connection without a valid token is closed with 4401.
 */
export function attachGraphQLWebSocket(options: {
  server: Server;
  yoga: CapstanYoga;
  store: Store;
  logger: Logger;
  maxPayloadBytes: number;
  authCacheTtlMs?: number;
  /** Other WebSocket endpoints of the server (streams): true when it took the request. */
  otherUpgrades?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Closes a connection when its token is revoked or expires. */
  sessions?: TokenSessions;
}): { dispose(): Promise<void> } {
  const { server, yoga, store, maxPayloadBytes, authCacheTtlMs } = options;
  const log = options.logger.child({ component: 'api', transport: 'ws' });
  const wss = new WebSocketServer({ noServer: true, path: GRAPHQL_PATH, maxPayload: maxPayloadBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (options.otherUpgrades?.(req, socket, head)) return;
    if (!wss.shouldHandle(req)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);
  wss.on('connection', (socket, request) => {
    activeWebSocketConnections.inc();
    socket.once('close', () => activeWebSocketConnections.dec());
    batchTextFrames(socket, request.socket, withPayload);
  });
  const started = new Map<string, { at: number; info: OperationInfo }>();

  function finish(connectionId: string, id: string, info: OperationInfo, at: number, outcome: string): void {
    const seconds = (performance.now() - at) / 1000;
    recordOperation(info, 'ws', outcome, seconds);
    log.info(
      {
        connectionId,
        operationId: id,
        operationType: info.type,
        ...(info.name ? { operationName: info.name } : {}),
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(outcome !== 'ok' ? { errorCode: outcome } : {}),
      },
      'graphql-ws operation',
    );
  }

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      isProd: true,
      jsonMessageReplacer: messageReplacer,
      // The wrapper stands in for the result until messageReplacer and withPayload put its JSON in the message.
      onNext: (_ctx, _id, _payload, _args, result) => serialisedPayload(result) as FormattedExecutionResult | undefined,
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onConnect: async (ctx) => {
        const extra = ctx.extra;
        extra.connectionId = randomUUID();
        const authorization = authorizationFrom(ctx.connectionParams) ?? extra.request.headers.authorization;
        try {
          extra.identity = await identify(store, authorization, authCacheTtlMs);
          const socket = extra.socket;
          const unregister = options.sessions?.register(extra.identity, (reason) =>
            socket.close(WS_FORBIDDEN, closeReason(`FORBIDDEN: ${reason}`)),
          );
          if (unregister) socket.once('close', unregister);
          log.debug({ connectionId: extra.connectionId, tokenName: extra.identity.tokenName }, 'connection accepted');
          return true;
        } catch (err) {
          if (isUnauthenticatedError(err)) {
            const message = authorization
              ? err.message
              : 'authentication required: send connectionParams { authorization: "Bearer <token>" }';
            extra.socket.close(WS_UNAUTHORIZED, closeReason(`UNAUTHENTICATED: ${message}`));
          } else {
            log.error({ err }, 'authentication failed');
            extra.socket.close(1011, 'authentication is unavailable');
          }
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const at = performance.now();
        const connectionId = ctx.extra.connectionId ?? '';
        const enveloped = yoga.getEnveloped({
          identity: ctx.extra.identity,
          transport: 'ws',
          connectionId,
          params: payload,
        });
        let info: OperationInfo = { type: 'none' };
        try {
          const document = enveloped.parse(payload.query);
          info = operationInfo(document, payload.operationName);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) {
            finish(connectionId, id, info, at, outcomeOf(errors));
            return errors;
          }
          const args: ExecutionArgs = {
            schema: enveloped.schema,
            document,
            operationName: payload.operationName ?? null,
            variableValues: payload.variables ?? null,
            contextValue: await enveloped.contextFactory(),
            rootValue: enveloped,
          };
          started.set(`${connectionId}/${id}`, { at, info });
          return args;
        } catch (err) {
          const error = toClientError(err);
          if (error.extensions['code'] === 'INTERNAL_SERVER_ERROR') log.error({ err }, 'graphql-ws operation failed');
          finish(connectionId, id, info, at, outcomeOf([error]));
          return [error];
        }
      },
      onClose: (ctx) => {
        const prefix = `${ctx.extra.connectionId ?? ''}/`;
        for (const key of started.keys()) if (key.startsWith(prefix)) started.delete(key);
      },
      onOperation: async (ctx, id, _payload, _args, operationResult) => {
        const key = `${ctx.extra.connectionId ?? ''}/${id}`;
        const op = started.get(key);
        started.delete(key);
        if (!op) return;
        const result = await operationResult;
        const outcome = isAsyncIterable(result) ? 'ok' : outcomeOf(result.errors);
        finish(ctx.extra.connectionId ?? '', id, op.info, op.at, outcome);
      },
    },
    wss,
  );
  return {
    dispose: async () => {
      server.off('upgrade', onUpgrade);
      await disposable.dispose();
    },
  };
}
