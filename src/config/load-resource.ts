/**
 * One Kubernetes object → diagnostics and, when it has no errors, its resolved config. Validation is
 * webhook-style: it looks at this object only, never at others (cross-resource findings are analysis).
 */
import { checkFieldVersions } from './istio-version-fields.js';
import { checkTrafficDistribution, destinationRuleVersionNotes } from './istio-version-notes.js';
import { DEFAULT_ISTIO_PROFILE } from './istio-version.js';
import type { z } from 'zod';
import { withoutInvalidParts } from './prune.js';
import type { Code } from './codes.js';
import { isGatewayApiKind, isIstioKind, type SimulatedKind } from './kinds.js';
import {
  type ResourceContext,
  recordPositions,
  reportZodIssues,
  reporterFor,
  type Reporter,
  sourceOf,
} from './report.js';
import {
  type GatewayApiKind,
  type LoadedGatewayApiResource,
  loadGatewayApiResource,
} from './resolve/gateway-api-resource.js';
import { resolveDestinationRule } from './resolve/destination-rule.js';
import { loadProgressiveDeliveryResource, type ProgressiveDeliveryResource } from './resolve/rollout-load.js';
import { analysisTemplate, rollout } from './schema/argo-rollouts.js';
import { canary, metricTemplate } from './schema/flagger.js';
import { resolveGateway } from './resolve/gateway.js';
import { resolveServiceEntry } from './resolve/service-entry.js';
import { resolveHpaV1, resolveHpaV2 } from './resolve/horizontal-pod-autoscaler.js';
import { resolveSidecar } from './resolve/sidecar.js';
import { resolveService, resolveWorkload } from './resolve/kubernetes.js';
import { resolveVirtualService } from './resolve/virtual-service.js';
import { destinationRule, type DestinationRuleDoc } from './schema/destination-rule.js';
import { type GatewayDoc, gateway } from './schema/gateway.js';
import { deployment, namespace, type ObjectMetaDoc, service, statefulSet } from './schema/kubernetes.js';
import { serviceEntry, type ServiceEntryDoc } from './schema/service-entry.js';
import {
  type HorizontalPodAutoscalerV1Doc,
  type HorizontalPodAutoscalerV2Doc,
  horizontalPodAutoscalerV1,
  horizontalPodAutoscalerV2,
} from './schema/horizontal-pod-autoscaler.js';
import { sidecar, type SidecarDoc } from './schema/sidecar.js';
import { virtualService, type VirtualServiceDoc } from './schema/virtual-service.js';
import type {
  DestinationRuleConfig,
  GatewayConfig,
  HorizontalPodAutoscalerConfig,
  NamespaceConfig,
  ObjectMeta,
  ServiceConfig,
  SourceRef,
  ServiceEntryConfig,
  SidecarConfig,
  VirtualServiceConfig,
  WorkloadConfig,
} from './types.js';
import { validateDestinationRuleSpec } from './validate/destination-rule-rules.js';
import { validateGatewaySpec } from './validate/gateway-rules.js';
import { validateServiceEntrySpec } from './validate/service-entry-rules.js';
import { validateHpaSpec } from './validate/horizontal-pod-autoscaler-rules.js';
import { validateSidecarSpec } from './validate/sidecar-rules.js';
import { validateVirtualServiceSpec } from './validate/virtual-service-rules.js';

export type LoadedResource =
  | {
      kind: 'VirtualService';
      value: VirtualServiceConfig;
      /** The validated spec and rule positions, for istiod's delegate merge (load.ts). */
      spec: VirtualServiceDoc['spec'];
      sourceOfRule: (i: number) => SourceRef;
    }
  | { kind: 'DestinationRule'; value: DestinationRuleConfig }
  | { kind: 'Service'; value: ServiceConfig }
  | { kind: 'Workload'; value: WorkloadConfig }
  | { kind: 'Namespace'; value: NamespaceConfig }
  | { kind: 'Gateway'; value: GatewayConfig }
  | { kind: 'ServiceEntry'; value: ServiceEntryConfig }
  | { kind: 'Sidecar'; value: SidecarConfig }
  | LoadedGatewayApiResource
  | { kind: 'HorizontalPodAutoscaler'; value: HorizontalPodAutoscalerConfig }
  | ProgressiveDeliveryResource;

const SCHEMAS: Record<Exclude<SimulatedKind, GatewayApiKind>, z.ZodType> = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Service: service,
  Deployment: deployment,
  StatefulSet: statefulSet,
  Namespace: namespace,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  Sidecar: sidecar,
  HorizontalPodAutoscaler: horizontalPodAutoscalerV2,
  Canary: canary,
  MetricTemplate: metricTemplate,
  Rollout: rollout,
  AnalysisTemplate: analysisTemplate,
};

