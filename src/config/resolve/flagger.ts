/**
 * A Flagger Canary (Istio provider) → the objects Flagger creates for it and the resolved CanaryConfig.
 *
 * Generated as Flagger generates them (fluxcd/flagger): the `<target>-primary` Deployment, a copy of the
 * target whose selector label value gets `-primary` (pkg/canary/deployment_controller.go
 * makePrimaryLabels); Services `<svc>` and `<svc>-primary` selecting the primary pods and `<svc>-canary`
 * selecting the target's, one port named `http` unless `portName` (pkg/router/kubernetes_default.go
 * reconcileService); DestinationRules `<svc>-canary` and `<svc>-primary` with `service.trafficPolicy`;
 * the VirtualService `<svc>` with hosts `service.hosts` + `<svc>`, gateways `service.gateways` or
 * `mesh` when none, one HTTP rule with the service's match/timeout/retries/headers routing 100 to the
 * primary and 0 to the canary (pkg/router/istio.go reconcileVirtualService, makeDestination); with an
 * `autoscalerRef`, the `<hpa>-primary` HorizontalPodAutoscaler on the primary (flagger-autoscaler.ts).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { CanaryDoc } from '../schema/flagger.js';
import type { HorizontalPodAutoscalerConfig, ObjectMeta, WorkloadConfig } from '../types.js';
import { shortHostToFqdn } from '../hosts.js';
import { primaryAutoscaler } from './flagger-autoscaler.js';
import { diagnosticAt, durationMs } from './rollout-common.js';
import { parsePromQL } from './rollout-promql.js';
import type { CanaryConfig, CanaryMetricConfig, MetricTemplateConfig } from './rollout-types.js';

/** Flagger's default `-selector-labels` (cmd/flagger/main.go). */
const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

/** The built-in Istio queries (pkg/metrics/observers/istio.go istioQueries), verbatim. */
export const FLAGGER_ISTIO_QUERIES: Record<'request-success-rate' | 'request-duration', string> = {
  'request-success-rate': `
	sum(
		rate(
			istio_requests_total{
				reporter="destination",
				destination_workload_namespace="{{ namespace }}",
				destination_workload=~"{{ target }}",
				response_code!~"5.*"
			}[{{ interval }}]
		)
	) 
	/ 
	sum(
		rate(
			istio_requests_total{
				reporter="destination",
				destination_workload_namespace="{{ namespace }}",
				destination_workload=~"{{ target }}"
			}[{{ interval }}]
		)
	) 
	* 100`,
  'request-duration': `
	histogram_quantile(
		0.99,
		sum(
			rate(
				istio_request_duration_milliseconds_bucket{
					reporter="destination",
					destination_workload_namespace="{{ namespace }}",
					destination_workload=~"{{ target }}"
				}[{{ interval }}]
			)
		) by (le)
	)`,
};

type CanaryMetricDoc = NonNullable<NonNullable<CanaryDoc['spec']['analysis']>['metrics']>[number];

export interface CanaryExpansion {
  config?: CanaryConfig;
  /** Kubernetes/Istio documents Flagger would create, loaded like the user's manifests. */
  generated: object[];
}

