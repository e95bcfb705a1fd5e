import { CliError } from './cli-error.ts';
import { JsonPathError, parseJsonPath, printValue, type JsonPath } from './jsonpath.ts';

/** What `capstan wait --for=...` waits for, as kubectl's wait reads it. */
export type WaitFor =
  | { type: 'delete' }
  | { type: 'condition'; condition: string; value: string }
  | { type: 'jsonpath'; path: JsonPath; value?: string };

/**
 * Reads `--for`: `delete`, `condition=NAME` (status True), `condition=NAME=VALUE`, `jsonpath={PATH}=VALUE` or
 * `jsonpath={PATH}` (until the path is there).
 */
export function parseWaitFor(spec: string): WaitFor {
  if (spec.toLowerCase() === 'delete') return { type: 'delete' };
  if (spec.toLowerCase().startsWith('condition=')) {
    const [condition = '', value = 'True', ...rest] = spec.slice('condition='.length).split('=');
    if (condition === '' || value === '' || rest.length > 0) throw new CliError(`unrecognized condition: "${spec}"`);
    return { type: 'condition', condition, value };
  }
  if (spec.toLowerCase().startsWith('jsonpath=')) {
    const text = spec.slice('jsonpath='.length);
    const close = text.lastIndexOf('}');
    const template = close === -1 ? text : text.slice(0, close + 1);
    const rest = text.slice(template.length);
    if (rest !== '' && !rest.startsWith('=')) throw new CliError(`unrecognized condition: "${spec}"`);
    let path: JsonPath;
    try {
      path = parseJsonPath(template.startsWith('{') ? template : `{${template}}`, { allowMissingKeys: false });
    } catch (err) {
      if (err instanceof JsonPathError) throw new CliError(`error parsing jsonpath ${template}, ${err.message}`);
      throw err;
    }
    return rest === '' ? { type: 'jsonpath', path } : { type: 'jsonpath', path, value: rest.slice(1) };
  }
  throw new CliError(`unrecognized condition: "${spec}"`);
}

/** Whether an object (as its Kubernetes manifest) meets a `condition=` or `jsonpath=` wait. */
export function conditionMet(waitFor: Exclude<WaitFor, { type: 'delete' }>, manifest: unknown): boolean {
  if (waitFor.type === 'condition') {
    const status = (manifest as { status?: { conditions?: { type?: string; status?: string }[] | null } }).status;
    const condition = status?.conditions?.find((c) => c.type?.toLowerCase() === waitFor.condition.toLowerCase());
    return condition?.status?.toLowerCase() === waitFor.value.toLowerCase();
  }
  let results: unknown[][];
  try {
    results = waitFor.path.findResults(manifest);
  } catch (err) {
    if (err instanceof JsonPathError) return false;
    throw err;
  }
  const values = results.flat();
  if (values.length === 0) return false;
  if (waitFor.value === undefined) return true;
  return values.length === 1 && printValue(values[0]) === waitFor.value;
}
