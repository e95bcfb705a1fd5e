import { Readable } from 'node:stream';
import { getOperationAST, type ExecutionResult } from 'graphql';
import { processRegularResult, type Plugin } from 'graphql-yoga';
import { answerListsAsJson, ItemsJson, putListsAsJson } from '../schema/items-json.ts';
import { SLICE_ITEMS } from '../schema/list-slices.ts';

/**
 * Long answers serialised and written a slice at a time, so that one big answer does not hold the event loop.
 *
 * yoga turns a result into one JSON string and writes it in one go: for a 30,000-pod list that is ~9 MB, 40-80 ms
 * of `JSON.stringify` and another 20-40 ms of encoding and copying into the socket, during which nothing else is
 * answered (in the scale benchmark's profile, 12-14 % of the control plane in those two blocks, and the tail of a
 * `label` mutation that arrived meanwhile). Here an answer holding a list longer than SLICE_ITEMS is instead
 * serialised into a stream: everything up to the list as it is, then the list's items SLICE_ITEMS at a time, each
 * slice one event-loop turn after the previous one and written as it is made (with the socket's back-pressure).
 * The bytes are exactly `JSON.stringify`'s; only the framing changes (chunked instead of a Content-Length).
 *
 * Only what yoga's regular processor would answer with 200 is sliced: a single result without errors or
 * extensions, as application/json or application/graphql-response+json. Everything else (errors, batches,
 * subscriptions, SSE, multipart) keeps yoga's own processing.
 *
 * Queries over HTTP that this processor would answer may have their long lists answered as JSON text kept per
 * object (`items-json.ts`): the executor completes an empty list, which is replaced here by the text once the
 * execution is done. Should the answer be processed by yoga after all (an error elsewhere in it), the text's
 * `toJSON` gives yoga's JSON.stringify the same items.
 */
export function useSlicedResponses({
  sliceItems = SLICE_ITEMS,
  listsAsJson = true,
}: { sliceItems?: number; listsAsJson?: boolean } = {}): Plugin {
  return {
    onExecute({ args }) {
      if (!listsAsJson) return;
      const context = args.contextValue as { request?: Request; transport?: string } | null | undefined;
      const request = context?.request;
      // Over HTTP only (yoga's Request, which need not be Node's own class); graphql-ws serialises answers itself.
      if (!request || typeof request.headers?.get !== 'function' || context.transport === 'ws') return;
      if (!regularMediaType(request)) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      answerListsAsJson(context!);
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          putListsAsJson(context!, result.data);
        },
      };
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      if (resultProcessor !== processRegularResult) return;
      if (Array.isArray(result) || !isPlainResult(result) || !hasLongList(result.data, sliceItems)) return;
      const mediaType = regularMediaType(request);
      if (!mediaType) return;
      setResultProcessor(
        (_result, fetchAPI) =>
          new fetchAPI.Response(Readable.from(slicedJson(result, sliceItems)) as unknown as BodyInit, {
            status: 200,
            headers: { 'Content-Type': `${mediaType}; charset=utf-8` },
          }),
        mediaType,
      );
    },
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

function isPlainResult(result: unknown): result is ExecutionResult {
  if (typeof result !== 'object' || result === null || Symbol.asyncIterator in result) return false;
  const r = result as ExecutionResult & { stringify?: unknown };
  return !r.errors?.length && r.extensions === undefined && r.stringify === undefined && r.data != null;
}

/**
 * Whether a list longer than `limit` is reachable through objects alone (GraphQL answers nest lists in objects:
 * `data.pods.items`); lists are not looked into, so this is cheap on any answer.
 */
function hasLongList(value: unknown, limit: number, depth = 0): boolean {
  if (Array.isArray(value) || value instanceof ItemsJson) return value.length > limit;
  if (typeof value !== 'object' || value === null || depth > 32) return false;
  for (const key in value) {
    if (hasLongList((value as Record<string, unknown>)[key], limit, depth + 1)) return true;
  }
  return false;
}

