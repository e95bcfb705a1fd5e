import { describe, expect, it } from 'vitest';
import { info, testConfigMap, testPod, testSecret } from './node-test-fixtures.ts';
import { EMPTY_POD_CONFIG } from './pod-config.ts';
import type { PodConfig } from './pod-config.ts';
import { CLAIM_RETRY_MS, CONFIG_RETRY_MS, checkPrerequisites, planPod } from './pod-plan.ts';
import type { PlanInput } from './pod-plan.ts';
import type { ContainerInfo } from './runtime.ts';

function input(
  pod = testPod(),
  containers: ContainerInfo[] = [],
  sandbox?: ContainerInfo,
  extra: Partial<PlanInput> = {},
): PlanInput {
  const current = new Map<string, ContainerInfo>();
  for (const c of containers)
    if (!current.has(c.name) || current.get(c.name)!.restartCount < c.restartCount) current.set(c.name, c);
  return {
    pod,
    observed: { current, all: containers, ...(sandbox ? { sandbox } : {}) },
    desiredHash: new Map(),
    unhealthy: new Map(),
    restartBackoff: new Map(),
    ...extra,
  };
}

const sandbox = info('POD');

describe('planPod', () => {
  it('creates the sandbox and every container of a new pod', () => {
    const plan = planPod(
      input(
        testPod({
          containers: [
            { name: 'a', image: 'i' },
            { name: 'b', image: 'i' },
          ],
        }),
      ),
    );
    expect(plan.createSandbox).toEqual({ attempt: 0 });
    expect(plan.actions).toEqual([
      { type: 'start', name: 'a', restartCount: 0 },
      { type: 'start', name: 'b', restartCount: 0 },
    ]);
  });

  it('leaves a healthy pod alone', () => {
    const plan = planPod(
      input(testPod(), [info('a', { specHash: 'h' })], sandbox, { desiredHash: new Map([['a', 'h']]) }),
    );
    expect(plan).toEqual({ killFirst: [], actions: [], remove: [], stopSandbox: false });
  });

  it('restarts an exited container under Always, counting the restart, once its back-off has passed', () => {
    const exited = info('a', { state: 'exited', exitCode: 1 });
    expect(planPod(input(testPod(), [exited], sandbox)).actions).toEqual([
      { type: 'start', name: 'a', restartCount: 1 },
    ]);
    const passed = new Map([['a', { remainingMs: 0, delayMs: 10_000 }]]);
    expect(planPod(input(testPod(), [exited], sandbox, { restartBackoff: passed })).actions).toEqual([
      { type: 'start', name: 'a', restartCount: 1 },
    ]);
  });

  it('keeps an exited container in CrashLoopBackOff while its back-off runs, with the kubelet message and event', () => {
    const exited = info('a', { state: 'exited', exitCode: 1 });
    const backoff = new Map([['a', { remainingMs: 5_000, delayMs: 20_000 }]]);
    const plan = planPod(input(testPod(), [exited], sandbox, { restartBackoff: backoff }));
    expect(plan.actions).toEqual([
      {
        type: 'backoff',
        name: 'a',
        remainingMs: 5_000,
        waiting: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 20s restarting failed container=a pod=p_default(uid-1)',
        },
        event: { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' },
      },
    ]);
    expect(plan.stopSandbox).toBe(false);
  });

  it('follows restartPolicy OnFailure and Never', () => {
    const ok = info('a', { state: 'exited', exitCode: 0 });
    const bad = info('a', { state: 'exited', exitCode: 2 });
    expect(planPod(input(testPod({ restartPolicy: 'OnFailure' }), [ok], sandbox)).actions).toEqual([]);
    expect(planPod(input(testPod({ restartPolicy: 'OnFailure' }), [bad], sandbox)).actions).toHaveLength(1);
    const never = planPod(input(testPod({ restartPolicy: 'Never' }), [bad], sandbox));
    expect(never.actions).toEqual([]);
    expect(never.stopSandbox).toBe(true);
  });

  it('kills a container whose liveness probe failed', () => {
    const c = info('a');
    const plan = planPod(input(testPod(), [c], sandbox, { unhealthy: new Map([[c.id, 'liveness']]) }));
    expect(plan.actions).toEqual([{ type: 'kill', name: 'a', id: c.id, reason: 'liveness' }]);
  });

  it('kills a container whose spec changed', () => {
    const c = info('a', { specHash: 'old' });
    const plan = planPod(input(testPod(), [c], sandbox, { desiredHash: new Map([['a', 'new']]) }));
    expect(plan.actions).toEqual([{ type: 'kill', name: 'a', id: c.id, reason: 'specChanged' }]);
  });

  it('starts everything over in a new sandbox when the sandbox died, except what finished for good', () => {
    const pod = testPod({
      restartPolicy: 'OnFailure',
      containers: [
        { name: 'a', image: 'i' },
        { name: 'b', image: 'i' },
      ],
    });
    const a = info('a', { restartCount: 2 });
    const b = info('b', { state: 'exited', exitCode: 0 });
    const plan = planPod(input(pod, [a, b], info('POD', { state: 'exited', restartCount: 1 })));
    expect(plan.createSandbox).toEqual({ attempt: 2 });
    expect(plan.killFirst).toEqual([a.id]);
    expect(plan.actions).toEqual([{ type: 'start', name: 'a', restartCount: 3 }]);
  });

  it('keeps the current and the previous attempt and removes older ones and strangers', () => {
    const attempts = [0, 1, 2].map((n) => info('a', { restartCount: n, state: n === 2 ? 'running' : 'exited' }));
    const stranger = info('gone');
    const plan = planPod(input(testPod(), [...attempts, stranger], sandbox));
    expect(plan.remove.sort()).toEqual([attempts[0]!.id, stranger.id].sort());
  });

  it('never restarts containers of a pod that already ended', () => {
    const pod = testPod({ restartPolicy: 'Never' }, { phase: 'Failed' });
    const plan = planPod(input(pod, [], info('POD', { state: 'exited' })));
    expect(plan.createSandbox).toBeUndefined();
    expect(plan.actions).toEqual([]);
  });
});

