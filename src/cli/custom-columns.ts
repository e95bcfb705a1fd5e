import { CliError } from './cli-error.ts';
import { JsonPathError, parseJsonPath, type JsonPath } from './jsonpath.ts';
import { renderTable } from './table.ts';

/** One column of `-o custom-columns`: its header as given and the JSONPath that fills it. */
export interface CustomColumn {
  header: string;
  path: JsonPath;
}

/**
 * kubectl's relaxed column paths: `metadata.name`, `.metadata.name`, `{metadata.name}` and `{.metadata.name}` all
 * become `{.metadata.name}`.
 */
export function relaxedJsonPath(expression: string): string {
  if (expression === '') return '';
  const match = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
  if (!match) {
    throw new CliError(
      `unexpected path string ${JSON.stringify(expression)}, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'`,
    );
  }
  return `{.${match[1] ?? match[2]}}`;
}

function column(header: string, expression: string): CustomColumn {
  const template = relaxedJsonPath(expression);
  try {
    return { header, path: parseJsonPath(template) };
  } catch (err) {
    if (err instanceof JsonPathError) throw new CliError(`error parsing jsonpath ${template}, ${err.message}`);
    throw err;
  }
}

/** Columns from `HEADER:PATH,HEADER:PATH` (kubectl splits on every comma, so a path cannot hold one). */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === '') throw new CliError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon === -1) {
      throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    }
    return column(part.slice(0, colon), part.slice(colon + 1));
  });
}

/** Columns from a custom-columns file: a line of headers, then a line of paths, both split on whitespace. */
export function parseCustomColumnsFile(text: string): CustomColumn[] {
  const [headerLine, specLine] = text.split(/\r?\n/);
  const expected = 'Expected format is one line of space separated headers, one line of space separated column specs.';
  if (headerLine === undefined || headerLine.trim() === '') {
    throw new CliError(`invalid template, missing header line. ${expected}`);
  }
  if (specLine === undefined || specLine.trim() === '') {
    throw new CliError(`invalid template, missing spec line. ${expected}`);
  }
  const headers = headerLine.trim().split(/\s+/);
  const specs = specLine.trim().split(/\s+/);
  if (headers.length !== specs.length) {
    throw new CliError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  }
  return headers.map((header, i) => column(header, specs[i]!));
}

/** A value as Go's `%v` prints it, which is what kubectl puts in a custom column: `map[k:v]`, `[a b]`. */
export function formatColumnValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(formatColumnValue).join(' ')}]`;
  if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    const pairs = Object.keys(map)
      .sort()
      .map((k) => `${k}:${formatColumnValue(map[k])}`);
    return `map[${pairs.join(' ')}]`;
  }
  return String(value);
}

function cell(column: CustomColumn, object: unknown): string {
  let results: unknown[][];
  try {
    results = column.path.findResults(object);
  } catch (err) {
    if (err instanceof JsonPathError)
      throw new CliError(`column ${column.header} (${column.path.template}): ${err.message}`);
    throw err;
  }
  const values = results.flat();
  return results.length === 0 || results[0]!.length === 0 ? '<none>' : values.map(formatColumnValue).join(',');
}

/**
 * Objects (in their Kubernetes shape) as a table of custom columns: the headers as given (not upper-cased), one row
 * per object, several values in one cell joined by commas, `<none>` where the path finds nothing.
 */
export function renderCustomColumns(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  options: { noHeaders?: boolean } = {},
): string {
  const rows = objects.map((object) => columns.map((c) => cell(c, object)));
  // renderTable upper-cases its header row, and kubectl prints custom headers as the user wrote them: pass them as
  // the first row under blank headers, then drop that blank line.
  const headerRow = options.noHeaders ? [] : [columns.map((c) => c.header)];
  const table = renderTable(
    columns.map(() => ''),
    [...headerRow, ...rows],
  );
  return table.slice(table.indexOf('\n') + 1);
}
