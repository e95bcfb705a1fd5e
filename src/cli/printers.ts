import { readFileSync } from 'node:fs';
import type * as sdk from '../sdk/browser.ts';
import { capstanShapes } from '../sdk/object-shapes.ts';
import { CliError } from './cli-error.ts';
import { parseCustomColumns, parseCustomColumnsFile, type CustomColumn } from './custom-columns.ts';
import { JsonPathError, parseJsonPath, type JsonPath } from './jsonpath.ts';
import { KIND_INFO, type CliKind } from './kinds.ts';
import type { AnyObject } from './resources.ts';
import { age, formatMap, orNone, renderTable } from './table.ts';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return 'table';
  if (['wide', 'yaml', 'json', 'name'].includes(value)) return value as OutputFormat;
  throw new CliError(`unknown output format "${value}" (use wide, yaml, json or name)`);
}

/** What `get -o` asks for: a fixed format, a JSONPath template or custom columns. */
export type OutputSpec =
  | { format: OutputFormat }
  | { format: 'jsonpath'; template: JsonPath }
  | { format: 'custom-columns'; columns: CustomColumn[] };

const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-file', 'custom-columns', 'custom-columns-file'];

function readTemplateFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads `-o` as kubectl does: `wide|yaml|json|name`, `jsonpath=TEMPLATE`, `jsonpath-file=FILE`,
 * `custom-columns=SPEC` or `custom-columns-file=FILE`; templates are parsed here, so a bad one fails before any request.
 */
export function parseOutputSpec(value: string | undefined, options: { allowMissingKeys?: boolean } = {}): OutputSpec {
  // `-o=json` reaches commander as "=json"; kubectl's flag parser reads it as "json".
  const output = value?.startsWith('=') ? value.slice(1) : value;
  if (output === undefined || output === '') return { format: 'table' };
  const eq = output.indexOf('=');
  const name = eq === -1 ? output : output.slice(0, eq);
  if (!TEMPLATE_FORMATS.includes(name)) {
    if (['wide', 'yaml', 'json', 'name'].includes(output)) return { format: output as OutputFormat };
    throw new CliError(
      `unknown output format "${output}" (use wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or custom-columns-file=FILE)`,
    );
  }
  const argument = eq === -1 ? '' : output.slice(eq + 1);
  if (name === 'custom-columns') return { format: 'custom-columns', columns: parseCustomColumns(argument) };
  if (argument === '') {
    throw new CliError(
      name === 'custom-columns-file'
        ? 'custom-columns-file format specified but no file given'
        : 'template format specified but no template given',
    );
  }
  if (name === 'custom-columns-file') {
    return { format: 'custom-columns', columns: parseCustomColumnsFile(readTemplateFile(argument)) };
  }
  const template = name === 'jsonpath-file' ? readTemplateFile(argument) : argument;
  try {
    return { format: 'jsonpath', template: parseJsonPath(template, options) };
  } catch (err) {
    if (err instanceof JsonPathError) throw new CliError(`error parsing jsonpath ${template}, ${err.message}`);
    throw err;
  }
}

export interface TableOptions {
  wide: boolean;
  /** Prefix a NAMESPACE column (with -A). */
  withNamespace: boolean;
  /** Print names as `pod/web-1`, as kubectl does when several kinds are listed. */
  withKind: boolean;
  showLabels: boolean;
  /** Label keys shown as columns of their own (`-L`), before LABELS. */
  labelColumns?: readonly string[];
  /** Leave out the header row (--no-headers). */
  noHeaders?: boolean;
  now?: number;
}

interface Columns {
  headers: string[];
  wideHeaders?: string[];
  row(object: never, now: number): string[];
  wideRow?(object: never): string[];
}

function containersAndImages(spec: { containers: { name: string; image: string }[] } | null | undefined): string[] {
  const containers = spec?.containers ?? [];
  return [orNone(containers.map((c) => c.name)), orNone(containers.map((c) => c.image))];
}

