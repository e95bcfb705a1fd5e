// The YAML half of reading a manifest, in plain JavaScript so that a worker thread can run this very file
// (src/resolvers/manifest-parser.ts) under vitest and from the build alike; it imports nothing but `yaml`.
// Types: yaml-reader.d.mts.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { LineCounter, parseAllDocuments } from 'yaml';

/** Alias expansions allowed per document (yaml's default too): a manifest that needs more is an attack. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of maps and lists in a document; Kubernetes objects stay far below it. */
export const MAX_DEPTH = 64;

function depthOver(value, max) {
  const stack = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Reads multi-document YAML into plain values: `{ documents: [{ value, line }] }` for the non-empty documents (line:
 * 1-based line where the content starts), or `{ error: { field, message } }` for the first syntax error (with its
 * line and column), a document past the alias budget, or one nested deeper than MAX_DEPTH.
 */
export function readYamlDocuments(text) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  if (!Array.isArray(docs)) return { documents: [] };
  const documents = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
      return { error: { field: 'manifest', message: `YAML syntax error at ${where}: ${error.message}` } };
    }
    const field = `manifest[${documents.length}]`;
    let value;
    try {
      // maxAliasCount: a document whose aliases expand past this is refused (the "billion laughs" attack).
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      return { error: { field, message: `cannot be read: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (value === null || value === undefined) continue;
    const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
    if (depthOver(value, MAX_DEPTH)) {
      const message = `document ${documents.length} (line ${line}): nested deeper than ${MAX_DEPTH} levels`;
      return { error: { field, message } };
    }
    documents.push({ value, line });
  }
  return { documents };
}

// As a worker (workerData.capstanYamlReader): answer { id, text } with { id, result }, after saying it is ready.
if (!isMainThread && workerData?.capstanYamlReader && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, text }) => port.postMessage({ id, result: readYamlDocuments(text) }));
  port.postMessage({ ready: true });
}
