/**
 * Webhook rules for the DestinationRule fields added since Istio 1.24 (issue #18)
 * [I:pkg/config/validation/validation.go `validateLoadBalancer`: "only one of localityLbSetting and
 * zoneAwareLbSetting can be set"; pkg/config/validation/agent/validation.go `ValidateZoneAwareLbSetting`].
 * The CRD bounds (outlierDetectionHttpErrorCodes 100..599, minClusterSize >= 1) are in the schema.
 */
import type { Reporter } from '../report.js';
import type { LoadBalancerDoc, OutlierDetectionDoc } from '../schema/destination-rule.js';
import type { YamlPath } from '../yaml-source.js';

const ZONE_AWARE_FORBIDDEN_PRIORITY = new Set([
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
]);

export function checkZoneAwareLbSetting(
  r: Reporter,
  p: YamlPath,
  lb: LoadBalancerDoc,
  od: OutlierDetectionDoc | undefined,
): void {
  const za = lb.zoneAwareLbSetting;
  if (za === undefined) return;
  const zp = [...p, 'zoneAwareLbSetting'];
  if (lb.localityLbSetting !== undefined)
    r.add('IST0106', p, 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  (za.failoverPriority ?? []).forEach((l, i) => {
    if (ZONE_AWARE_FORBIDDEN_PRIORITY.has(l))
      r.add(
        'IST0106',
        [...zp, 'failoverPriority', i],
        `'failover_priority' for zone aware lb must not use topology label '${l}'; region- and zone-level routing are handled automatically`,
      );
  });
  const failover = za.failover ?? [];
  if ((failover.length > 0 || (za.failoverPriority ?? []).length > 0) && !od)
    r.add('IST0133', zp, 'Schema validation warning: outlier detection policy must be provided for failover');
  failover.forEach((f, i) => {
    const fp = [...zp, 'failover', i];
    if (f.from === f.to)
      r.add('IST0106', fp, 'zone aware lb failover settings must specify different regions');
    if ((f.from ?? '').includes('/') || (f.to ?? '').includes('/'))
      r.add(
        'IST0106',
        fp,
        'zone aware lb failover only specifies region; zone and subzone failover are handled automatically',
      );
    if ((f.from ?? '').includes('*') || (f.to ?? '').includes('*'))
      r.add('IST0106', fp, "zone aware lb failover region should not contain '*' wildcard");
  });
}