describe('checkPrerequisites', () => {
  const withConfig = testPod({
    containers: [
      { name: 'a', image: 'i', env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } }] },
      { name: 'b', image: 'i', volumeMounts: [{ name: 'creds', mountPath: '/creds' }] },
    ],
    volumes: [{ name: 'creds', secret: { secretName: 'token' } }],
  });
  const config = (over: Partial<PodConfig> = {}): PodConfig => ({
    configMaps: new Map([['settings', testConfigMap('settings', { k: 'v' })]]),
    secrets: new Map([['token', testSecret('token', { t: 'secret' })]]),
    ...over,
  });

  it('holds a pod whose claim is missing: its message, a FailedMount event and a look again in 2 s', () => {
    const held = checkPrerequisites(testPod(), { kind: 'claimsMissing', claims: ['data', 'logs'] });
    const message = 'waiting for PersistentVolumeClaim "data", "logs" in namespace default: it does not exist';
    expect(held).toEqual({
      ready: false,
      message,
      waiting: new Map(),
      events: [{ type: 'Warning', reason: 'FailedMount', message }],
      retryMs: CLAIM_RETRY_MS,
    });
    expect(CLAIM_RETRY_MS).toBe(2_000);
  });

  it('holds a pod whose config the node may not read yet, with the API message as the pod message', () => {
    const held = checkPrerequisites(withConfig, { kind: 'configForbidden', message: 'forbidden: not yet' });
    expect(held).toEqual({
      ready: false,
      message: 'forbidden: not yet',
      waiting: new Map(),
      events: [],
      retryMs: CONFIG_RETRY_MS,
    });
  });

  it('holds the containers whose config does not resolve with CreateContainerConfigError, each with an event', () => {
    const held = checkPrerequisites(withConfig, { kind: 'config', config: config({ secrets: new Map() }) });
    const missing = 'MountVolume.SetUp failed for volume "creds": secret "token" not found';
    expect(held).toEqual({
      ready: false,
      waiting: new Map([['b', { reason: 'CreateContainerConfigError', message: missing }]]),
      events: [{ type: 'Warning', reason: 'Failed', message: `Error: ${missing}` }],
      retryMs: CONFIG_RETRY_MS,
    });
  });

  it('lets a pod run whose config resolves, with its secret volume on a tmpfs', () => {
    const ready = checkPrerequisites(withConfig, { kind: 'config', config: config() });
    expect(ready).toEqual({
      ready: true,
      volumes: [{ name: 'creds', files: [{ path: 't', data: Buffer.from('secret'), mode: 0o644 }], medium: 'Memory' }],
    });
    expect(checkPrerequisites(testPod(), { kind: 'config', config: EMPTY_POD_CONFIG })).toEqual({
      ready: true,
      volumes: [],
    });
  });

  it('fails the pass for a volume no container mounts whose source is missing', () => {
    const pod = testPod({ volumes: [{ name: 'unused', configMap: { name: 'absent' } }] });
    expect(() => checkPrerequisites(pod, { kind: 'config', config: EMPTY_POD_CONFIG })).toThrow(
      'MountVolume.SetUp failed for volume "unused": configmap "absent" not found',
    );
  });
});
