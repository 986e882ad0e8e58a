/**
 * DestinationRule findings against the Services and pods they apply to:
 * - IST0174 UnknownDestinationRuleHost, IST0173 DestinationRuleSubsetNotSelectPods
 *   [I:pkg/config/analysis/analyzers/destinationrule/podsnotselected.go];
 * - MSIM1010: outlier detection that can never eject with the endpoint count of the cluster. Current
 *   Envoy ejects only if 100 × (ejected + 1) / total <= maxEjectionPercent (Envoy outlier_detection_impl.cc ejection), so with
 *   Istio's default 10 % a cluster with fewer than 10 endpoints never ejects;
 * - MSIM1020: locality failover in the effective cluster policy without outlier detection: istiod then
 *   sets no priorities and failover never happens (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go).
 */
import { effectiveClusterPolicy } from '../cluster-policy.js';
import type { DestinationRuleConfig, MeshConfig } from '../types.js';
import { endpointCount, type Findings, hasPosition, type Path, serviceByFqdn } from './context.js';
import { hostKnown } from './destinations.js';

const K = 'DestinationRule';

export function analyzeDestinationRules(config: MeshConfig, f: Findings): void {
  for (const dr of config.destinationRules) {
    if (!dr.host.includes('*') && !hostKnown(config, dr.host)) {
      f.add(
        'IST0174',
        K,
        dr.meta,
        ['spec', 'host'],
        `DestinationRule for non-existent service registry host: ${dr.host}`,
      );
      continue;
    }
    const svc = serviceByFqdn(config, dr.host);
    if (!svc) continue;
    dr.subsets.forEach((s, i) => {
      if (Object.keys(svc.selector).length > 0 && endpointCount(config, svc, s.labels) === 0)
        f.add(
          'IST0173',
          K,
          dr.meta,
          ['spec', 'subsets', i],
          `The Subset ${s.name} defined in the DestinationRule does not select any pods.`,
        );
    });
    clusterFindings(config, dr, f);
  }
}

function clusterFindings(config: MeshConfig, dr: DestinationRuleConfig, f: Findings): void {
  const svc = serviceByFqdn(config, dr.host)!;
  const reported = new Set<string>();
  const targets: { subset: string | undefined; path: (string | number)[] }[] = [
    { subset: undefined, path: ['spec', 'trafficPolicy'] },
    ...dr.subsets.map((s, i) => ({ subset: s.name, path: ['spec', 'subsets', i] })),
  ];
  for (const port of svc.ports) {
    for (const t of targets) {
      const policy = effectiveClusterPolicy(dr, t.subset, port.port);
      const cluster = `outbound|${port.port}|${t.subset ?? ''}|${dr.host}`;
      const od = policy.outlierDetection;
      const labels = t.subset ? dr.subsets.find((s) => s.name === t.subset)?.labels : undefined;
      const n = endpointCount(config, svc, labels);
      const ejecting =
        od &&
        (od.consecutive5xxErrors > 0 ||
          od.consecutiveGatewayErrors.enforcing ||
          od.consecutiveLocalOriginFailures.enforcing);
      if (od && ejecting && n > 0 && (100 * 1) / n > od.maxEjectionPercent) {
        const key = `1010|${t.subset}|${od.maxEjectionPercent}`;
        if (!reported.has(key)) {
          reported.add(key);
          const need = Math.ceil(100 / n);
          f.add(
            'MSIM1010',
            K,
            dr.meta,
            odPath(dr, t.path, t.subset !== undefined),
            `outlier detection on ${cluster} never ejects: it has ${n} endpoint${n === 1 ? '' : 's'} and Envoy ejects only if 100 × (ejected + 1) / ${n} <= maxEjectionPercent (${od.maxEjectionPercent}); it needs at least ${need}`,
          );
        }
      }
      const loc = policy.loadBalancer.locality;
      if (!od && loc.enabled && (loc.failover.length > 0 || loc.failoverPriority.length > 0)) {
        const key = `1020|${t.subset}`;
        if (!reported.has(key)) {
          reported.add(key);
          f.add(
            'MSIM1020',
            K,
            dr.meta,
            t.path,
            `${cluster} has locality failover but no outlier detection in its effective policy: istiod applies failover priorities only with outlierDetection, so traffic never fails over`,
          );
        }
      }
    }
  }
}

/** Where the outlier detection that applies was written: the subset's own block, else the top level. */
function odPath(dr: DestinationRuleConfig, target: Path, isSubset: boolean): Path {
  const own = isSubset ? [...target, 'trafficPolicy', 'outlierDetection'] : [...target, 'outlierDetection'];
  const base = isSubset && !hasPosition(dr.meta, own) ? ['spec', 'trafficPolicy', 'outlierDetection'] : own;
  return hasPosition(dr.meta, [...base, 'maxEjectionPercent']) ? [...base, 'maxEjectionPercent'] : base;
}
