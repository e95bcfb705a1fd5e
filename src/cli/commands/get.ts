import type { Command } from 'commander';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import { renderCustomColumns } from '../custom-columns.ts';
import {
  KIND_INFO,
  kindNames,
  notFound,
  notFoundLine,
  parseResourceArgs,
  type CliKind,
  type ResourceRef,
} from '../kinds.ts';
import {
  parseOutputSpec,
  qualifiedName,
  renderJsonPath,
  renderObjects,
  renderStructured,
  tableHeaders,
  tableRow,
  type OutputFormat,
  type OutputSpec,
  type TableOptions,
} from '../printers.ts';
import { KIND_API, type AnyObject, type ListArgs } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';

interface GetFlags {
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  output?: string;
  watch?: boolean;
  showLabels?: boolean;
  labelColumns?: string[];
  /** false with --no-headers (commander's negated option). */
  headers?: boolean;
  allowMissingTemplateKeys?: string | boolean;
}

/** Objects of one kind read for `get`, in the order asked. */
interface Fetched {
  kind: CliKind;
  objects: AnyObject[];
  /** Names asked for that are not there. */
  missing: string[];
  resourceVersion?: string;
}

export function listArgs(session: Session, kind: CliKind, flags: GetFlags): ListArgs {
  const scope: ListArgs = !KIND_INFO[kind].namespaced
    ? {}
    : flags.allNamespaces
      ? { allNamespaces: true }
      : { namespace: session.settings.namespace };
  return {
    ...scope,
    ...(flags.selector ? { labelSelector: flags.selector } : {}),
    ...(flags.fieldSelector ? { fieldSelector: flags.fieldSelector } : {}),
  };
}

async function fetchAll(session: Session, refs: ResourceRef[], flags: GetFlags): Promise<Fetched[]> {
  const client = session.api();
  const result: Fetched[] = [];
  for (const ref of refs) {
    const api = KIND_API[ref.kind];
    let entry = result.find((r) => r.kind === ref.kind);
    if (!entry) {
      entry = { kind: ref.kind, objects: [], missing: [] };
      result.push(entry);
    }
    if (ref.name !== undefined) {
      const object = await api.get(client, session.settings.namespace, ref.name);
      if (object) entry.objects.push(object);
      else entry.missing.push(ref.name);
    } else {
      const list = await api.list(client, listArgs(session, ref.kind, flags));
      for (const item of list.items) entry.objects.push(item); // not push(...items): a long list overflows the stack
      entry.resourceVersion = list.resourceVersion;
    }
  }
  return result;
}

/** A boolean flag given as `--flag` (true) or `--flag=VALUE`, with the values Go's flag parser accepts. */
export function parseBooleanFlag(flag: string, value: string | boolean | undefined): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new CliError(`invalid argument "${value}" for "${flag}" flag: use true or false`);
}

/** The `-L` keys, trimmed; an empty one is refused. */
function labelColumnsOf(values: string[] | undefined): string[] {
  const keys = (values ?? []).map((k) => k.trim());
  if (keys.some((k) => k === '')) throw new CliError('-L/--label-columns takes label keys, e.g. -L app,tier');
  return keys;
}

/** A table without its header row, for --no-headers. */
function withoutHeader(table: string): string {
  const newline = table.indexOf('\n');
  return newline === -1 ? '' : table.slice(newline + 1);
}

async function print(
  session: Session,
  fetched: Fetched[],
  output: OutputSpec,
  options: TableOptions,
  single: boolean,
): Promise<void> {
  const all = fetched.flatMap((f) => f.objects);
  if (output.format === 'jsonpath') {
    // As kubectl: the template runs on the document -o json prints, and nothing is added after its output.
    session.io.stdout.write(renderJsonPath(output.template, all, !single));
    return;
  }
  if (output.format === 'custom-columns') {
    const manifests = all.map((o) => capstanShapes().toManifest(o));
    const table = renderCustomColumns(output.columns, manifests, { noHeaders: options.noHeaders });
    if (table !== '') session.out(table);
    return;
  }
  const format = output.format;
  if (format === 'name') {
    for (const f of fetched) for (const o of f.objects) session.out(qualifiedName(f.kind, o.metadata.name));
    return;
  }
  if (format === 'yaml' || format === 'json') {
    if (all.length > 0 || !single) session.out(await renderStructured(all, format, !single));
    return;
  }
  const tables = fetched
    .filter((f) => f.objects.length > 0)
    .map((f) => renderObjects(f.kind, f.objects, options))
    .map((table) => (options.noHeaders ? withoutHeader(table) : table));
  if (tables.length > 0) session.out(tables.join('\n\n'));
}

/** Prints watch rows under the widths of the first table, widening columns only when a value needs it. */
class RowPrinter {
  private widths: number[] = [];

  constructor(private readonly session: Session) {}

  print(rows: string[][]): void {
    for (const row of rows) {
      row.forEach((cell, i) => (this.widths[i] = Math.max(this.widths[i] ?? 0, cell.length)));
    }
    for (const row of rows) {
      this.session.out(
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(this.widths[i]! + 3)))
          .join('')
          .trimEnd(),
      );
    }
  }
}

