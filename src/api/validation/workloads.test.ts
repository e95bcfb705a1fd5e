import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.ts';
import type { Deployment, DeploymentStrategy } from '../types.ts';
import { validateObject } from '../validation.ts';
import { expectOnly, expectViolation, newDeployment, newReplicationController } from './test-fixtures.ts';

describe('ReplicationController', () => {
  it('checks replicas as a non-negative integer', () => {
    expectOnly(
      validateObject(newReplicationController({ replicas: -1 })),
      'spec.replicas',
      'must be greater than or equal to 0',
    );
    expectOnly(validateObject(newReplicationController({ replicas: 1.5 })), 'spec.replicas', 'must be an integer');
    expect(validateObject(newReplicationController({ replicas: 0 }))).toEqual([]);
  });

  it('requires a selector', () => {
    const rc = newReplicationController();
    rc.spec!.selector = {};
    expectOnly(validateObject(rc), 'spec.selector', 'Required value');
  });

  it('requires the selector to match the template labels', () => {
    const rc = newReplicationController({ labels: { app: 'web' } });
    rc.spec!.selector = { app: 'api' };
    expectOnly(validateObject(rc), 'spec.template.metadata.labels', 'selector does not match template labels');
    rc.spec!.selector = {};
    rc.spec!.template.metadata!.labels = { app: 'web', tier: 'fe' };
    expect(validateObject(applyDefaults(rc))).toEqual([]);
  });

  it('checks selector and template label syntax', () => {
    const rc = newReplicationController({ labels: { 'bad key': 'x' } });
    const violations = validateObject(rc);
    expectViolation(violations, 'spec.selector', 'Invalid value: "bad key"');
    expectViolation(violations, 'spec.template.metadata.labels', 'Invalid value: "bad key"');
  });

  it('validates the template spec as a pod spec under spec.template.spec', () => {
    const rc = newReplicationController();
    rc.spec!.template.spec.containers[0]!.image = '';
    expectOnly(validateObject(rc), 'spec.template.spec.containers[0].image', 'Required value');
    delete (rc.spec as Partial<typeof rc.spec>)!.template;
    expectOnly(validateObject(rc), 'spec.template', 'Required value');
  });

  it('requires the template to restart Always', () => {
    const rc = newReplicationController({ spec: { restartPolicy: 'Never' } });
    expectOnly(
      validateObject(rc),
      'spec.template.spec.restartPolicy',
      'Unsupported value: "Never": supported values: "Always"',
    );
  });

  it('keeps the selector immutable on update but allows scaling and template changes', () => {
    const old = applyDefaults(newReplicationController());
    const scaled = structuredClone(old);
    scaled.spec!.replicas = 5;
    scaled.spec!.template.spec.containers[0]!.image = 'capstan/hello:2';
    expect(validateObject(scaled, old)).toEqual([]);
    const reselected = structuredClone(old);
    reselected.spec!.selector = { app: 'web', tier: 'fe' };
    reselected.spec!.template.metadata!.labels = { app: 'web', tier: 'fe' };
    expectOnly(validateObject(reselected, old), 'spec.selector', 'field is immutable');
  });
});

describe('Deployment', () => {
  const withStrategy = (strategy: DeploymentStrategy): Deployment => {
    const d = newDeployment();
    d.spec!.strategy = strategy;
    return d;
  };
  const RU = 'spec.strategy.rollingUpdate';

  it('requires a non-empty selector', () => {
    const d = newDeployment();
    delete (d.spec as Partial<typeof d.spec>)!.selector;
    expectOnly(validateObject(d), 'spec.selector', 'Required value');
    d.spec!.selector = {};
    expectOnly(validateObject(d), 'spec.selector', 'empty selector is invalid for deployment');
  });

  it('requires the selector to match the template labels', () => {
    const d = newDeployment();
    d.spec!.selector = { matchLabels: { app: 'api' } };
    expectOnly(validateObject(d), 'spec.template.metadata.labels', '`selector` does not match template `labels`');
    d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] };
    expect(validateObject(d)).toEqual([]);
  });

  it('reports broken selector expressions with their path', () => {
    const d = newDeployment();
    d.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] };
    const violations = validateObject(d);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.field.startsWith('spec.selector.matchExpressions[0]'))).toBe(true);
  });

  it('validates the template and requires restartPolicy Always', () => {
    const d = newDeployment({ spec: { restartPolicy: 'OnFailure' } });
    d.spec!.template.spec.containers[0]!.name = 'Web';
    const violations = validateObject(d);
    expectViolation(violations, 'spec.template.spec.containers[0].name', 'a lowercase RFC 1123 label');
    expectViolation(violations, 'spec.template.spec.restartPolicy', 'supported values: "Always"');
  });

  it('accepts rolling update parameters as integers or percents', () => {
    expect(
      validateObject(withStrategy({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } })),
    ).toEqual([]);
    expect(validateObject(withStrategy({ type: 'Recreate' }))).toEqual([]);
  });

  it('checks rolling update parameters', () => {
    expectOnly(
      validateObject(withStrategy({ rollingUpdate: { maxSurge: 'abc' } })),
      `${RU}.maxSurge`,
      "a valid percent string must be a numeric string followed by an ending '%'",
    );
    expectOnly(
      validateObject(withStrategy({ rollingUpdate: { maxSurge: -1 } })),
      `${RU}.maxSurge`,
      'must be greater than or equal to 0',
    );
    expectOnly(
      validateObject(withStrategy({ rollingUpdate: { maxUnavailable: '150%' } })),
      `${RU}.maxUnavailable`,
      'must not be greater than 100%',
    );
    expectOnly(
      validateObject(withStrategy({ rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } })),
      `${RU}.maxUnavailable`,
      'may not be 0 when `maxSurge` is 0',
    );
  });

  it('checks the strategy type', () => {
    expectOnly(
      validateObject(withStrategy({ type: 'BlueGreen' as 'Recreate' })),
      'spec.strategy.type',
      'Unsupported value: "BlueGreen"',
    );
    expectOnly(
      validateObject(withStrategy({ type: 'Recreate', rollingUpdate: { maxSurge: 1 } })),
      RU,
      "may not be specified when strategy `type` is 'Recreate'",
    );
  });

  it('checks history, readiness and progress deadlines', () => {
    const d = newDeployment();
    d.spec!.revisionHistoryLimit = -1;
    expectOnly(validateObject(d), 'spec.revisionHistoryLimit', 'must be greater than or equal to 0');
    const slow = newDeployment();
    slow.spec!.minReadySeconds = 30;
    slow.spec!.progressDeadlineSeconds = 30;
    expectOnly(validateObject(slow), 'spec.progressDeadlineSeconds', 'must be greater than minReadySeconds');
    slow.spec!.progressDeadlineSeconds = 31;
    expect(validateObject(slow)).toEqual([]);
  });

  it('keeps the selector immutable on update', () => {
    const old = applyDefaults(newDeployment());
    const next = structuredClone(old);
    next.spec!.replicas = 3;
    next.spec!.template.metadata!.labels = { app: 'web', version: 'v2' };
    expect(validateObject(next, old)).toEqual([]);
    next.spec!.selector = { matchLabels: { app: 'web', version: 'v2' } };
    expectOnly(validateObject(next, old), 'spec.selector', 'field is immutable');
  });
});
