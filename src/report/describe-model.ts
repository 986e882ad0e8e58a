import { destinationRuleFor, virtualServiceFor } from '../config/index.js';
import type { MeshConfig, ServiceConfig } from '../config/types.js';
import type { Pod } from '../mesh/pod.js';
import type { World } from '../mesh/world.js';
import { type DescribeTarget, protocolName, servicesOf, subsetsFor } from './describe.js';
import { clusterSpecsFor, envoyCluster, envoyRouteConfigs } from './proxy-config.js';

/**
 * `meshsim describe ... -o yaml|json`: what the text says, as data, plus per service port the effective
 * Envoy clusters (Istio's defaults filled in, Envoy's field names) and the routes the (first) pod's
 * sidecar has for the service.
 */
export function describeModel(world: World, config: MeshConfig, t: DescribeTarget): Record<string, unknown> {
  const pods = t.kind === 'pod' ? [t.pod] : t.pods;
  const services = t.kind === 'pod' ? servicesOf(config, t.pod) : [t.service];
  const client = pods[0];
  return {
    ...(t.kind === 'pod'
      ? { pod: { name: t.pod.name, namespace: t.pod.namespace } }
      : { service: { name: t.service.meta.name, namespace: t.service.meta.namespace } }),
    pods: pods.map((p) => ({
      name: p.name,
      namespace: p.namespace,
      ip: p.ip,
      locality: { region: p.locality.region, zone: p.locality.zone, sub_zone: p.locality.subZone },
      labels: { ...p.labels },
      revision: 'default',
    })),
    services: services.map((svc) => serviceModel(world, config, svc, pods, client)),
  };
}

function serviceModel(
  world: World,
  config: MeshConfig,
  svc: ServiceConfig,
  pods: readonly Pod[],
  client: Pod | undefined,
): Record<string, unknown> {
  const dr = destinationRuleFor(config, svc.fqdn);
  const vs = client ? virtualServiceFor(config, svc.fqdn, client.namespace) : undefined;
  const subsets = dr
    ? subsetsFor(
        dr,
        pods.map((p) => p.labels),
      )
    : undefined;
  const specs = clusterSpecsFor(world, config, svc.fqdn);
  return {
    name: svc.meta.name,
    namespace: svc.meta.namespace,
    fqdn: svc.fqdn,
    destinationRule: dr
      ? {
          name: dr.meta.name,
          namespace: dr.meta.namespace,
          host: dr.host,
          matchingSubsets: subsets!.matching,
          nonMatchingSubsets: subsets!.nonMatching,
          ...(dr.trafficPolicy?.tls ? { tlsMode: dr.trafficPolicy.tls.mode } : {}),
        }
      : null,
    virtualService: vs ? { name: vs.meta.name, namespace: vs.meta.namespace } : null,
    ports: svc.ports.map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: protocolName(p),
      clusters: specs.filter((s) => s.port === p.port).map(envoyCluster),
      routes: client
        ? envoyRouteConfigs(
            [{ port: p.port, table: world.controlPlane.routeTable(client, p.port) }],
            svc.fqdn,
          )
        : [],
    })),
  };
}
