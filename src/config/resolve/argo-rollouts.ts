/**
 * An Argo Rollout (canary strategy, Istio traffic routing) → its ReplicaSets as workloads, the label edits
 * the controller makes to the Services or DestinationRule, and the resolved RolloutConfig with every
 * AnalysisTemplate reference resolved (args substituted, queries and conditions parsed).
 *
 * Argo "Istio" traffic routing (docs/features/traffic-management/istio.md): host-level splitting adds the
 * `rollouts-pod-template-hash` of the canary / stable ReplicaSet to the canaryService / stableService
 * selectors; subset-level splitting adds it to the DestinationRule's canarySubsetName / stableSubsetName
 * subset labels. The pods of each ReplicaSet carry that label.
 */
import type { Diagnostic } from '../diagnostics.js';
import { shortHostToFqdn } from '../hosts.js';
import type { RolloutDoc } from '../schema/argo-rollouts.js';
import type { ObjectMeta } from '../types.js';
import { parseCondition } from './argo-rollouts-condition.js';
import { diagnosticAt, durationMs } from './rollout-common.js';
import { parsePromQL } from './rollout-promql.js';
import type {
  AnalysisMetricConfig,
  AnalysisRunConfig,
  AnalysisTemplateConfig,
  RolloutConfig,
  RolloutStep,
} from './rollout-types.js';

export const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

export interface RolloutExpansion {
  config?: RolloutConfig;
  generated: object[];
  /** Label edits the controller makes (by FQDN for Services, by namespace/name for the DestinationRule). */
  selectorEdits: { service: string; hash: string }[];
  subsetEdits: { destinationRule: string; subset: string; hash: string }[];
}

type Code =
  | 'MSIM3161'
  | 'MSIM3162'
  | 'MSIM3163'
  | 'MSIM3164'
  | 'MSIM3166'
  | 'MSIM3167'
  | 'MSIM3168'
  | 'MSIM3169';

