import type {
  ContainerState,
  ContainerStatus,
  HostPortMapping,
  Pod,
  PodCondition,
  PodPhase,
  PodStatus,
} from '../api/types.ts';
import type { ContainerInfo } from './runtime.ts';

/** What the agent knows about one container of the pod, in spec order. */
export interface ContainerView {
  name: string;
  image: string;
  /** The newest attempt of the container. */
  current?: ContainerInfo;
  /** The attempt before it, when still present (source of lastState). */
  previous?: ContainerInfo;
  /** Why the container is not running when the agent knows better than the engine (image pull, back-off, config). */
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
}

export interface StatusInput {
  pod: Pod;
  containers: ContainerView[];
  sandbox?: { podIP?: string; hostPorts: HostPortMapping[]; createdAt?: string };
  hostIP: string;
  /** ISO time of this computation. */
  now: string;
  /** A pod-level explanation while it cannot start (e.g. a missing PersistentVolumeClaim). */
  message?: string;
}

/** Docker reports nanoseconds; the object model uses millisecond ISO timestamps. */
export function isoTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function terminatedState(c: ContainerInfo): ContainerState {
  const exitCode = c.exitCode ?? 0;
  return {
    terminated: {
      exitCode,
      reason: c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      ...(c.error ? { message: c.error } : {}),
      ...(isoTime(c.startedAt) ? { startedAt: isoTime(c.startedAt) } : {}),
      ...(isoTime(c.finishedAt) ? { finishedAt: isoTime(c.finishedAt) } : {}),
    },
  };
}

export function containerStatus(view: ContainerView): ContainerStatus {
  const { current, previous } = view;
  let state: ContainerState;
  let lastState: ContainerState | undefined;
  if (view.waiting) {
    state = {
      waiting: { reason: view.waiting.reason, ...(view.waiting.message ? { message: view.waiting.message } : {}) },
    };
    if (current?.state === 'exited') lastState = terminatedState(current);
  } else if (current?.state === 'running') {
    state = { running: { ...(isoTime(current.startedAt) ? { startedAt: isoTime(current.startedAt) } : {}) } };
  } else if (current?.state === 'exited') {
    state = terminatedState(current);
  } else {
    state = { waiting: { reason: 'ContainerCreating' } };
  }
  if (!lastState && previous?.state === 'exited') lastState = terminatedState(previous);
  const running = current?.state === 'running' && !view.waiting;
  return {
    name: view.name,
    image: view.image,
    ...(current?.imageId ? { imageID: current.imageId } : {}),
    ...(current ? { containerID: `docker://${current.id}` } : {}),
    ready: running && view.ready,
    started: running && view.started,
    restartCount: current?.restartCount ?? previous?.restartCount ?? 0,
    state,
    ...(lastState ? { lastState } : {}),
  };
}

/** The kubelet's getPhase: a container waiting that never ran keeps the pod Pending. */
export function podPhase(pod: Pod, statuses: ContainerStatus[]): PodPhase {
  const previous = pod.status?.phase;
  if (previous === 'Succeeded' || previous === 'Failed') return previous;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) {
      stopped++;
    } else waiting++;
  }
  if (statuses.length === 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  if (policy === 'Never') return 'Failed';
  return 'Running';
}

function condition(
  pod: Pod,
  type: PodCondition['type'],
  ok: boolean,
  now: string,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = pod.status?.conditions?.find((c) => c.type === type);
  return {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
}

/** The pod's status from what the agent observed; times of unchanged conditions and timeline entries are kept. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod, now } = input;
  const prev = pod.status ?? {};
  const statuses = input.containers.map(containerStatus);
  const phase = podPhase(pod, statuses);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = !terminal && unready.length === 0 && statuses.length > 0;
  const notReady = terminal
    ? { reason: 'PodCompleted', message: undefined }
    : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const conditions: PodCondition[] = [
    condition(pod, 'PodScheduled', true, now),
    condition(pod, 'Initialized', true, now),
    allReady
      ? condition(pod, 'ContainersReady', true, now)
      : condition(pod, 'ContainersReady', false, now, notReady.reason, notReady.message),
    allReady
      ? condition(pod, 'Ready', true, now)
      : condition(pod, 'Ready', false, now, notReady.reason, notReady.message),
  ];
  const timeline = { ...prev.timeline };
  const scheduledAt = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime;
  timeline.scheduled ??= scheduledAt ?? pod.metadata.creationTimestamp;
  const sandboxAt = isoTime(input.sandbox?.createdAt);
  if (sandboxAt) timeline.sandboxCreated ??= sandboxAt;
  const allRunning = statuses.length > 0 && statuses.every((s) => s.state.running);
  if (allRunning && !timeline.started) {
    const starts = statuses.map((s) => Date.parse(s.state.running?.startedAt ?? now));
    timeline.started = new Date(Math.max(...starts)).toISOString();
  }
  if (allReady) timeline.ready ??= now;
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    startTime: prev.startTime ?? now,
    containerStatuses: statuses,
    timeline,
  };
  if (input.message) status.message = input.message;
  if (input.sandbox?.podIP) status.podIP = input.sandbox.podIP;
  else if (prev.podIP && terminal) status.podIP = prev.podIP;
  if (input.sandbox && input.sandbox.hostPorts.length > 0) status.hostPorts = input.sandbox.hostPorts;
  return status;
}