export function expandCanary(
  meta: ObjectMeta,
  doc: CanaryDoc,
  workloads: ReadonlyMap<string, WorkloadConfig>,
  templates: ReadonlyMap<string, MetricTemplateConfig>,
  hpas: ReadonlyMap<string, HorizontalPodAutoscalerConfig>,
  out: Diagnostic[],
): CanaryExpansion {
  const ns = meta.namespace;
  const spec = doc.spec;
  const diag = (
    path: string,
    code: 'MSIM3161' | 'MSIM3162' | 'MSIM3163' | 'MSIM3167',
    message: string,
  ): undefined => {
    out.push(diagnosticAt(meta, 'Canary', path, code, message));
    return undefined;
  };
  const targetKey = `${ns}/${spec.targetRef.name}`;
  const target = workloads.get(targetKey);
  if (spec.targetRef.kind !== 'Deployment' || target === undefined || target.kind !== 'Deployment') {
    diag(
      'spec.targetRef.name',
      'MSIM3162',
      spec.targetRef.kind !== 'Deployment'
        ? `targetRef kind ${spec.targetRef.kind} is not simulated (only Deployment)`
        : `Deployment ${targetKey} not found: Flagger cannot initialise the canary`,
    );
    return { generated: [] };
  }
  const label = SELECTOR_LABELS.find((l) => target.podLabels[l] !== undefined);
  if (label === undefined) {
    diag(
      'spec.targetRef.name',
      'MSIM3162',
      `Deployment ${targetKey} has none of the selector labels ${SELECTOR_LABELS.join(', ')}`,
    );
    return { generated: [] };
  }
  const value = target.podLabels[label]!;
  const primaryName = `${spec.targetRef.name}-primary`;
  const svc = spec.service.name ?? spec.targetRef.name;
  const names = { apex: svc, primary: `${svc}-primary`, canary: `${svc}-canary` };
  const analysis = spec.analysis ?? spec.canaryAnalysis;
  notSimulated(doc, diag);

  const primaryLabels = { ...target.podLabels, [label]: `${value}-primary` };
  const generated: object[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: primaryName, namespace: ns, labels: { [label]: `${value}-primary` } },
      spec: {
        // createPrimaryDeployment: the target's replicas, or 1 when it has none.
        replicas: target.replicas > 0 ? target.replicas : 1,
        selector: { matchLabels: { [label]: `${value}-primary` } },
        template: {
          // The pod template is the target's (getPrimaryDeploymentTemplateSpec): the cpu requests and
          // the annotations (sidecar.istio.io/proxyCPU ...) an HPA on the primary divides by.
          metadata: {
            labels: primaryLabels,
            ...(target.podAnnotations ? { annotations: { ...target.podAnnotations } } : {}),
          },
          spec: {
            containers: target.containers.map((c) => ({
              name: c.name,
              ports: c.ports,
              ...(c.cpuRequestMilli !== undefined
                ? { resources: { requests: { cpu: `${c.cpuRequestMilli}m` } } }
                : {}),
            })),
          },
        },
      },
    },
    service(names.apex, ns, spec.service, { [label]: `${value}-primary` }),
    service(names.primary, ns, spec.service, { [label]: `${value}-primary` }),
    service(names.canary, ns, spec.service, { [label]: value }),
    destinationRule(names.canary, ns, spec.service.trafficPolicy),
    destinationRule(names.primary, ns, spec.service.trafficPolicy),
    virtualService(names, ns, spec.service, analysis?.match),
  ];
  if (spec.autoscalerRef !== undefined) {
    const a = primaryAutoscaler(meta, spec.autoscalerRef, primaryName, hpas);
    if (a.ok) generated.push(a.document);
    else diag(a.path, a.code, a.message);
  }

  const model = {
    namespace: ns,
    name: meta.name,
    target: spec.targetRef.name,
    service: svc,
    ingress: spec.targetRef.name,
    route: spec.targetRef.name,
  };
  const metrics: CanaryMetricConfig[] = [];
  const resolveMetric = (m: CanaryMetricDoc, i: number): CanaryMetricConfig | undefined => {
    const path = `spec.analysis.metrics[${i}]`;
    const interval = m.interval ?? '1m';
    const builtin = m.name === 'request-success-rate' || m.name === 'request-duration';
    let text: string;
    let file = meta.source.file;
    if (m.templateRef !== undefined) {
      const key = `${m.templateRef.namespace ?? ns}/${m.templateRef.name}`;
      const t = templates.get(key);
      if (t === undefined)
        return diag(`${path}.templateRef.name`, 'MSIM3162', `MetricTemplate ${key} not found`);
      if (t.provider !== 'prometheus')
        return diag(
          `${path}.templateRef.name`,
          'MSIM3161',
          `MetricTemplate ${key}: provider ${t.provider} is not simulated (only prometheus); the check is skipped`,
        );
      text = t.query;
      file = t.querySource.file;
    } else if (builtin) text = FLAGGER_ISTIO_QUERIES[m.name as keyof typeof FLAGGER_ISTIO_QUERIES];
    else if (m.query !== undefined) text = m.query;
    else
      return diag(
        `${path}.name`,
        'MSIM3162',
        `metric ${m.name} has neither a templateRef nor a query, and is not a built-in metric`,
      );
    const rendered = render(text, { ...model, interval }, m.templateVariables ?? {});
    if (!rendered.ok) return diag(`${path}.templateRef.name`, 'MSIM3163', `${m.name}: ${rendered.message}`);
    const q = parsePromQL(rendered.text);
    if (!q.ok)
      return diag(
        m.templateRef ? `${path}.templateRef.name` : `${path}.name`,
        'MSIM3163',
        `${m.name}: unsupported PromQL at character ${q.offset + 1} of the query${m.templateRef ? ` in ${file}` : ''}: ${q.message}`,
      );
    const kind =
      m.templateRef === undefined && builtin
        ? (m.name as 'request-success-rate' | 'request-duration')
        : 'template';
    const range =
      m.thresholdRange ??
      (m.threshold !== undefined
        ? kind === 'request-duration'
          ? { max: m.threshold }
          : { min: m.threshold }
        : {});
    return {
      name: m.name,
      kind,
      intervalMs: durationMs(interval, 60_000),
      queryText: rendered.text,
      query: q.expr,
      ...(range.min !== undefined ? { min: range.min } : {}),
      ...(range.max !== undefined ? { max: range.max } : {}),
    };
  };
  for (const [i, m] of (analysis?.metrics ?? []).entries()) {
    const resolved = resolveMetric(m, i);
    if (resolved !== undefined) metrics.push(resolved);
  }
  const abTesting = analysis?.match !== undefined && (analysis.iterations ?? 0) > 0;
  if (
    analysis &&
    !abTesting &&
    (analysis.iterations ?? 0) > 0 &&
    !analysis.stepWeight &&
    !analysis.stepWeights?.length
  ) {
    diag(
      'spec.analysis.iterations',
      'MSIM3167',
      'Blue/Green (iterations without match or stepWeight) is not simulated: the canary is not analysed',
    );
    return { generated };
  }
  const config: CanaryConfig = {
    meta,
    target: targetKey,
    primary: `${ns}/${primaryName}`,
    apexHost: shortHostToFqdn(names.apex, ns),
    primaryHost: shortHostToFqdn(names.primary, ns),
    canaryHost: shortHostToFqdn(names.canary, ns),
    virtualService: { name: names.apex, namespace: ns },
    // v1beta1 GetAnalysisInterval: default 60s, never under 10s.
    intervalMs: Math.max(10_000, durationMs(analysis?.interval, 60_000)),
    threshold: analysis?.threshold && analysis.threshold > 0 ? analysis.threshold : 1,
    maxWeight: analysis?.maxWeight ?? 0,
    stepWeight: analysis?.stepWeight ?? 0,
    stepWeights: analysis?.stepWeights ?? [],
    stepWeightPromotion: analysis?.stepWeightPromotion ?? 0,
    iterations: analysis?.iterations ?? 0,
    strategy: abTesting ? 'ab-testing' : 'canary',
    skipAnalysis: analysis === undefined || spec.skipAnalysis === true,
    metrics,
  };
  return { config, generated };
}

