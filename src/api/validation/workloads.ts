import { selectorFromLabelSelector } from '../../labels/selector.ts';
import type { Selector } from '../../labels/selector.ts';
import { isCapstanError } from '../errors.ts';
import type { FieldViolation } from '../errors.ts';
import type {
  Deployment,
  DeploymentStrategy,
  LabelSelector,
  Labels,
  PodTemplateSpec,
  ReplicationController,
} from '../types.ts';
import {
  check,
  checkCount,
  checkLabels,
  forbidden,
  invalid,
  isPercent,
  PERCENT_RE,
  notSupported,
  required,
  sameJson,
} from './field.ts';
import { immutable, validateTemplateMeta } from './meta.ts';
import { validatePodSpec } from './pod.ts';

const STRATEGY_TYPES = ['RollingUpdate', 'Recreate'];

/** Template rules shared by controllers: labels, annotations, a valid pod spec that restarts Always. */
function validateTemplate(template: PodTemplateSpec | undefined | null, path: string): FieldViolation[] {
  if (template == null) return [required(path)];
  const violations = [...validateTemplateMeta(template, path), ...validatePodSpec(template.spec, `${path}.spec`)];
  const restartPolicy = template.spec?.restartPolicy;
  // A controller replaces pods that exit; a pod that stays down on purpose would be recreated forever.
  if (restartPolicy != null && restartPolicy !== 'Always') {
    violations.push(notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']));
  }
  return violations;
}

function isEmptyLabels(labels: Labels | undefined | null): boolean {
  return labels == null || Object.keys(labels).length === 0;
}

export function validateReplicationController(
  rc: ReplicationController,
  old?: ReplicationController,
): FieldViolation[] {
  const spec = rc.spec;
  if (spec == null) return [required('spec')];
  const violations = [
    ...checkCount('spec.replicas', spec.replicas),
    ...checkCount('spec.minReadySeconds', spec.minReadySeconds),
  ];
  if (isEmptyLabels(spec.selector)) violations.push(required('spec.selector'));
  else violations.push(...checkLabels(spec.selector, 'spec.selector'));
  violations.push(...validateTemplate(spec.template, 'spec.template'));

  const templateLabels = spec.template?.metadata?.labels ?? {};
  const selector = spec.selector ?? {};
  const matches = Object.entries(selector).every(([k, v]) => templateLabels[k] === v);
  if (spec.template != null && !isEmptyLabels(selector) && !matches) {
    violations.push(
      invalid('spec.template.metadata.labels', templateLabels, 'selector does not match template labels'),
    );
  }
  if (old?.spec && !sameJson(spec.selector, old.spec.selector))
    violations.push(immutable('spec.selector', spec.selector));
  return violations;
}

export function validateDeployment(d: Deployment, old?: Deployment): FieldViolation[] {
  const spec = d.spec;
  if (spec == null) return [required('spec')];
  const violations = [...checkCount('spec.replicas', spec.replicas)];

  if (spec.selector == null) violations.push(required('spec.selector'));
  else {
    const selector = parseSelector(spec.selector, violations);
    const templateLabels = spec.template?.metadata?.labels ?? {};
    if (selector?.isEverything()) {
      violations.push(invalid('spec.selector', spec.selector, 'empty selector is invalid for deployment'));
    } else if (selector && spec.template != null && !selector.matches(templateLabels)) {
      violations.push(
        invalid('spec.template.metadata.labels', templateLabels, '`selector` does not match template `labels`'),
      );
    }
  }
  violations.push(...validateTemplate(spec.template, 'spec.template'));
  violations.push(...validateStrategy(spec.strategy));

  violations.push(...checkCount('spec.minReadySeconds', spec.minReadySeconds));
  violations.push(...checkCount('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  const deadline = checkCount('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds);
  violations.push(...deadline);
  if (
    deadline.length === 0 &&
    spec.progressDeadlineSeconds != null &&
    spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)
  ) {
    violations.push(
      invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'),
    );
  }
  if (old?.spec && !sameJson(spec.selector, old.spec.selector))
    violations.push(immutable('spec.selector', spec.selector));
  return violations;
}

function parseSelector(ls: LabelSelector, out: FieldViolation[]): Selector | undefined {
  try {
    return selectorFromLabelSelector(ls, 'spec.selector');
  } catch (err) {
    if (!isCapstanError(err, 'INVALID')) throw err;
    out.push(...err.violations);
    return undefined;
  }
}

function validateStrategy(strategy: DeploymentStrategy | undefined | null): FieldViolation[] {
  if (strategy == null) return [];
  const violations: FieldViolation[] = [];
  if (strategy.type != null && !STRATEGY_TYPES.includes(strategy.type)) {
    violations.push(notSupported('spec.strategy.type', strategy.type, STRATEGY_TYPES));
  }
  const rolling = strategy.rollingUpdate;
  if (rolling == null) return violations;
  if (strategy.type === 'Recreate') {
    violations.push(
      forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
    );
  }
  const path = 'spec.strategy.rollingUpdate';
  violations.push(...validateIntOrPercent(rolling.maxUnavailable, `${path}.maxUnavailable`, true));
  violations.push(...validateIntOrPercent(rolling.maxSurge, `${path}.maxSurge`, false));
  if (isZero(rolling.maxUnavailable) && isZero(rolling.maxSurge)) {
    violations.push(invalid(`${path}.maxUnavailable`, rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return violations;
}

function isZero(value: number | string | undefined): boolean {
  return value === 0 || (typeof value === 'string' && PERCENT_RE.test(value) && Number.parseInt(value, 10) === 0);
}

function validateIntOrPercent(value: number | string | undefined, path: string, atMost100: boolean): FieldViolation[] {
  if (value == null) return [];
  if (typeof value === 'number') return checkCount(path, value);
  const rules = isPercent(value);
  if (rules.length > 0) return check(path, value, rules);
  if (atMost100 && Number.parseInt(value, 10) > 100) return [invalid(path, value, 'must not be greater than 100%')];
  return [];
}