/** Service ports as kubectl prints them: `80/TCP`, or `80:31234/TCP` with a node port. */
export function servicePorts(
  ports: readonly { port: number; nodePort?: number | null; protocol?: string | null }[] | null | undefined,
): string {
  if (!ports || ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIp(service: sdk.ServiceFieldsFragment): string {
  if (service.spec?.type !== 'LoadBalancer') return '<none>';
  const ingress = service.status?.loadBalancer.ingress.map((i) => i.ip) ?? [];
  return ingress.length > 0 ? ingress.join(',') : '<pending>';
}

function endpointList(endpoints: sdk.EndpointsFieldsFragment): string {
  const all = endpoints.subsets.flatMap((s) =>
    s.addresses.flatMap((a) => (s.ports.length > 0 ? s.ports.map((p) => `${a.ip}:${p.port}`) : [a.ip])),
  );
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function nodeRoles(node: sdk.NodeFieldsFragment): string {
  const roles = node.metadata.labels
    .filter((l) => l.key.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.key.slice('node-role.kubernetes.io/'.length));
  return orNone(roles);
}

function nodeAddress(node: sdk.NodeFieldsFragment, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

const COLUMNS: Record<CliKind, Columns> = {
  Pod: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wideHeaders: ['IP', 'NODE'],
    row: (p: sdk.PodFieldsFragment, now) => [
      p.metadata.name,
      p.ready,
      p.displayStatus,
      String(p.restarts),
      age(p.metadata.creationTimestamp, now),
    ],
    wideRow: (p: sdk.PodFieldsFragment) => [p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>'],
  },
  ReplicationController: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (rc: sdk.ReplicationControllerFieldsFragment, now) => [
      rc.metadata.name,
      String(rc.spec?.replicas ?? 0),
      String(rc.status?.replicas ?? 0),
      String(rc.status?.readyReplicas ?? 0),
      age(rc.metadata.creationTimestamp, now),
    ],
    wideRow: (rc: sdk.ReplicationControllerFieldsFragment) => [
      ...containersAndImages(rc.spec?.template.spec),
      formatMap(rc.spec?.selector),
    ],
  },
  Deployment: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (d: sdk.DeploymentFieldsFragment, now) => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      String(d.status?.updatedReplicas ?? 0),
      String(d.status?.availableReplicas ?? 0),
      age(d.metadata.creationTimestamp, now),
    ],
    wideRow: (d: sdk.DeploymentFieldsFragment) => [
      ...containersAndImages(d.spec?.template.spec),
      formatMap(d.spec?.selector.matchLabels),
    ],
  },
  Service: {
    headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wideHeaders: ['SELECTOR'],
    row: (s: sdk.ServiceFieldsFragment, now) => [
      s.metadata.name,
      s.spec?.type ?? 'ClusterIP',
      s.spec?.clusterIP ?? '<none>',
      externalIp(s),
      servicePorts(s.spec?.ports),
      age(s.metadata.creationTimestamp, now),
    ],
    wideRow: (s: sdk.ServiceFieldsFragment) => [formatMap(s.spec?.selector)],
  },
  Endpoints: {
    headers: ['NAME', 'ENDPOINTS', 'AGE'],
    row: (e: sdk.EndpointsFieldsFragment, now) => [
      e.metadata.name,
      endpointList(e),
      age(e.metadata.creationTimestamp, now),
    ],
  },
  Node: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wideHeaders: ['INTERNAL-IP', 'OS-IMAGE', 'CONTAINER-RUNTIME'],
    row: (n: sdk.NodeFieldsFragment, now) => [
      n.metadata.name,
      n.displayStatus,
      nodeRoles(n),
      age(n.metadata.creationTimestamp, now),
      n.status?.nodeInfo?.kubeletVersion ?? '<none>',
    ],
    wideRow: (n: sdk.NodeFieldsFragment) => [
      nodeAddress(n, 'InternalIP'),
      n.status?.nodeInfo?.operatingSystem ?? '<none>',
      n.status?.nodeInfo?.containerRuntimeVersion ?? '<none>',
    ],
  },
  Namespace: {
    headers: ['NAME', 'STATUS', 'AGE'],
    row: (ns: sdk.NamespaceFieldsFragment, now) => [
      ns.metadata.name,
      ns.status?.phase ?? 'Active',
      age(ns.metadata.creationTimestamp, now),
    ],
  },
  Event: {
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    row: (e: sdk.EventFieldsFragment, now) => [
      age(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp, now),
      e.type,
      e.reason,
      `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
      e.message,
    ],
  },
  PersistentVolumeClaim: {
    headers: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'AGE'],
    row: (c: sdk.PersistentVolumeClaimFieldsFragment, now) => [
      c.metadata.name,
      c.status?.phase ?? 'Pending',
      c.spec?.volumeName ?? '',
      c.spec?.resources?.requests?.storage ?? '',
      (c.spec?.accessModes ?? [])
        .map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX' })[m])
        .join(','),
      c.spec?.storageClassName ?? '',
      age(c.metadata.creationTimestamp, now),
    ],
  },
  ConfigMap: {
    headers: ['NAME', 'DATA', 'AGE'],
    row: (c: sdk.ConfigMapFieldsFragment, now) => [
      c.metadata.name,
      String(c.data.length + c.binaryData.length),
      age(c.metadata.creationTimestamp, now),
    ],
  },
  // Counts only: a table never shows a Secret's values.
  Secret: {
    headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
    row: (s: sdk.SecretFieldsFragment, now) => [
      s.metadata.name,
      s.type,
      String(s.data.length),
      age(s.metadata.creationTimestamp, now),
    ],
  },
  // As kubectl: who holds the lease (a node's heartbeat: the node itself), and how old the object is.
  Lease: {
    headers: ['NAME', 'HOLDER', 'AGE'],
    row: (l: sdk.LeaseFieldsFragment, now) => [
      l.metadata.name,
      l.spec?.holderIdentity ?? '',
      age(l.metadata.creationTimestamp, now),
    ],
  },
};

/** `pod/web-1`, `deployment.apps/web`: how `-o name` and multi-kind tables name an object. */
export function qualifiedName(kind: CliKind, name: string): string {
  return `${KIND_INFO[kind].resource}/${name}`;
}

/** The header of a `-L KEY` column, as kubectl names it: the key's last `/` segment, upper-cased. */
export function labelColumnHeader(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1).toUpperCase();
}

/** The header row of a kind's table, for `get -w` which prints it once before the rows. */
export function tableHeaders(kind: CliKind, options: TableOptions): string[] {
  const columns = COLUMNS[kind];
  return [
    ...(options.withNamespace && KIND_INFO[kind].namespaced ? ['NAMESPACE'] : []),
    ...columns.headers,
    ...(options.wide ? (columns.wideHeaders ?? []) : []),
    ...(options.labelColumns ?? []).map(labelColumnHeader),
    ...(options.showLabels ? ['LABELS'] : []),
  ];
}

export function tableRow(kind: CliKind, object: AnyObject, options: TableOptions): string[] {
  const columns = COLUMNS[kind];
  const cells = columns.row(object as never, options.now ?? Date.now());
  if (options.withKind && kind !== 'Event') cells[0] = qualifiedName(kind, cells[0]!);
  return [
    ...(options.withNamespace && KIND_INFO[kind].namespaced ? [object.metadata.namespace ?? ''] : []),
    ...cells,
    ...(options.wide && columns.wideRow ? columns.wideRow(object as never) : []),
    ...(options.labelColumns ?? []).map((key) => object.metadata.labels.find((l) => l.key === key)?.value ?? ''),
    ...(options.showLabels ? [formatMap(object.metadata.labels)] : []),
  ];
}

/** A kind's objects as a kubectl table. */
export function renderObjects(kind: CliKind, objects: readonly AnyObject[], options: TableOptions): string {
  return renderTable(
    tableHeaders(kind, options),
    objects.map((o) => tableRow(kind, o, options)),
  );
}

/** The document `-o json` prints: the Kubernetes shape of one object, or of a v1 List holding several. */
export function structuredDocument(objects: readonly AnyObject[], asList: boolean): unknown {
  const manifests = objects.map((o) => capstanShapes().toManifest(o));
  return asList ? { apiVersion: 'v1', kind: 'List', items: manifests } : manifests[0];
}

/**
 * Objects as YAML (documents separated by ---) or JSON (one object, or a v1 List for several). The YAML library is
 * loaded here, on use: most commands print tables.
 */
export async function renderStructured(
  objects: readonly AnyObject[],
  format: 'yaml' | 'json',
  asList: boolean,
): Promise<string> {
  const value = structuredDocument(objects, asList);
  return format === 'json'
    ? JSON.stringify(value, null, 2)
    : (await import('./yaml-lib.ts')).stringify(value).trimEnd();
}

/** A JSONPath template executed on the document `-o json` would print; kubectl adds no newline after it. */
export function renderJsonPath(template: JsonPath, objects: readonly AnyObject[], asList: boolean): string {
  try {
    return template.execute(structuredDocument(objects, asList));
  } catch (err) {
    if (err instanceof JsonPathError) {
      throw new CliError(
        `error executing jsonpath ${JSON.stringify(template.template)}: Error executing template: ${err.message}`,
      );
    }
    throw err;
  }
}