/**
 * The media type yoga's regular processor chose for this request: the same walk as its useResultProcessors (the
 * request's Accept types, last matching processor type wins). Undefined if none matches, which cannot happen
 * when the regular processor was chosen.
 */
function regularMediaType(request: Request): string | undefined {
  const types = ['application/graphql-response+json', 'application/json'];
  let chosen: string | undefined;
  const accepts = (request.headers.get('accept') || '*/*').replace(/\s/g, '').toLowerCase().split(',').reverse();
  for (const accept of accepts) {
    const [mediaType, ...params] = accept.split(';');
    const charset = params.find((p) => p.includes('charset=')) ?? 'charset=utf-8';
    if (mediaType === undefined || charset !== 'charset=utf-8') continue;
    const [askedPre, askedSuf] = mediaType.split('/');
    for (const type of types) {
      const [pre, suf] = type.split('/');
      if ((askedPre === '*' || askedPre === pre) && (askedSuf === '*' || askedSuf === suf)) chosen = type;
    }
  }
  return chosen;
}

/** Bytes of kept JSON text written per event-loop turn. */
const KEPT_SLICE_BYTES = 1 << 20;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `JSON.stringify(value)` as a sequence of Buffers: objects are walked key by key, a list longer than `sliceItems`
 * a chunk (and an event-loop turn) per `sliceItems` items; everything else is one `JSON.stringify`. Same output,
 * byte for byte, for JSON data (what a GraphQL result is).
 */
export async function* slicedJson(value: unknown, sliceItems = SLICE_ITEMS): AsyncGenerator<Buffer> {
  const parts: string[] = [];
  const flush = (): Buffer => {
    const chunk = Buffer.from(parts.join(''));
    parts.length = 0;
    return chunk;
  };
  // A walk with an explicit stack would avoid the nested generators, but answers are shallow (data.pods.items).
  async function* write(node: unknown, depth: number): AsyncGenerator<Buffer> {
    if (node instanceof ItemsJson) {
      // Items kept as JSON text: their slices as they are, a turn apart. Joining kept texts costs far less than
      // completing and serialising objects, so a slice is a size in bytes (about 1 ms of work) rather than
      // SLICE_ITEMS items.
      if (parts.length > 0) yield flush();
      let first = true;
      for (const slice of node.slices(KEPT_SLICE_BYTES)) {
        if (!first) await nextTurn();
        first = false;
        yield slice;
      }
      return;
    }
    if (Array.isArray(node) && node.length > sliceItems) {
      // One JSON.stringify per slice, not per item (a quarter less time, and no string per item): each slice's
      // "[a,b]" is written without its "]" unless it is the last, and after the first with "," for its "[".
      if (parts.length > 0) yield flush();
      for (let start = 0; start < node.length; start += sliceItems) {
        const end = Math.min(node.length, start + sliceItems);
        const chunk = Buffer.from(JSON.stringify(node.slice(start, end)));
        if (start > 0) chunk[0] = 0x2c; // ','
        if (end === node.length) {
          yield chunk;
          return;
        }
        yield chunk.subarray(0, chunk.length - 1);
        await nextTurn();
      }
      return;
    }
    if (typeof node === 'object' && node !== null && !Array.isArray(node) && depth < 32 && !('toJSON' in node)) {
      parts.push('{');
      let first = true;
      for (const key of Object.keys(node)) {
        const item = (node as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        parts.push(first ? '' : ',', JSON.stringify(key), ':');
        first = false;
        if (item instanceof ItemsJson || hasLongList(item, sliceItems)) yield* write(item, depth + 1);
        else parts.push(JSON.stringify(item) ?? 'null');
      }
      parts.push('}');
      return;
    }
    parts.push(JSON.stringify(node) ?? 'null');
  }
  yield* write(value, 0);
  yield flush();
}
