/**
 * Ambient mode's mistakes about pods and client-side DestinationRule features (docs/ambient.md
 * "Findings"): a pod template whose `istio.io/use-waypoint` names no Gateway or a waypoint that takes no
 * workload traffic (istiod: WaypointIsNotReady, WaypointUnsupportedTrafficType; ambient/waypoints.go
 * fetchWaypointForWorkload), a DestinationRule whose workloadSelector picks only ambient pods (no sidecar
 * of theirs applies it; a waypoint reads only rules that select it), and load-balancing or TLS settings
 * for an ambient Service without waypoint (ztunnel reads no DestinationRule).
 */
import { selectorMatches } from '../labels.js';
import { type AmbientConfig, ambientEnrolled, DATAPLANE_MODE_LABEL } from '../resolve/ambient.js';
import type { MeshConfig } from '../types.js';
import type { Findings } from './context.js';

const LABEL_PATH = ['spec', 'template', 'metadata', 'labels', 'istio.io/use-waypoint'];

export function analyzeAmbientWorkloads(config: MeshConfig, ambient: AmbientConfig, f: Findings): void {
  for (const w of config.workloads) {
    // Only the pod's own label: a namespace's label is reported on the namespace (MSIM3141/3142).
    if (w.podLabels['istio.io/use-waypoint'] === undefined) continue;
    const b = ambient.workloadBindingOf(w.meta.namespace, w.podLabels);
    if (b.kind === 'missing')
      f.add(
        'MSIM3141',
        w.kind,
        w.meta,
        LABEL_PATH,
        `the pods of ${w.meta.namespace}/${w.meta.name} ask for waypoint ${b.namespace}/${b.name}, which no Gateway of class istio-waypoint defines: istiod reports it not ready and traffic to these pods goes through ztunnel only (no L7 policy)`,
      );
    else if (b.kind === 'unsupported-traffic-type')
      f.add(
        'MSIM3145',
        w.kind,
        w.meta,
        LABEL_PATH,
        `waypoint ${b.waypoint.namespace}/${b.waypoint.name} is for ${b.waypoint.trafficType} traffic (istio.io/waypoint-for), not workload traffic: traffic addressed to the pods of ${w.meta.namespace}/${w.meta.name} skips it; label the Gateway istio.io/waypoint-for: workload (or all), or label a Service instead`,
      );
  }
  const nsLabels = (ns: string) => ambient.namespaceLabels(ns);
  for (const dr of config.destinationRules) {
    const sel = dr.workloadSelector;
    if (sel === undefined) continue;
    const picked = config.workloads.filter(
      (w) => w.meta.namespace === dr.meta.namespace && selectorMatches(sel, w.podLabels),
    );
    if (picked.length === 0 || !picked.every((w) => ambientEnrolled(nsLabels(w.meta.namespace), w.podLabels)))
      continue;
    f.add(
      'MSIM3146',
      'DestinationRule',
      dr.meta,
      ['spec', 'workloadSelector'],
      `workloadSelector picks only ambient pods (${picked.map((w) => w.meta.name).join(', ')}), which have no sidecar to apply it: ztunnel reads no DestinationRule and a waypoint only the rules that select its own pods; drop the selector so the waypoint of ${dr.host} applies it`,
    );
  }
  for (const svc of config.services) {
    if (nsLabels(svc.meta.namespace)[DATAPLANE_MODE_LABEL] !== 'ambient') continue;
    if (ambient.bindingOf(svc).kind === 'bound') continue;
    for (const dr of config.destinationRules) {
      const tp = dr.trafficPolicy;
      if (dr.host !== svc.fqdn || tp === undefined || dr.workloadSelector !== undefined) continue;
      // ISTIO_MUTUAL (or DISABLE) says nothing ztunnel does not already do; TLS origination it does not do.
      const originates = tp.tls?.mode === 'SIMPLE' || tp.tls?.mode === 'MUTUAL';
      const what = [tp.loadBalancer ? 'loadBalancer' : '', originates ? `tls mode ${tp.tls!.mode}` : '']
        .filter((x) => x !== '')
        .join(' and ');
      if (what === '') continue;
      f.add(
        'MSIM3147',
        'DestinationRule',
        dr.meta,
        ['spec', 'trafficPolicy', tp.loadBalancer ? 'loadBalancer' : 'tls'],
        `${what} for ${svc.fqdn} is ignored for ambient clients: the Service has no waypoint and ztunnel picks endpoints itself (uniformly, or by trafficDistribution) and speaks only its own mTLS; add istio.io/use-waypoint, or use the Service's trafficDistribution`,
      );
    }
  }
}
