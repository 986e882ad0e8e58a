/**
 * Ambient mode's common mistakes (docs/ambient.md "Findings"): a waypoint nothing uses, a use-waypoint
 * label naming no waypoint (istiod: WaypointIsNotReady, traffic bypasses L7), a waypoint that takes no
 * Service traffic, L7 policy on a Service ambient clients reach through ztunnel alone (ztunnel applies
 * no VirtualService or DestinationRule: istio.io, "Ambient and Istio traffic management"), and a
 * namespace asking for both a sidecar and ambient.
 */
import { DATAPLANE_MODE_LABEL, resolveAmbient, waypointGateways } from '../resolve/ambient.js';
import type { MeshConfig } from '../types.js';
import { analyzeAmbientWorkloads } from './ambient-workloads.js';
import type { Findings } from './context.js';

export function analyzeAmbient(config: MeshConfig, f: Findings): void {
  const gw = waypointGateways(config);
  const ambient = resolveAmbient(config, gw.gateways, gw.classes);
  const used = new Set<string>();
  for (const svc of config.services) {
    const b = ambient.bindingOf(svc);
    if (b.kind === 'none') continue;
    const meta =
      b.via === 'service'
        ? svc.meta
        : config.namespaces.find((n) => n.meta.name === svc.meta.namespace)?.meta;
    if (meta === undefined) continue;
    const kind = b.via === 'service' ? 'Service' : 'Namespace';
    const path = ['metadata', 'labels', 'istio.io/use-waypoint'];
    if (b.kind === 'missing') {
      f.add(
        'MSIM3141',
        kind,
        meta,
        path,
        `${svc.fqdn} asks for waypoint ${b.namespace}/${b.name}, which no Gateway of class istio-waypoint defines: istiod reports it not ready and its traffic goes through ztunnel only (no L7 policy)`,
      );
      continue;
    }
    used.add(`${b.waypoint.namespace}/${b.waypoint.name}`);
    if (b.kind === 'unsupported-traffic-type')
      f.add(
        'MSIM3142',
        kind,
        meta,
        path,
        `waypoint ${b.waypoint.namespace}/${b.waypoint.name} is for ${b.waypoint.trafficType} traffic (istio.io/waypoint-for), not Service traffic: ${svc.fqdn} does not use it`,
      );
  }
  for (const w of ambient.waypoints) {
    const key = `${w.namespace}/${w.name}`;
    if (used.has(key) || w.trafficType === 'workload' || w.trafficType === 'none') continue;
    const g = gw.gateways.find((x) => x.meta.namespace === w.namespace && x.meta.name === w.name)!;
    f.add(
      'MSIM3140',
      'Gateway',
      g.meta,
      [],
      `waypoint ${key} is used by no Service: label a Service or its namespace istio.io/use-waypoint: ${w.name} (its pods run but carry no traffic)`,
    );
  }
  analyzeL7WithoutWaypoint(config, ambient, f);
  analyzeAmbientWorkloads(config, ambient, f);
  for (const n of config.namespaces)
    if (n.meta.labels[DATAPLANE_MODE_LABEL] === 'ambient' && n.meta.labels['istio-injection'] === 'enabled')
      f.add(
        'MSIM3144',
        'Namespace',
        n.meta,
        ['metadata', 'labels', 'istio-injection'],
        `namespace ${n.meta.name} asks for sidecar injection and ambient mode: its pods get sidecars and are not enrolled (istio-cni skips pods with a sidecar)`,
      );
}

/** A DR's connectionPool / outlierDetection or a VS on a Service whose pods are ambient with no waypoint. */
function analyzeL7WithoutWaypoint(
  config: MeshConfig,
  ambient: ReturnType<typeof resolveAmbient>,
  f: Findings,
): void {
  const ambientNs = (ns: string) => ambient.namespaceLabels(ns)[DATAPLANE_MODE_LABEL] === 'ambient';
  for (const svc of config.services) {
    if (!ambientNs(svc.meta.namespace) || ambient.bindingOf(svc).kind === 'bound') continue;
    for (const dr of config.destinationRules) {
      const tp = dr.trafficPolicy;
      if (dr.host !== svc.fqdn || tp === undefined) continue;
      const what = [tp.connectionPool ? 'connectionPool' : '', tp.outlierDetection ? 'outlierDetection' : '']
        .filter((x) => x !== '')
        .join(' and ');
      if (what === '') continue;
      f.add(
        'MSIM3143',
        'DestinationRule',
        dr.meta,
        ['spec', 'trafficPolicy'],
        `${what} for ${svc.fqdn} is ignored for ambient clients: the Service has no waypoint and ztunnel applies no DestinationRule (only sidecar callers enforce it); add istio.io/use-waypoint`,
      );
    }
    for (const vs of config.virtualServices) {
      // Only VirtualServices for the mesh (no gateways, or `mesh` listed) would apply to in-mesh callers.
      if (!vs.hosts.includes(svc.fqdn) || (vs.gateways.length > 0 && !vs.gateways.includes('mesh'))) continue;
      f.add(
        'MSIM3143',
        'VirtualService',
        vs.meta,
        ['spec', 'hosts'],
        `routing for ${svc.fqdn} is ignored for ambient clients: the Service has no waypoint and ztunnel does no HTTP routing, retries or timeouts (only sidecar callers apply it); add istio.io/use-waypoint`,
      );
    }
  }
}
