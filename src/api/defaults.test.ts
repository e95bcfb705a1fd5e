import { describe, expect, it } from 'vitest';
import { applyDefaults, imageTag } from './defaults.ts';
import type {
  Deployment,
  Endpoints,
  Event,
  Namespace,
  PersistentVolumeClaim,
  Pod,
  ReplicationController,
  Service,
} from './types.ts';
import {
  newDeployment,
  newEndpoints,
  newEvent,
  newNamespace,
  newPod,
  newPvc,
  newReplicationController,
  newService,
} from './validation/test-fixtures.ts';

describe('applyDefaults', () => {
  it('never mutates its input', () => {
    const pod = newPod();
    const before = structuredClone(pod);
    const out = applyDefaults(pod);
    expect(pod).toEqual(before);
    expect(out).not.toBe(pod);
    expect(out.spec?.restartPolicy).toBe('Always');
  });

  it('sets apiVersion from the kind when absent and keeps a given one', () => {
    const deployment = { ...newDeployment(), apiVersion: '' };
    expect(applyDefaults(deployment).apiVersion).toBe('apps/v1');
    expect(applyDefaults({ ...newPod(), apiVersion: 'v1beta1' }).apiVersion).toBe('v1beta1');
  });

  describe('Pod', () => {
    it('defaults restartPolicy and terminationGracePeriodSeconds', () => {
      const out = applyDefaults(newPod());
      expect(out.spec?.restartPolicy).toBe('Always');
      expect(out.spec?.terminationGracePeriodSeconds).toBe(30);
    });

    it('keeps values the client set', () => {
      const pod = newPod();
      pod.spec!.restartPolicy = 'Never';
      pod.spec!.terminationGracePeriodSeconds = 0;
      pod.spec!.containers[0]!.imagePullPolicy = 'Never';
      const out = applyDefaults(pod);
      expect(out.spec?.restartPolicy).toBe('Never');
      expect(out.spec?.terminationGracePeriodSeconds).toBe(0);
      expect(out.spec?.containers[0]?.imagePullPolicy).toBe('Never');
    });

    it.each([
      ['nginx', 'Always'],
      ['nginx:latest', 'Always'],
      ['nginx:1.25', 'IfNotPresent'],
      ['127.0.0.1:5999/missing', 'Always'],
      ['127.0.0.1:5999/missing:1', 'IfNotPresent'],
      ['busybox@sha256:abcd', 'IfNotPresent'],
    ])('pulls image %s with policy %s', (image, policy) => {
      const pod = newPod();
      pod.spec!.containers[0]!.image = image;
      expect(applyDefaults(pod).spec?.containers[0]?.imagePullPolicy).toBe(policy);
    });

    it('defaults container port protocol to TCP', () => {
      const pod = newPod();
      pod.spec!.containers[0]!.ports = [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }];
      const ports = applyDefaults(pod).spec?.containers[0]?.ports;
      expect(ports?.map((p) => p.protocol)).toEqual(['TCP', 'UDP']);
    });

    it('fills probe timings and the httpGet path and scheme', () => {
      const pod = newPod();
      pod.spec!.containers[0]!.livenessProbe = { httpGet: { port: 80 }, periodSeconds: 5 };
      pod.spec!.containers[0]!.readinessProbe = { tcpSocket: { port: 80 } };
      const c = applyDefaults(pod).spec?.containers[0];
      expect(c?.livenessProbe).toEqual({
        httpGet: { port: 80, path: '/', scheme: 'HTTP' },
        initialDelaySeconds: 0,
        periodSeconds: 5,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      });
      expect(c?.readinessProbe?.periodSeconds).toBe(10);
    });

    it('requests a resource at its limit when no request is given', () => {
      const pod = newPod();
      pod.spec!.containers[0]!.resources = { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m' } };
      expect(applyDefaults(pod).spec?.containers[0]?.resources?.requests).toEqual({ cpu: '100m', memory: '64Mi' });
    });
  });

  describe('ReplicationController', () => {
    it('defaults replicas to 1 and the selector and labels to the template labels', () => {
      const rc = newReplicationController({ labels: { app: 'web' } });
      delete rc.spec!.selector;
      delete rc.spec!.replicas;
      delete rc.metadata.labels;
      const out = applyDefaults<ReplicationController>(rc);
      expect(out.spec?.replicas).toBe(1);
      expect(out.spec?.selector).toEqual({ app: 'web' });
      expect(out.metadata.labels).toEqual({ app: 'web' });
      expect(out.spec?.template.spec.restartPolicy).toBe('Always');
    });

    it('keeps an explicit selector and replicas 0', () => {
      const rc = newReplicationController({ labels: { app: 'web', tier: 'fe' } });
      rc.spec!.selector = { app: 'web' };
      rc.spec!.replicas = 0;
      const out = applyDefaults(rc);
      expect(out.spec?.selector).toEqual({ app: 'web' });
      expect(out.spec?.replicas).toBe(0);
    });
  });

  describe('Deployment', () => {
    it('defaults replicas, rolling update strategy, history, deadlines and the pod template', () => {
      const d = newDeployment();
      const out = applyDefaults<Deployment>(d);
      expect(out.spec).toMatchObject({
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        minReadySeconds: 0,
      });
      expect(out.spec?.template.spec.terminationGracePeriodSeconds).toBe(30);
    });

    it('adds no rolling update parameters to a Recreate strategy', () => {
      const d = newDeployment();
      d.spec!.strategy = { type: 'Recreate' };
      expect(applyDefaults(d).spec?.strategy).toEqual({ type: 'Recreate' });
    });
  });

  describe('Service', () => {
    it('defaults type, session affinity, protocol and targetPort', () => {
      const svc = newService({ ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 5353 }] });
      const out = applyDefaults<Service>(svc);
      expect(out.spec?.type).toBe('ClusterIP');
      expect(out.spec?.sessionAffinity).toBe('None');
      expect(out.spec?.ports).toEqual([
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 53, protocol: 'UDP', targetPort: 5353 },
      ]);
    });

    it('defaults a null targetPort to the port', () => {
      const svc = newService({ ports: [{ port: 8080, targetPort: null as unknown as number }] });
      expect(applyDefaults(svc).spec?.ports?.[0]?.targetPort).toBe(8080);
    });

    it('keeps a named targetPort', () => {
      const svc = newService({ ports: [{ port: 80, targetPort: 'http' }] });
      expect(applyDefaults(svc).spec?.ports?.[0]?.targetPort).toBe('http');
    });
  });

  it('defaults PVC access modes to ReadWriteOnce', () => {
    const bare = newPvc();
    delete bare.spec!.accessModes;
    expect(applyDefaults<PersistentVolumeClaim>(bare).spec?.accessModes).toEqual(['ReadWriteOnce']);
    const pvc = newPvc();
    pvc.spec!.accessModes = ['ReadOnlyMany'];
    expect(applyDefaults(pvc).spec?.accessModes).toEqual(['ReadOnlyMany']);
  });

  it('defaults the event type to Normal', () => {
    const event = newEvent();
    delete (event as Partial<Event>).type;
    expect(applyDefaults<Event>(event).type).toBe('Normal');
  });

  it('defaults endpoint port protocols to TCP', () => {
    const ep = newEndpoints();
    ep.subsets = [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }];
    expect(applyDefaults<Endpoints>(ep).subsets?.[0]?.ports?.[0]?.protocol).toBe('TCP');
  });

  it('labels a namespace with its name', () => {
    const ns = newNamespace('team-a');
    ns.metadata.labels = { owner: 'x' };
    expect(applyDefaults<Namespace>(ns).metadata.labels).toEqual({
      owner: 'x',
      'kubernetes.io/metadata.name': 'team-a',
    });
  });

  it('leaves a Pod without a spec alone', () => {
    const pod: Pod = { ...newPod(), spec: undefined };
    expect(applyDefaults(pod).spec).toBeUndefined();
  });
});

describe('imageTag', () => {
  it.each([
    ['nginx', 'latest'],
    ['nginx:1.2', '1.2'],
    ['localhost:5000/app', 'latest'],
    ['localhost:5000/app:v2', 'v2'],
    ['app:v2@sha256:00', 'v2'],
    ['app@sha256:00', ''],
  ])('reads the tag of %s as %j', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