export function expandRollout(
  meta: ObjectMeta,
  doc: RolloutDoc,
  templates: ReadonlyMap<string, AnalysisTemplateConfig>,
  out: Diagnostic[],
): RolloutExpansion {
  const ns = meta.namespace;
  const diag = (path: string, code: Code, message: string): undefined => {
    out.push(diagnosticAt(meta, 'Rollout', path, code, message));
    return undefined;
  };
  const replicas = doc.spec.replicas ?? 1;
  const labels = doc.spec.template.metadata?.labels ?? {};
  // NOTE: simplification: the pod-template hash is the ReplicaSet's role (stable / canary), not a hash of
  // the template; both ReplicaSets run spec.replicas pods for the whole rollout (no canary scaling by weight).
  const rs = (role: 'stable' | 'canary') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${meta.name}-${role}`,
      namespace: ns,
      labels: { ...labels, [POD_TEMPLATE_HASH]: role },
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...(doc.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: role } },
      template: {
        metadata: { labels: { ...labels, [POD_TEMPLATE_HASH]: role } },
        spec: {
          containers: doc.spec.template.spec.containers.map((c) => ({ name: c.name, ports: c.ports ?? [] })),
        },
      },
    },
  });
  const result: RolloutExpansion = {
    generated: [rs('stable'), rs('canary')],
    selectorEdits: [],
    subsetEdits: [],
  };
  const canary = doc.spec.strategy.canary;
  if (canary === undefined) {
    diag(
      'spec.strategy',
      'MSIM3167',
      'only the canary strategy is simulated (blueGreen is not): the Rollout runs its stable ReplicaSet only',
    );
    return result;
  }
  const istio = canary.trafficRouting?.istio;
  if (istio === undefined) {
    diag(
      'spec.strategy.canary',
      'MSIM3167',
      'a canary without trafficRouting.istio is not simulated (replica-based canaries are not modelled)',
    );
    return result;
  }
  const at = 'spec.strategy.canary.trafficRouting.istio';
  const vsRefs = [
    ...(istio.virtualService ? [{ v: istio.virtualService, path: `${at}.virtualService` }] : []),
    ...(istio.virtualServices ?? []).map((v, i) => ({ v, path: `${at}.virtualServices[${i}]` })),
  ].map(({ v, path }) => {
    const [name, vns] = v.name.split('.');
    return { name: name!, namespace: vns ?? ns, routes: v.routes ?? [], path };
  });
  if (vsRefs.length === 0)
    diag(
      'spec.strategy.canary.trafficRouting.istio',
      'MSIM3162',
      'trafficRouting.istio needs virtualService or virtualServices',
    );
  let split: RolloutConfig['split'];
  if (istio.destinationRule !== undefined) {
    const dr = istio.destinationRule;
    const [name, drNs] = dr.name.split('.');
    const key = `${drNs ?? ns}/${name}`;
    result.subsetEdits.push({ destinationRule: key, subset: dr.canarySubsetName, hash: 'canary' });
    result.subsetEdits.push({ destinationRule: key, subset: dr.stableSubsetName, hash: 'stable' });
    split = {
      kind: 'subset',
      canarySubset: dr.canarySubsetName,
      stableSubset: dr.stableSubsetName,
      destinationRule: key,
    };
  } else if (canary.canaryService && canary.stableService) {
    const canaryHost = shortHostToFqdn(canary.canaryService, ns);
    const stableHost = shortHostToFqdn(canary.stableService, ns);
    result.selectorEdits.push(
      { service: canaryHost, hash: 'canary' },
      { service: stableHost, hash: 'stable' },
    );
    split = { kind: 'host', canaryHost, stableHost };
  } else {
    diag(
      'spec.strategy.canary',
      'MSIM3162',
      'Istio traffic routing needs a destinationRule or canaryService and stableService',
    );
    return result;
  }
  const steps: RolloutStep[] = (canary.steps ?? []).map((s, i): RolloutStep => {
    const path = `spec.strategy.canary.steps[${i}]`;
    if (s.setWeight !== undefined) return { kind: 'setWeight', weight: s.setWeight };
    if (s.pause !== undefined) {
      if (s.pause.duration === undefined) {
        diag(
          `${path}.pause`,
          'MSIM3169',
          'pause without a duration waits for a manual promotion: the rollout stays paused to the end of the run',
        );
        return { kind: 'pause', durationMs: null };
      }
      const d = s.pause.duration;
      // v1alpha1 DurationString: an integer is seconds, else a Go duration.
      const ms =
        typeof d === 'number' ? d * 1000 : /^\d+$/.test(d) ? Number(d) * 1000 : durationMs(d, Number.NaN);
      if (Number.isNaN(ms)) {
        diag(`${path}.pause.duration`, 'MSIM3162', `invalid pause duration "${d}"`);
        return { kind: 'pause', durationMs: 0 };
      }
      return { kind: 'pause', durationMs: ms };
    }
    if (s.analysis !== undefined)
      return { kind: 'analysis', run: analysisRun(s.analysis, `${path}.analysis`) };
    const what = Object.keys(s)[0] ?? 'empty';
    diag(path, 'MSIM3168', `step ${what} is not simulated: it completes at once`);
    return { kind: 'skipped', what };
  });
  function analysisRun(
    ref: NonNullable<typeof canary>['analysis'] & object,
    path: string,
  ): AnalysisRunConfig {
    const metrics: AnalysisMetricConfig[] = [];
    const names: string[] = [];
    for (const [j, t] of (ref.templates ?? []).entries()) {
      const at = `${path}.templates[${j}]`;
      if (t.clusterScope) {
        diag(`${at}.clusterScope`, 'MSIM3167', 'ClusterAnalysisTemplate is not simulated');
        continue;
      }
      const tpl = templates.get(`${ns}/${t.templateName}`);
      if (tpl === undefined) {
        diag(`${at}.templateName`, 'MSIM3162', `AnalysisTemplate ${ns}/${t.templateName} not found`);
        continue;
      }
      names.push(t.templateName);
      const args = new Map<string, string>();
      for (const a of tpl.args) if (a.value !== undefined) args.set(a.name, a.value);
      for (const a of ref.args ?? []) if (a.value !== undefined) args.set(a.name, a.value);
      const missing = tpl.args.find((a) => !args.has(a.name));
      if (missing) {
        diag(
          `${at}.templateName`,
          'MSIM3166',
          `argument "${missing.name}" of AnalysisTemplate ${t.templateName} has no value`,
        );
        continue;
      }
      tpl.metrics.forEach((m, k) => {
        const tDiag = (field: string, code: Code, message: string): void => {
          out.push(diagnosticAt(tpl.meta, 'AnalysisTemplate', `spec.metrics[${k}]${field}`, code, message));
        };
        const metric = resolveMetric(m, tpl.meta.name, (s) => substitute(s, args), tDiag);
        if (metric) metrics.push(metric);
      });
    }
    return { templates: names, metrics };
  }
  const bg = canary.analysis;
  const config: RolloutConfig = {
    meta,
    replicas,
    stableWorkload: `${ns}/${meta.name}-stable`,
    canaryWorkload: `${ns}/${meta.name}-canary`,
    steps,
    ...(bg?.templates?.length
      ? {
          background: {
            run: analysisRun(bg, 'spec.strategy.canary.analysis'),
            startingStep: bg.startingStep ?? 0,
          },
        }
      : {}),
    virtualServices: vsRefs,
    split,
  };
  return { ...result, config };
}

/** `{{args.name}}` / `{{ args.name }}` (Argo utils/analysis/helpers.go ResolveArgs). */
function substitute(s: string, args: ReadonlyMap<string, string>): string {
  return s.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (all, k: string) => args.get(k) ?? all);
}

function resolveMetric(
  m: AnalysisTemplateConfig['metrics'][number],
  template: string,
  sub: (s: string) => string,
  diag: (field: string, code: Code, message: string) => void,
): AnalysisMetricConfig | undefined {
  const int = (v: number | string | undefined, field: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = typeof v === 'number' ? v : Number(sub(v));
    if (!Number.isInteger(n)) {
      diag(`.${field}`, 'MSIM3166', `${field} "${v}" is not an integer after argument substitution`);
      return dflt;
    }
    return n;
  };
  if (m.provider !== 'prometheus')
    diag('.provider', 'MSIM3161', `provider ${m.provider} is not simulated: its measurements succeed`);
  const queryText = sub(m.query);
  let query: AnalysisMetricConfig['query'];
  if (m.provider === 'prometheus') {
    if (/\{\{/.test(queryText)) {
      diag('.provider.prometheus.query', 'MSIM3166', 'the query has an unresolved {{ ... }} placeholder');
      return undefined;
    }
    const q = parsePromQL(queryText);
    if (!q.ok) {
      diag(
        '.provider.prometheus.query',
        'MSIM3163',
        `unsupported PromQL at character ${q.offset + 1}: ${q.message}`,
      );
      return undefined;
    }
    query = q.expr;
  }
  const cond = (field: 'successCondition' | 'failureCondition') => {
    const text = m[field];
    if (text === undefined) return {};
    const c = parseCondition(sub(text));
    if (!c.ok) {
      diag(`.${field}`, 'MSIM3164', `unsupported condition at character ${c.offset + 1}: ${c.message}`);
      return undefined;
    }
    return { [field]: c.expr, [`${field}Text`]: sub(text) };
  };
  const success = cond('successCondition');
  const failure = cond('failureCondition');
  if (success === undefined || failure === undefined) return undefined;
  const countRaw = m.count === undefined ? 0 : int(m.count, 'count', 0);
  const intervalMs = m.interval !== undefined ? durationMs(sub(m.interval), Number.NaN) : null;
  if (intervalMs !== null && !(intervalMs >= 1000)) {
    // Argo measures at most once per interval; a zero, sub-second or unparsable one would not advance time.
    diag(
      '.interval',
      'MSIM3166',
      `interval "${m.interval}": meshsim needs a duration of at least 1s (Go syntax, e.g. "5m")`,
    );
    return undefined;
  }
  return {
    name: m.name,
    template,
    intervalMs,
    initialDelayMs: durationMs(m.initialDelay !== undefined ? sub(m.initialDelay) : undefined, 0),
    // v1alpha1 Metric.EffectiveCount: no count and no interval = one measurement.
    count: countRaw > 0 ? countRaw : m.interval === undefined ? 1 : null,
    ...success,
    ...failure,
    failureLimit: int(m.failureLimit, 'failureLimit', 0),
    inconclusiveLimit: int(m.inconclusiveLimit, 'inconclusiveLimit', 0),
    consecutiveErrorLimit: int(m.consecutiveErrorLimit, 'consecutiveErrorLimit', 4),
    consecutiveSuccessLimit: int(m.consecutiveSuccessLimit, 'consecutiveSuccessLimit', 0),
    queryText,
    ...(query !== undefined ? { query } : {}),
    dryRun: m.dryRun,
  };
}
