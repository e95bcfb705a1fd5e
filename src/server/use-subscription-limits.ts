import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { KeyedLimiter } from '../util/limits.ts';
import { toClientError } from './client-error.ts';
import type { Identity } from '../auth/identity.ts';

/**
 * Caps the subscriptions a client holds open: per graphql-ws connection and per token (graphql-ws and SSE
 * together, in this API server). A subscription past a cap is answered with TOO_MANY_REQUESTS (`extensions.limit`
 * names the limit, its value and setting) before its resolver runs; the slot is freed when the stream ends.
 */
export function useSubscriptionLimits({
  perConnection,
  perToken,
}: {
  perConnection: number;
  perToken: number;
}): Plugin {
  const connections = new KeyedLimiter('subscriptionsPerConnection', perConnection);
  const tokens = new KeyedLimiter('subscriptionsPerToken', perToken);
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { identity?: Identity | null; connectionId?: string };
      const identity = context.identity;
      // Without an identity the resolver refuses the subscription (UNAUTHENTICATED): nothing to count.
      if (!identity) return;
      const releases: (() => void)[] = [];
      const release = (): void => {
        for (const r of releases.splice(0)) r();
      };
      try {
        if (context.connectionId) {
          releases.push(
            connections.acquire(context.connectionId, () => `this connection has ${perConnection} subscriptions open`),
          );
        }
        releases.push(
          tokens.acquire(identity.tokenName, () => `token "${identity.tokenName}" has ${perToken} subscriptions open`),
        );
      } catch (err) {
        release();
        setResultAndStopExecution({ errors: [toClientError(err)] });
        return;
      }
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return release();
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
