/**
 * Version notes on single resources: Service `trafficDistribution` values the chosen Istio does not act
 * on (MSIM3103), and the Istio 1.31 DestinationRule fields meshsim reads without simulating (MSIM3104).
 */
import type { IstioProfile } from './istio-version.js';
import type { Reporter } from './report.js';
import type { DestinationRuleDoc, TrafficPolicyDoc } from './schema/destination-rule.js';
import type { YamlPath } from './yaml-source.js';

/** Values istiod's model/service.go maps, per profile (loadbalancer.go GetLocalityLbSetting). */
export function honouredTrafficDistribution(value: string, profile: IstioProfile): boolean {
  if (profile.trafficDistribution === 'ignored') return false;
  if (profile.trafficDistribution === 'prefer-close') return value === 'PreferClose';
  return value === 'PreferClose' || value === 'PreferSameZone' || value === 'PreferSameNode';
}

export function checkTrafficDistribution(
  r: Reporter,
  svc: { spec?: { trafficDistribution?: string } },
  profile: IstioProfile,
): void {
  const v = svc.spec?.trafficDistribution;
  if (v === undefined || honouredTrafficDistribution(v, profile)) return;
  const known = v === 'PreferClose' || v === 'PreferSameZone' || v === 'PreferSameNode';
  const since = v === 'PreferClose' ? '1.25' : '1.27';
  r.add(
    'MSIM3103',
    ['spec', 'trafficDistribution'],
    known
      ? `Istio ${profile.version} sidecars ignore trafficDistribution ${v} (honoured since Istio ${since}): no locality preference`
      : `trafficDistribution "${v}" is not one Kubernetes defines (PreferClose, PreferSameZone, PreferSameNode): no locality preference`,
  );
}

/** Fields read, validated and shown in proxy-config, whose effect is not simulated (docs/fidelity/versions.md). */
export function destinationRuleVersionNotes(r: Reporter, spec: DestinationRuleDoc['spec']): void {
  const visit = (tp: TrafficPolicyDoc | undefined, p: YamlPath) => {
    if (tp === undefined) return;
    const blocks = [
      { b: tp, at: p },
      ...(tp.portLevelSettings ?? []).map((b, i) => ({ b, at: [...p, 'portLevelSettings', i] })),
    ];
    for (const { b, at } of blocks)
      if (b.loadBalancer?.zoneAwareLbSetting !== undefined)
        r.add(
          'MSIM3104',
          [...at, 'loadBalancer', 'zoneAwareLbSetting'],
          "zoneAwareLbSetting is validated and not simulated: Envoy's zone-aware routing needs the proxy's local cluster, which meshsim does not model; the default locality failover applies",
          { key: true },
        );
  };
  visit(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  (spec.subsets ?? []).forEach((s, i) => {
    visit(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']);
  });
}
