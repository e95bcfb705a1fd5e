import type { Command } from 'commander';
import type * as sdk from '../../sdk/browser.ts';
import { KIND_INFO, notFound, notFoundLine, parseResourceArgs, type CliKind } from '../kinds.ts';
import { servicePorts } from '../printers.ts';
import { KIND_API, type AnyObject } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { age, formatMap, orNone, renderTable } from '../table.ts';
import { listArgs } from './get.ts';

type Line = [label: string, value: string] | string;

function section(lines: Line[], indent = ''): string {
  const labels = lines.filter((l): l is [string, string] => Array.isArray(l));
  const width = Math.max(0, ...labels.map(([label]) => label.length + 1)) + 2;
  return lines
    .map((l) => (Array.isArray(l) ? `${indent}${(l[0] ? `${l[0]}:` : '').padEnd(width)}${l[1]}` : `${indent}${l}`))
    .join('\n');
}

function multiline(label: string, pairs: { key: string; value: string }[]): Line[] {
  if (pairs.length === 0) return [[label, '<none>']];
  return pairs.map((p, i) => [i === 0 ? label : '', `${p.key}=${p.value}`] as [string, string]);
}

function common(object: AnyObject): Line[] {
  const meta = object.metadata;
  const owner = meta.ownerReferences.find((o) => o.controller);
  return [
    ['Name', meta.name],
    ...(meta.namespace ? [['Namespace', meta.namespace] as [string, string]] : []),
    ...multiline('Labels', meta.labels),
    ...multiline(
      'Annotations',
      meta.annotations.filter((a) => a.key !== 'kubectl.kubernetes.io/last-applied-configuration'),
    ),
    ['CreationTimestamp', meta.creationTimestamp],
    ...(meta.deletionTimestamp ? [['Terminating since', meta.deletionTimestamp] as [string, string]] : []),
    ...(owner ? [['Controlled By', `${owner.kind}/${owner.name}`] as [string, string]] : []),
  ];
}