/** The schema for a kind at an apiVersion: only the HPA's versions differ in shape. */
function schemaFor(kind: Exclude<SimulatedKind, GatewayApiKind>, apiVersion: string): z.ZodType {
  if (kind === 'HorizontalPodAutoscaler' && apiVersion === 'autoscaling/v1') return horizontalPodAutoscalerV1;
  return SCHEMAS[kind];
}

const errorCount = (ctx: ResourceContext) => ctx.diagnostics.filter((d) => d.severity === 'error').length;

export function loadResource(
  ctx: ResourceContext,
  kind: SimulatedKind,
  apiVersion: string,
  value: unknown,
): LoadedResource | undefined {
  if (isGatewayApiKind(kind))
    return loadGatewayApiResource(ctx, kind, value, {
      meta: (m) => buildMeta(ctx, m, apiVersion, value),
      besides,
    });
  if (kind === 'Canary' || kind === 'MetricTemplate' || kind === 'Rollout' || kind === 'AnalysisTemplate')
    return loadProgressiveDeliveryResource(ctx, kind, apiVersion, value);
  const r = reporterFor(ctx);
  const code: Code = isIstioKind(kind) ? 'IST0106' : 'MSIM0100';
  const schema = schemaFor(kind, apiVersion);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    reportZodIssues(r, code, parsed.error.issues);
    // Report the cross-field rules too, on the parts that did parse, so one run shows every problem.
    const cleaned = withoutInvalidParts(schema, value, parsed.error.issues);
    const rest = besides(r, parsed.error.issues);
    if (cleaned && kind === 'VirtualService')
      validateVirtualServiceSpec(rest, (cleaned as VirtualServiceDoc).spec, ctx.namespace);
    if (cleaned && kind === 'DestinationRule')
      validateDestinationRuleSpec(rest, (cleaned as DestinationRuleDoc).spec, ctx.namespace);
    if (cleaned && kind === 'Gateway') validateGatewaySpec(rest, (cleaned as GatewayDoc).spec, ctx.name);
    if (cleaned && kind === 'ServiceEntry')
      validateServiceEntrySpec(rest, (cleaned as ServiceEntryDoc).spec, ctx.namespace);
    if (cleaned && kind === 'Sidecar') validateSidecarSpec(rest, (cleaned as SidecarDoc).spec, ctx.namespace);
    if (cleaned && kind === 'HorizontalPodAutoscaler' && apiVersion === 'autoscaling/v2')
      validateHpaSpec(rest, (cleaned as HorizontalPodAutoscalerV2Doc).spec);
    return undefined;
  }
  const doc = parsed.data as { metadata: ObjectMetaDoc; spec?: unknown };
  if (!doc.metadata.name) {
    r.add(code, ['metadata'], 'missing required field "name"');
    return undefined;
  }
  const before = errorCount(ctx);
  const meta = buildMeta(ctx, doc.metadata, apiVersion, value);
  const istio = ctx.istio ?? DEFAULT_ISTIO_PROFILE;
  if (kind === 'VirtualService' || kind === 'DestinationRule') checkFieldVersions(r, kind, doc.spec, istio);
  switch (kind) {
    case 'VirtualService': {
      const spec = (doc as VirtualServiceDoc).spec;
      validateVirtualServiceSpec(r, spec, ctx.namespace);
      if (errorCount(ctx) > before) return undefined;
      notSimulatedParts(r, spec);
      const sourceOfRule = (i: number) => sourceOf(ctx, ['spec', 'http', i]);
      const vs = resolveVirtualService(meta, spec, sourceOfRule, istio);
      return { kind, value: vs, spec, sourceOfRule };
    }
    case 'DestinationRule': {
      const spec = (doc as DestinationRuleDoc).spec;
      validateDestinationRuleSpec(r, spec, ctx.namespace);
      if (errorCount(ctx) > before) return undefined;
      destinationRuleVersionNotes(r, spec);
      return { kind, value: resolveDestinationRule(meta, spec, istio) };
    }
    case 'Service': {
      checkTrafficDistribution(r, parsed.data as never, istio);
      const svc = resolveService(r, meta, parsed.data as never);
      return svc ? { kind, value: svc } : undefined;
    }
    case 'Deployment':
    case 'StatefulSet': {
      const w = resolveWorkload(r, meta, kind, parsed.data as never);
      return w ? { kind: 'Workload', value: w } : undefined;
    }
    case 'Namespace':
      return { kind, value: { meta } };
    case 'Gateway': {
      const spec = (doc as GatewayDoc).spec;
      validateGatewaySpec(r, spec, meta.name);
      if (errorCount(ctx) > before) return undefined;
      return { kind, value: resolveGateway(meta, spec, (i) => sourceOf(ctx, ['spec', 'servers', i])) };
    }
    case 'ServiceEntry': {
      const spec = (doc as ServiceEntryDoc).spec;
      validateServiceEntrySpec(r, spec, ctx.namespace);
      if (errorCount(ctx) > before) return undefined;
      serviceEntryNotSimulated(r, spec);
      return { kind, value: resolveServiceEntry(meta, spec) };
    }
    case 'Sidecar': {
      const spec = (doc as SidecarDoc).spec;
      validateSidecarSpec(r, spec, ctx.namespace);
      if (errorCount(ctx) > before) return undefined;
      if (spec.ingress?.length)
        r.add('MSIM3044', ['spec', 'ingress'], 'Sidecar ingress listeners are parsed and not simulated');
      return { kind, value: resolveSidecar(meta, spec) };
    }
    case 'HorizontalPodAutoscaler': {
      if (apiVersion === 'autoscaling/v1') {
        const spec = (doc as HorizontalPodAutoscalerV1Doc).spec;
        validateHpaSpec(r, { ...spec, metrics: [] });
        const t = spec.targetCPUUtilizationPercentage;
        if (t !== undefined && t < 1)
          r.add(
            'MSIM0100',
            ['spec', 'targetCPUUtilizationPercentage'],
            `Invalid value: ${t}: must be greater than 0`,
          );
        if (errorCount(ctx) > before) return undefined;
        return { kind, value: resolveHpaV1(meta, spec) };
      }
      const spec = (doc as HorizontalPodAutoscalerV2Doc).spec;
      validateHpaSpec(r, spec);
      if (errorCount(ctx) > before) return undefined;
      return { kind, value: resolveHpaV2(meta, spec) };
    }
  }
}