function notSimulated(doc: CanaryDoc, diag: (path: string, code: 'MSIM3161', message: string) => void): void {
  const a = doc.spec.analysis ?? doc.spec.canaryAnalysis;
  const at = doc.spec.analysis ? 'spec.analysis' : 'spec.canaryAnalysis';
  if (a?.webhooks !== undefined)
    diag(
      `${at}.webhooks`,
      'MSIM3161',
      'webhooks are not called: gates pass at once and load-test hooks send no traffic (add it as scenario traffic)',
    );
  if (a?.sessionAffinity !== undefined)
    diag(`${at}.sessionAffinity`, 'MSIM3161', 'session affinity is not simulated');
  if (a?.mirror)
    diag(
      `${at}.mirror`,
      'MSIM3161',
      'traffic mirroring steps are not simulated (weights shift without a mirror step)',
    );
  if (a?.alerts !== undefined) diag(`${at}.alerts`, 'MSIM3161', 'alerts are not sent');
  if (doc.spec.service.rewrite !== undefined)
    diag('spec.service.rewrite', 'MSIM3161', 'rewrite is not copied into the generated VirtualService');
}

type Model = Record<'namespace' | 'name' | 'target' | 'service' | 'ingress' | 'route' | 'interval', string>;

/**
 * Flagger's query template (pkg/metrics/observers/render.go RenderQuery: text/template with the functions
 * of MetricTemplateModel.TemplateFunctions and missingkey=error): `{{ namespace }}`, `{{ name }}`,
 * `{{ target }}`, `{{ service }}`, `{{ ingress }}`, `{{ route }}`, `{{ interval }}`, `{{ variables.X }}`.
 */
