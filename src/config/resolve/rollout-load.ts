/**
 * Loading one progressive-delivery object (Flagger Canary / MetricTemplate, Argo Rollout /
 * AnalysisTemplate): the schema check with positioned diagnostics (MSIM3160), then what later steps read.
 * Canaries and Rollouts keep their validated document: what they imply (Flagger's generated objects,
 * Argo's ReplicaSets) needs the other resources and is built in rollout-expand.ts.
 */
import type { z } from 'zod';
import { type ResourceContext, recordPositions, reportZodIssues, reporterFor, sourceOf } from '../report.js';
import {
  analysisTemplate,
  type AnalysisTemplateDoc,
  type RolloutDoc,
  rollout,
} from '../schema/argo-rollouts.js';
import { type CanaryDoc, canary, metricTemplate, type MetricTemplateDoc } from '../schema/flagger.js';
import type { ObjectMeta } from '../types.js';
import type { AnalysisTemplateConfig, MetricTemplateConfig } from './rollout-types.js';

export type ProgressiveDeliveryKind = 'Canary' | 'MetricTemplate' | 'Rollout' | 'AnalysisTemplate';

export type ProgressiveDeliveryResource =
  | { kind: 'Canary'; value: { meta: ObjectMeta }; doc: CanaryDoc }
  | { kind: 'MetricTemplate'; value: MetricTemplateConfig }
  | { kind: 'Rollout'; value: { meta: ObjectMeta }; doc: RolloutDoc }
  | { kind: 'AnalysisTemplate'; value: AnalysisTemplateConfig };

export const PROGRESSIVE_DELIVERY_SERVED: Record<ProgressiveDeliveryKind, readonly string[]> = {
  Canary: ['flagger.app/v1beta1'],
  MetricTemplate: ['flagger.app/v1beta1'],
  Rollout: ['argoproj.io/v1alpha1'],
  AnalysisTemplate: ['argoproj.io/v1alpha1'],
};

const SCHEMAS: Record<ProgressiveDeliveryKind, z.ZodType> = {
  Canary: canary,
  MetricTemplate: metricTemplate,
  Rollout: rollout,
  AnalysisTemplate: analysisTemplate,
};

export function loadProgressiveDeliveryResource(
  ctx: ResourceContext,
  kind: ProgressiveDeliveryKind,
  apiVersion: string,
  value: unknown,
): ProgressiveDeliveryResource | undefined {
  const r = reporterFor(ctx);
  const parsed = SCHEMAS[kind].safeParse(value);
  if (!parsed.success) {
    reportZodIssues(r, 'MSIM3160', parsed.error.issues);
    return undefined;
  }
  const doc = parsed.data as {
    metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  if (!doc.metadata.name) {
    r.add('MSIM3160', ['metadata'], 'missing required field "name"');
    return undefined;
  }
  const meta: ObjectMeta = {
    name: doc.metadata.name,
    namespace: ctx.namespace,
    labels: { ...(doc.metadata.labels ?? {}) },
    annotations: { ...(doc.metadata.annotations ?? {}) },
    source: sourceOf(ctx),
    apiVersion,
    positions: recordPositions(ctx, value),
  };
  switch (kind) {
    case 'Canary':
      return { kind, value: { meta }, doc: parsed.data as CanaryDoc };
    case 'Rollout':
      return { kind, value: { meta }, doc: parsed.data as RolloutDoc };
    case 'MetricTemplate': {
      const spec = (parsed.data as MetricTemplateDoc).spec;
      return {
        kind,
        value: {
          meta,
          provider: spec.provider.type,
          query: spec.query,
          querySource: sourceOf(ctx, ['spec', 'query']),
        },
      };
    }
    case 'AnalysisTemplate': {
      const spec = (parsed.data as AnalysisTemplateDoc).spec;
      const dry = new Set((spec.dryRun ?? []).map((d) => d.metricName));
      return {
        kind,
        value: {
          meta,
          args: (spec.args ?? []).map((a) =>
            a.value !== undefined ? { name: a.name, value: a.value } : { name: a.name },
          ),
          metrics: spec.metrics.map((m) => ({
            ...pick(m),
            provider: m.provider.prometheus ? 'prometheus' : (Object.keys(m.provider)[0] ?? 'none'),
            query: m.provider.prometheus?.query ?? '',
            dryRun: dry.has(m.name) || dry.has('*'),
          })),
        },
      };
    }
  }
}

function pick(m: AnalysisTemplateDoc['spec']['metrics'][number]) {
  const out: Omit<AnalysisTemplateConfig['metrics'][number], 'provider' | 'query' | 'dryRun'> = {
    name: m.name,
  };
  for (const k of [
    'interval',
    'initialDelay',
    'count',
    'successCondition',
    'failureCondition',
    'failureLimit',
    'inconclusiveLimit',
    'consecutiveErrorLimit',
    'consecutiveSuccessLimit',
  ] as const)
    if (m[k] !== undefined) (out as Record<string, unknown>)[k] = m[k];
  return out;
}
