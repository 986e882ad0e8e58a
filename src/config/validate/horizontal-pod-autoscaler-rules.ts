/**
 * The API server's validation of a HorizontalPodAutoscaler (pkg/apis/autoscaling/validation/
 * validation.go: validateHorizontalPodAutoscalerSpec, validateMetrics, validateBehavior,
 * validateScalingRules, validateMetricTarget), with its messages, each at the field it names.
 */
import type { Reporter } from '../report.js';
import type { YamlPath } from '../yaml-source.js';
import type {
  HorizontalPodAutoscalerV2Doc,
  MetricSpecDoc,
  ScalingRulesDoc,
} from '../schema/horizontal-pod-autoscaler.js';
import { parseMilliQuantity } from '../quantity.js';

/** MaxStabilizationWindowSeconds and MaxPeriodSeconds in validation.go. */
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

export function validateHpaSpec(r: Reporter, spec: HorizontalPodAutoscalerV2Doc['spec']): void {
  const s: YamlPath = ['spec'];
  // minReplicasLowerBound is 1 unless the alpha HPAScaleToZero gate is on (not assumed here).
  if (spec.minReplicas !== undefined && spec.minReplicas < 1)
    r.add(
      'MSIM0100',
      [...s, 'minReplicas'],
      `Invalid value: ${spec.minReplicas}: must be greater than or equal to 1`,
    );
  if (spec.maxReplicas < 1)
    r.add('MSIM0100', [...s, 'maxReplicas'], `Invalid value: ${spec.maxReplicas}: must be greater than 0`);
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas)
    r.add(
      'MSIM0100',
      [...s, 'maxReplicas'],
      `Invalid value: ${spec.maxReplicas}: must be greater than or equal to \`minReplicas\``,
    );
  (spec.metrics ?? []).forEach((m, i) => {
    validateMetric(r, [...s, 'metrics', i], m);
  });
  if (spec.behavior?.scaleUp) validateRules(r, [...s, 'behavior', 'scaleUp'], spec.behavior.scaleUp);
  if (spec.behavior?.scaleDown) validateRules(r, [...s, 'behavior', 'scaleDown'], spec.behavior.scaleDown);
}

function validateRules(r: Reporter, path: YamlPath, rules: ScalingRulesDoc): void {
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0)
    r.add(
      'MSIM0100',
      [...path, 'stabilizationWindowSeconds'],
      `Invalid value: ${w}: must be greater than or equal to zero`,
    );
  if (w !== undefined && w > MAX_STABILIZATION_WINDOW_SECONDS)
    r.add(
      'MSIM0100',
      [...path, 'stabilizationWindowSeconds'],
      `Invalid value: ${w}: must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
    );
  if (rules.policies !== undefined && rules.policies.length === 0)
    r.add('MSIM0100', [...path, 'policies'], 'Required value: must specify at least one Policy');
  (rules.policies ?? []).forEach((p, i) => {
    const at: YamlPath = [...path, 'policies', i];
    if (p.value <= 0)
      r.add('MSIM0100', [...at, 'value'], `Invalid value: ${p.value}: must be greater than zero`);
    if (p.periodSeconds <= 0)
      r.add(
        'MSIM0100',
        [...at, 'periodSeconds'],
        `Invalid value: ${p.periodSeconds}: must be greater than zero`,
      );
    if (p.periodSeconds > MAX_PERIOD_SECONDS)
      r.add(
        'MSIM0100',
        [...at, 'periodSeconds'],
        `Invalid value: ${p.periodSeconds}: must be less than or equal to ${MAX_PERIOD_SECONDS}`,
      );
  });
  if (rules.tolerance !== undefined)
    quantityAt(r, [...path, 'tolerance'], rules.tolerance, { allowZero: true });
}

const SOURCE_FIELD = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
} as const;

function validateMetric(r: Reporter, path: YamlPath, m: MetricSpecDoc): void {
  const field = SOURCE_FIELD[m.type];
  const set = Object.values(SOURCE_FIELD).filter((f) => m[f] !== undefined);
  if (m[field] === undefined) {
    r.add(
      'MSIM0100',
      path,
      `Required value: must populate information for the given metric source (${field})`,
    );
    return;
  }
  if (set.length > 1) r.add('MSIM0100', path, 'Forbidden: must populate the given metric source only');
  const t = m[field]!.target;
  const at: YamlPath = [...path, field, 'target'];
  if (m.type === 'Resource' || m.type === 'ContainerResource') {
    if (t.averageUtilization === undefined && t.averageValue === undefined)
      r.add('MSIM0100', at, 'Required value: must set either a target raw value or a target utilization');
    if (t.averageUtilization !== undefined && t.averageValue !== undefined)
      r.add('MSIM0100', at, 'Forbidden: may not set both a target raw value and a target utilization');
    if (t.value !== undefined)
      r.add(
        'MSIM0100',
        [...at, 'value'],
        `Forbidden: may not set a target value for metrics of type ${m.type}`,
      );
  }
  if (m.type === 'Pods' && t.averageValue === undefined)
    r.add('MSIM0100', [...at, 'averageValue'], 'Required value: must specify a positive target averageValue');
  if ((m.type === 'Object' || m.type === 'External') && t.value === undefined && t.averageValue === undefined)
    r.add('MSIM0100', at, 'Required value: must set either a target value or averageValue');
  // validateMetricTarget: the target's type must name a field that is set, and values must be positive.
  if (t.type === 'Utilization' && t.averageUtilization === undefined)
    r.add(
      'MSIM0100',
      [...at, 'averageUtilization'],
      'Required value: must set a target utilization for type Utilization',
    );
  if (t.type === 'Value' && t.value === undefined)
    r.add('MSIM0100', [...at, 'value'], 'Required value: must set a target value for type Value');
  if (t.type === 'AverageValue' && t.averageValue === undefined)
    r.add(
      'MSIM0100',
      [...at, 'averageValue'],
      'Required value: must set a target averageValue for type AverageValue',
    );
  if (t.averageUtilization !== undefined && t.averageUtilization < 1)
    r.add(
      'MSIM0100',
      [...at, 'averageUtilization'],
      `Invalid value: ${t.averageUtilization}: must be greater than 0`,
    );
  if (t.value !== undefined) quantityAt(r, [...at, 'value'], t.value);
  if (t.averageValue !== undefined) quantityAt(r, [...at, 'averageValue'], t.averageValue);
}

function quantityAt(r: Reporter, path: YamlPath, v: unknown, opts: { allowZero?: boolean } = {}): void {
  const q = parseMilliQuantity(v);
  if ('error' in q) r.add('MSIM0100', path, q.error);
  else if (q.milli < 0 || (q.milli === 0 && !opts.allowZero))
    r.add('MSIM0100', path, `Invalid value: ${String(v)}: must be positive`);
}