async function watch(session: Session, ref: ResourceRef, flags: GetFlags, format: OutputFormat, options: TableOptions) {
  const [initial] = await fetchAll(session, [{ kind: ref.kind }], {
    ...flags,
    fieldSelector: ref.name ? `metadata.name=${ref.name}` : flags.fieldSelector,
  });
  const printer = new RowPrinter(session);
  const { stringify } = format === 'yaml' ? await import('../yaml-lib.ts') : { stringify: undefined };
  const emit = (objects: AnyObject[], header: boolean) => {
    if (format === 'name') objects.forEach((o) => session.out(qualifiedName(ref.kind, o.metadata.name)));
    else if (format === 'json')
      objects.forEach((o) => session.out(JSON.stringify(capstanShapes().toManifest(o), null, 2)));
    else if (format === 'yaml')
      objects.forEach((o) => session.out(`---\n${stringify!(capstanShapes().toManifest(o)).trimEnd()}`));
    else {
      printer.print([
        ...(header && !options.noHeaders ? [tableHeaders(ref.kind, options)] : []),
        ...objects.map((o) => tableRow(ref.kind, o, options)),
      ]);
    }
  };
  emit(initial!.objects, true);
  const stream = KIND_API[ref.kind].watch(session.api(), {
    ...(KIND_INFO[ref.kind].namespaced && !flags.allNamespaces ? { namespace: session.settings.namespace } : {}),
    ...(flags.selector ? { labelSelector: flags.selector } : {}),
    fieldSelector: ref.name ? `metadata.name=${ref.name}` : flags.fieldSelector,
    sinceResourceVersion: initial!.resourceVersion,
  });
  const stop = () => void stream.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const event of stream) {
      if (event.object && (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')) {
        emit([event.object], false);
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function registerGetCommand(program: Command, io: CliIo): void {
  program
    .command('get')
    .description('List objects in kubectl-style tables, or print them as YAML, JSON, names, JSONPath or custom columns')
    .argument('<types>', `kind(s), comma-separated, or "all": ${kindNames().join(', ')}`)
    .argument('[names...]', 'names of objects (or give KIND/NAME)')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier in (front,back)')
    .option('--field-selector <selector>', 'field selector, e.g. status.phase=Running or spec.nodeName=node-1')
    .option(
      '-o, --output <format>',
      'wide | yaml | json | name | jsonpath=TEMPLATE | jsonpath-file=FILE | custom-columns=SPEC | custom-columns-file=FILE',
    )
    .option('-w, --watch', 'after listing, print every change as it happens (through a subscription)')
    .option('--show-labels', 'add a LABELS column')
    .option(
      '-L, --label-columns <keys>',
      'add a column with the value of each label KEY (comma-separated; repeatable)',
      (value: string, previous: string[] = []) => [...previous, ...value.split(',')],
    )
    .option('--no-headers', 'print tables and custom columns without their header row')
    .option(
      '--allow-missing-template-keys [bool]',
      'with -o jsonpath, print nothing for a missing key (true, the default) or fail (false)',
    )
    .addHelpText(
      'after',
      `
Examples:
  capstan get pods
  capstan get pods -A -o wide
  capstan get deploy,rc,svc -l app=web
  capstan get pod web-1 -o yaml
  capstan get svc/web ep/web
  capstan get pods -L app,tier
  capstan get pods --field-selector spec.nodeName=node-1
  capstan get pods -w
  capstan get all
  capstan get svc web -o jsonpath='{.spec.ports[0].nodePort}'
  capstan get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'
  capstan get pods -o jsonpath='{.items[?(@.status.phase=="Running")].metadata.name}'
  capstan get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP --no-headers`,
    )
    .action(
      withSession(io, async (session, types: string, names: string[], flags: GetFlags) => {
        const refs = parseResourceArgs([types, ...names]);
        const output = parseOutputSpec(flags.output, {
          allowMissingKeys: parseBooleanFlag('--allow-missing-template-keys', flags.allowMissingTemplateKeys),
        });
        const format = output.format;
        const kinds = [...new Set(refs.map((r) => r.kind))];
        const options: TableOptions = {
          wide: format === 'wide',
          withNamespace: Boolean(flags.allNamespaces),
          withKind: kinds.length > 1,
          showLabels: Boolean(flags.showLabels),
          labelColumns: labelColumnsOf(flags.labelColumns),
          noHeaders: flags.headers === false,
        };
        if (flags.watch) {
          if (refs.length !== 1) throw new CliError('--watch works on one kind (and at most one name) at a time');
          if (format === 'jsonpath' || format === 'custom-columns') {
            throw new CliError(`--watch does not support -o ${format}; use a table, -o wide, yaml, json or name`);
          }
          await watch(session, refs[0]!, flags, format, options);
          return;
        }
        const single = refs.length === 1 && refs[0]!.name !== undefined;
        const fetched = await fetchAll(session, refs, flags);
        const missing = fetched.flatMap((f) => f.missing.map((name) => ({ kind: f.kind, name })));
        if (missing.length > 0) {
          // As kubectl: what was found is printed, then one NotFound line for each name that was not.
          if (fetched.some((f) => f.objects.length > 0)) await print(session, fetched, output, options, single);
          for (const m of missing.slice(0, -1)) session.err(notFoundLine(m.kind, m.name));
          throw notFound(missing.at(-1)!.kind, missing.at(-1)!.name);
        }
        // kubectl says "No resources found" only for tables; a template or custom columns print for the empty list.
        const quietWhenEmpty = ['json', 'yaml', 'jsonpath', 'custom-columns'].includes(format);
        if (fetched.every((f) => f.objects.length === 0) && !quietWhenEmpty) {
          const where = flags.allNamespaces ? '' : ` in ${session.settings.namespace} namespace`;
          const clusterOnly = kinds.every((k) => !KIND_INFO[k].namespaced);
          session.err(`No resources found${clusterOnly ? '' : where}.`);
          return;
        }
        await print(session, fetched, output, options, single);
      }),
    );
}
