import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * A compiled operation; what compileQuery answered instead (errors) or null (it threw): not compilable; or 1: it ran
 * once and is compiled when it runs again.
 */
type Compiled = CompiledQuery | ExecutionResult | null | 1;
type Execute = (args: ExecutionArgs) => ExecutionResult | Promise<ExecutionResult>;

/**
 * Executes queries with graphql-jit: each operation is compiled once into a function specialised for its selection,
 * which answers large lists several times faster than the interpreter (and with plain objects, which serialise
 * faster than graphql-js' prototype-less ones). Compiled operations are cached per parsed document, which yoga's
 * parser cache reuses for a repeated query text, so a document yoga forgets is forgotten here too. An operation is
 * compiled when it runs a second time: compiling costs more than interpreting once, and one-off query texts are
 * common (a CLI, GraphiQL).
 *
 * Only successful queries are answered by jit. Whatever jit cannot compile, and every query that ends with errors
 * (bad variables, NOT_FOUND, ...), is executed again by the regular executor, so clients see exactly the errors,
 * locations and HTTP statuses they always did; queries only read, so running one twice is harmless. Mutations
 * (which must not run twice) and subscriptions keep the regular executor.
 */
export function useGraphQLJit(): Plugin {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();

  function compiledFor(args: ExecutionArgs): Compiled {
    const operationName = args.operationName ?? '';
    let byName = compiled.get(args.document);
    if (!byName) {
      byName = new Map();
      compiled.set(args.document, byName);
    }
    let entry = byName.get(operationName);
    if (entry === undefined) {
      byName.set(operationName, 1);
      return 1;
    }
    if (typeof entry === 'number') {
      try {
        entry = compileQuery(args.schema, args.document, args.operationName ?? undefined, {
          // Error results are answered by the regular executor: jit's own stacks are never seen.
          disablingCapturingStackErrors: true,
        });
      } catch {
        entry = null;
      }
      byName.set(operationName, entry);
    }
    return entry;
  }

  function execute(args: ExecutionArgs, regular: Execute): ExecutionResult | Promise<ExecutionResult> {
    const entry = compiledFor(args);
    if (entry === null || entry === 1 || !isCompiledQuery(entry)) return regular(args);
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = entry.query(args.rootValue, args.contextValue, args.variableValues);
    } catch {
      return regular(args);
    }
    const settle = (done: ExecutionResult) => (done.errors?.length || !('data' in done) ? regular(args) : done);
    return result instanceof Promise ? result.then(settle, () => regular(args)) : settle(result);
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      const regular = executeFn as Execute;
      setExecuteFn(((execArgs: ExecutionArgs) => execute(execArgs, regular)) as typeof executeFn);
    },
  };
}
