import type { ClusterDirectory, ClusterSpec } from '../envoy/index.js';

/** istiod's traffic direction for a waypoint's clusters of the Services it serves (model.TrafficDirectionInboundVIP). */
export const INBOUND_VIP = 'inbound-vip';

/**
 * The name istiod gives a waypoint's cluster for a Service it serves [pilot/pkg/networking/core/
 * cluster_waypoint.go buildWaypointInboundVIP, model.BuildSubsetKey]: `inbound-vip|PORT|http|FQDN`, and
 * `inbound-vip|PORT|http/SUBSET|FQDN` per DestinationRule subset. The subset field carries the port's
 * protocol first (listener_waypoint.go portToSubset: `http` for HTTP and undeclared ports, `tcp` else);
 * NOTE: simplification: meshsim builds clusters only for HTTP and sniffed ports, so it is always `http`
 * (istiod also builds `tcp` ones).
 */
export function inboundVipName(port: number, subset: string, host: string): string {
  return `${INBOUND_VIP}|${port}|${subset === '' ? 'http' : `http/${subset}`}|${host}`;
}

/**
 * The DestinationRule subset of a cluster name as istioctl's ParseSubsetKey splits it, with a waypoint's
 * protocol prefix removed: '' for a Service's own cluster (`outbound|9080||h`, `inbound-vip|9080|http|h`),
 * `v1` for `outbound|9080|v1|h` and `inbound-vip|9080|http/v1|h`.
 */
export function clusterSubset(name: string): string {
  const a = name.indexOf('|');
  const b = name.indexOf('|', a + 1);
  const c = name.indexOf('|', b + 1);
  if (a < 0 || b < 0 || c < 0) return '';
  const subset = name.slice(b + 1, c);
  if (!name.startsWith(`${INBOUND_VIP}|`)) return subset;
  const slash = subset.indexOf('/');
  return slash < 0 ? '' : subset.slice(slash + 1);
}

/**
 * A waypoint pod's view of the control plane's clusters: the routes (shared with sidecars) name
 * `outbound|PORT|SUBSET|FQDN`; for a Service this waypoint serves, the cluster the Envoy builds is
 * istiod's `inbound-vip|...` one, with the same policy (the Service's DestinationRule) and endpoints, so
 * its stats, `/clusters` and ejections carry istiod's name. Other Services keep their outbound clusters,
 * as istiod's getWaypointDestinationCluster does ("this waypoint proxy isn't responsible for this service
 * so we use outbound"). Each renamed spec is built once per waypoint pod, never per request.
 */
export function waypointClusterDirectory(
  base: ClusterDirectory,
  serves: (fqdn: string) => boolean,
): ClusterDirectory {
  const renamed = new Map<string, ClusterSpec | undefined>();
  return {
    lookup(name) {
      if (!name.startsWith('outbound|')) return base.lookup(name);
      if (renamed.has(name)) return renamed.get(name);
      const spec = base.lookup(name);
      const out =
        spec === undefined || !serves(spec.serviceHost)
          ? spec
          : { ...spec, name: inboundVipName(spec.port, spec.subset, spec.serviceHost), routeName: name };
      renamed.set(name, out);
      return out;
    },
  };
}