function serviceEntryNotSimulated(r: Reporter, spec: ServiceEntryDoc['spec']): void {
  if (spec.workloadSelector)
    r.add(
      'MSIM3043',
      ['spec', 'workloadSelector'],
      'workloadSelector (WorkloadEntry or pod endpoints) is not simulated: the entry has no endpoints',
    );
  if (spec.resolution === 'DYNAMIC_DNS')
    r.add('MSIM3043', ['spec', 'resolution'], 'DYNAMIC_DNS is simulated as NONE (the original destination)');
  (spec.ports ?? []).forEach((p, i) => {
    const proto = (p.protocol ?? '').toUpperCase();
    if (proto === 'HTTPS' || proto === 'TLS')
      r.add(
        'MSIM3043',
        ['spec', 'ports', i, 'protocol'],
        `${proto}: simulated as HTTP requests over a TLS connection (as when the sidecar originates TLS); an app that speaks TLS itself is only proxied by SNI in Istio, without HTTP routes or retries`,
      );
    else if (proto !== '' && !['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(proto))
      r.add('MSIM3043', ['spec', 'ports', i, 'protocol'], `${proto} traffic is not simulated on this port`);
  });
}

function notSimulatedParts(r: Reporter, spec: VirtualServiceDoc['spec']): void {
  if (spec.tcp?.length) r.add('MSIM0011', ['spec', 'tcp'], 'tcp routes are parsed but not simulated');
  if (spec.tls?.length) r.add('MSIM0011', ['spec', 'tls'], 'tls routes are parsed but not simulated');
}

function buildMeta(ctx: ResourceContext, m: ObjectMetaDoc, apiVersion: string, raw: unknown): ObjectMeta {
  const meta: ObjectMeta = {
    name: m.name ?? '',
    namespace: ctx.namespace,
    labels: { ...(m.labels ?? {}) },
    annotations: { ...(m.annotations ?? {}) },
    source: sourceOf(ctx),
    apiVersion,
    positions: recordPositions(ctx, raw),
  };
  const ts = m.creationTimestamp;
  if (typeof ts === 'string') meta.creationTimestamp = ts;
  else if (ts instanceof Date) meta.creationTimestamp = ts.toISOString();
  return meta;
}

/**
 * A reporter that drops findings at or above a path that already failed the schema: removing the
 * invalid part (prune.ts) would otherwise cause echoes such as "delay must specify fixedDelay".
 */
function besides(r: Reporter, issues: readonly z.core.$ZodIssue[]): Reporter {
  const failed = issues.map((i) => i.path.map(String).join('\u0000'));
  return {
    add(code, path, message, opts) {
      const p = path.map(String).join('\u0000');
      if (failed.some((f) => f === p || f.startsWith(`${p}\u0000`) || p === '')) return;
      r.add(code, path, message, opts);
    },
  };
}