function containers(spec: sdk.PodSpecFieldsFragment, statuses?: sdk.PodFieldsFragment['status']): string {
  const blocks = spec.containers.map((c) => {
    const status = statuses?.containerStatuses?.find((s) => s.name === c.name);
    const state = status?.state;
    const stateText = state?.running
      ? `Running (since ${state.running.startedAt ?? '?'})`
      : state?.waiting
        ? `Waiting (${state.waiting.reason ?? ''}${state.waiting.message ? `: ${state.waiting.message}` : ''})`
        : state?.terminated
          ? `Terminated (${state.terminated.reason ?? ''}, exit code ${state.terminated.exitCode})`
          : undefined;
    const lines: Line[] = [
      ['Image', c.image],
      [
        'Port',
        orNone(
          c.ports?.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`),
          ', ',
        ),
      ],
      ...(c.command ? [['Command', c.command.join(' ')] as [string, string]] : []),
      ...(c.args ? [['Args', c.args.join(' ')] as [string, string]] : []),
      ...(stateText ? [['State', stateText] as [string, string]] : []),
      ...(status?.lastState?.terminated
        ? [
            [
              'Last State',
              `Terminated (${status.lastState.terminated.reason ?? ''}, exit code ${status.lastState.terminated.exitCode})`,
            ] as [string, string],
          ]
        : []),
      ...(status
        ? [
            ['Ready', String(status.ready)] as [string, string],
            ['Restart Count', String(status.restartCount)] as [string, string],
          ]
        : []),
      ...(c.env?.length
        ? [['Environment', c.env.map((e) => `${e.name}=${e.value ?? ''}`).join(', ')] as [string, string]]
        : []),
    ];
    return `  ${c.name}:\n${section(lines, '    ')}`;
  });
  return `Containers:\n${blocks.join('\n')}`;
}

/** A kind's own fields (aligned with the common ones) and its further blocks (containers, conditions). */
function details(kind: CliKind, object: AnyObject): [Line[], ...string[]] {
  switch (kind) {
    case 'Pod': {
      const pod = object as sdk.PodFieldsFragment;
      const conditions = pod.status?.conditions ?? [];
      return [
        [
          ['Node', pod.spec?.nodeName ?? '<none>'],
          ['Status', pod.displayStatus],
          ['IP', pod.status?.podIP ?? '<none>'],
          ['Start Time', pod.status?.startTime ?? '<none>'],
        ],
        pod.spec ? containers(pod.spec, pod.status) : '',
        conditions.length
          ? `Conditions:\n${renderTable(
              ['Type', 'Status'],
              conditions.map((c) => [c.type, c.status]),
            ).replace(/^/gm, '  ')}`
          : '',
      ];
    }
    case 'ReplicationController':
    case 'Deployment': {
      const workload = object as sdk.DeploymentFieldsFragment | sdk.ReplicationControllerFieldsFragment;
      const selector =
        kind === 'Deployment'
          ? formatMap((object as sdk.DeploymentFieldsFragment).spec?.selector.matchLabels)
          : formatMap((object as sdk.ReplicationControllerFieldsFragment).spec?.selector);
      const status = workload.status;
      return [
        [
          ['Selector', selector],
          [
            'Replicas',
            `${workload.spec?.replicas ?? 0} desired | ${status?.replicas ?? 0} current | ${status?.readyReplicas ?? 0} ready | ${status?.availableReplicas ?? 0} available`,
          ],
          ...(kind === 'Deployment'
            ? ([
                ['StrategyType', (object as sdk.DeploymentFieldsFragment).spec?.strategy?.type ?? 'RollingUpdate'],
                ['Revision', String((object as sdk.DeploymentFieldsFragment).revision ?? '<none>')],
                ['Paused', String(Boolean((object as sdk.DeploymentFieldsFragment).spec?.paused))],
              ] as [string, string][])
            : []),
        ],
        workload.spec ? `Pod Template:\n${containers(workload.spec.template.spec).replace(/^/gm, '  ')}` : '',
      ];
    }
    case 'Service': {
      const service = object as sdk.ServiceFieldsFragment;
      return [
        [
          ['Selector', formatMap(service.spec?.selector)],
          ['Type', service.spec?.type ?? 'ClusterIP'],
          ['IP', service.spec?.clusterIP ?? '<none>'],
          ['Port(s)', servicePorts(service.spec?.ports)],
          ...((service.spec?.ports ?? []).map((p) => [`TargetPort ${p.port}`, String(p.targetPort ?? p.port)]) as [
            string,
            string,
          ][]),
          ...((service.spec?.ports ?? [])
            .filter((p) => p.nodePort)
            .map((p) => [`NodePort ${p.port}`, `${p.nodePort}/${p.protocol ?? 'TCP'}`]) as [string, string][]),
        ],
      ];
    }
    case 'Node': {
      const node = object as sdk.NodeFieldsFragment;
      return [
        [
          ['Status', node.displayStatus],
          ['Unschedulable', String(Boolean(node.spec?.unschedulable))],
          [
            'Addresses',
            orNone(
              node.status?.addresses?.map((a) => `${a.type}=${a.address}`),
              ', ',
            ),
          ],
          [
            'Capacity',
            `cpu=${node.status?.capacity?.cpu ?? '?'}, memory=${node.status?.capacity?.memory ?? '?'}, pods=${node.status?.capacity?.pods ?? '?'}`,
          ],
          ['Runtime', node.status?.nodeInfo?.containerRuntimeVersion ?? '<none>'],
        ],
        (node.status?.conditions ?? []).length
          ? `Conditions:\n${renderTable(
              ['Type', 'Status', 'Reason', 'Message'],
              (node.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
            ).replace(/^/gm, '  ')}`
          : '',
      ];
    }
    case 'ConfigMap': {
      const cm = object as sdk.ConfigMapFieldsFragment;
      return [
        [...(cm.immutable ? [['Immutable', 'true'] as [string, string]] : [])],
        dataSizes(cm.data, cm.binaryData),
      ];
    }
    case 'Secret': {
      const secret = object as sdk.SecretFieldsFragment;
      return [
        [['Type', secret.type], ...(secret.immutable ? [['Immutable', 'true'] as [string, string]] : [])],
        dataSizes(secret.data.map((d) => ({ key: d.key, value: Buffer.from(d.value, 'base64') }))),
      ];
    }
    case 'Lease': {
      const spec = (object as sdk.LeaseFieldsFragment).spec;
      return [
        [
          ['Holder Identity', spec?.holderIdentity ?? '<none>'],
          ['Lease Duration Seconds', spec?.leaseDurationSeconds == null ? '<none>' : String(spec.leaseDurationSeconds)],
          ['Acquire Time', spec?.acquireTime ?? '<none>'],
          ['Renew Time', spec?.renewTime ?? '<none>'],
        ],
      ];
    }
    default:
      return [[]];
  }
}

/** The `Data` block of a ConfigMap or Secret: each key with its size, never its value (as kubectl shows Secrets). */
function dataSizes(
  data: readonly { key: string; value: string | Buffer }[],
  binary: readonly { key: string; value: string }[] = [],
): string {
  const entries = [
    ...data.map((d) => [d.key, Buffer.byteLength(d.value)] as const),
    ...binary.map((d) => [d.key, Buffer.from(d.value, 'base64').length] as const),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return 'Data:  <none>';
  const width = Math.max(...entries.map(([k]) => k.length)) + 1;
  return `Data\n====\n${entries.map(([k, n]) => `${`${k}:`.padEnd(width)}  ${n} bytes`).join('\n')}`;
}

async function eventsOf(session: Session, kind: CliKind, object: AnyObject): Promise<string> {
  if (kind === 'Event') return '';
  const fieldSelector = `involvedObject.kind=${kind},involvedObject.name=${object.metadata.name}`;
  const list = await KIND_API.Event.list(session.api(), {
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : { allNamespaces: true }),
    fieldSelector,
  });
  const events = list.items as sdk.EventFieldsFragment[];
  if (events.length === 0) return 'Events:  <none>';
  const rows = events.map((e) => [
    e.type,
    e.reason,
    age(e.lastTimestamp ?? e.metadata.creationTimestamp),
    e.source?.component ?? '',
    e.message,
  ]);
  return `Events:\n${renderTable(['Type', 'Reason', 'Age', 'From', 'Message'], rows).replace(/^/gm, '  ')}`;
}

export function registerDescribeCommand(program: Command, io: CliIo): void {
  program
    .command('describe')
    .description('Show details of objects and their recent events')
    .argument('<type>', 'kind, e.g. pod, rc, deploy, svc, node (or KIND/NAME)')
    .argument('[names...]', 'names; all objects of the kind when none is given')
    .option('-A, --all-namespaces', 'describe across all namespaces')
    .option('-l, --selector <selector>', 'label selector')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan describe pod web-1\n  capstan describe deploy/web\n  capstan describe nodes',
    )
    .action(
      withSession(
        io,
        async (session, type: string, names: string[], flags: { allNamespaces?: boolean; selector?: string }) => {
          const refs = parseResourceArgs([type, ...names]);
          const described: string[] = [];
          const missing: { kind: CliKind; name: string }[] = [];
          for (const ref of refs) {
            const api = KIND_API[ref.kind];
            let objects: AnyObject[];
            if (ref.name) {
              const found = await api.get(session.api(), session.settings.namespace, ref.name);
              if (found === null) missing.push({ kind: ref.kind, name: ref.name });
              objects = found === null ? [] : [found];
            } else {
              objects = (await api.list(session.api(), listArgs(session, ref.kind, flags))).items;
            }
            for (const object of objects) {
              const [lines, ...blocks] = details(ref.kind, object);
              const parts = [
                section([...common(object), ...lines]),
                ...blocks,
                await eventsOf(session, ref.kind, object),
              ];
              described.push(parts.filter((p) => p !== '').join('\n'));
            }
          }
          // As kubectl: what was found is described, then one NotFound line for each name that was not (exit 1).
          if (described.length > 0) session.out(described.join('\n\n\n'));
          if (missing.length > 0) {
            for (const m of missing.slice(0, -1)) session.err(notFoundLine(m.kind, m.name));
            throw notFound(missing.at(-1)!.kind, missing.at(-1)!.name);
          }
          if (described.length === 0) {
            const clusterOnly = refs.every((r) => !KIND_INFO[r.kind].namespaced);
            const where = flags.allNamespaces || clusterOnly ? '' : ` in ${session.settings.namespace} namespace`;
            session.err(`No resources found${where}.`);
          }
        },
      ),
    );
}