export function render(
  text: string,
  model: Model,
  variables: Readonly<Record<string, string>>,
): { ok: true; text: string } | { ok: false; message: string } {
  let missing: string | undefined;
  const out = text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g, (all, key: string) => {
    if (key.startsWith('variables.')) {
      const v = variables[key.slice('variables.'.length)];
      if (v === undefined) missing ??= key;
      return v ?? all;
    }
    if (Object.hasOwn(model, key)) return model[key as keyof Model];
    missing ??= key;
    return all;
  });
  if (missing !== undefined)
    return {
      ok: false,
      message: `template variable "${missing}" is not defined (templateVariables or a Flagger function)`,
    };
  if (/\{\{/.test(out))
    return { ok: false, message: 'template syntax other than {{ name }} substitutions is not supported' };
  return { ok: true, text: out };
}

function service(
  name: string,
  ns: string,
  s: CanaryDoc['spec']['service'],
  selector: Record<string, string>,
): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [
        {
          name: s.portName ?? 'http',
          port: s.port,
          targetPort: s.targetPort ?? s.port,
          protocol: 'TCP',
          ...(s.appProtocol ? { appProtocol: s.appProtocol } : {}),
        },
      ],
    },
  };
}

function destinationRule(name: string, ns: string, trafficPolicy: unknown): object {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name, namespace: ns },
    spec: { host: name, ...(trafficPolicy !== undefined ? { trafficPolicy } : {}) },
  };
}

function virtualService(
  names: { apex: string; primary: string; canary: string },
  ns: string,
  s: CanaryDoc['spec']['service'],
  abMatch: unknown,
): object {
  const hosts = [...(s.hosts ?? [])];
  if (!hosts.some((h) => h === names.apex || h === '*')) hosts.push(names.apex);
  const gateways = s.gateways?.length ? [...s.gateways] : ['mesh'];
  const common = {
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    ...(s.retries !== undefined ? { retries: s.retries } : {}),
    ...(s.headers !== undefined ? { headers: s.headers } : {}),
    ...(s.corsPolicy !== undefined ? { corsPolicy: s.corsPolicy } : {}),
  };
  const route = [
    { destination: { host: names.primary }, weight: 100 },
    { destination: { host: names.canary }, weight: 0 },
  ];
  const match = s.match !== undefined ? { match: s.match } : {};
  // A/B testing: the analysis' match conditions get the weighted rule, everything else the primary.
  // NOTE: simplification: Flagger merges analysis.match with service.match (mergeMatchConditions);
  // here the analysis match is used as written.
  const http =
    abMatch !== undefined
      ? [
          { match: abMatch, ...common, route },
          { ...match, ...common, route: [{ destination: { host: names.primary }, weight: 100 }] },
        ]
      : [{ ...match, ...common, route }];
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: names.apex, namespace: ns },
    spec: { hosts, gateways, http },
  };
}
