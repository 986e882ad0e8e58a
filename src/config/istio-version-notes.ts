/**
 * Version notes on single resources: Service `trafficDistribution` values the chosen Istio does not act
 * on (MSIM3103), and what zoneAwareLbSetting needs from the proxies (MSIM3105).
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

/**
 * zoneAwareLbSetting routes by zone only from sidecars that have a local cluster, which istiod injects
 * with `ISTIO_META_ENABLE_SELF_DISCOVERY: "true"` in proxyMetadata (ZoneAwareLoadBalancerSetting reference,
 * istio.io); the DestinationRule alone cannot tell, so the note says what else is needed.
 */
export function destinationRuleVersionNotes(r: Reporter, spec: DestinationRuleDoc['spec']): void {
  const visit = (tp: TrafficPolicyDoc | undefined, p: YamlPath) => {
    if (tp === undefined) return;
    const blocks = [
      { b: tp, at: p },
      ...(tp.portLevelSettings ?? []).map((b, i) => ({ b, at: [...p, 'portLevelSettings', i] })),
    ];
    for (const { b, at } of blocks)
      if (
        b.loadBalancer?.zoneAwareLbSetting !== undefined &&
        b.loadBalancer.zoneAwareLbSetting.enabled !== false
      )
        r.add(
          'MSIM3105',
          [...at, 'loadBalancer', 'zoneAwareLbSetting'],
          'zoneAwareLbSetting routes by zone only from sidecars with a local cluster: set ISTIO_META_ENABLE_SELF_DISCOVERY: "true" in meshConfig.defaultConfig.proxyMetadata, and give the calling pods a Service',
          { key: true },
        );
  };
  visit(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  (spec.subsets ?? []).forEach((s, i) => {
    visit(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']);
  });
}
