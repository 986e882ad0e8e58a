import type { Diagnostic } from '../diagnostics.js';
import type {
  GatewayConfig,
  NamespaceConfig,
  ServiceConfig,
  ServiceEntryConfig,
  VirtualServiceConfig,
  WorkloadConfig,
} from '../types.js';
import {
  controllerOfClass,
  gatewayDeploymentName,
  ISTIO_GATEWAY_CONTROLLER,
  ISTIO_MESH_CONTROLLER,
} from './gateway-api-classes.js';
import {
  automatedDeployment,
  gatewayServiceFqdn,
  internalGateway,
  isManaged,
  isSupportedListenerProtocol,
  GATEWAY_NAME_LABEL,
} from './gateway-api-gateways.js';
import { internalGatewayName, listenerParents, routeParents } from './gateway-api-parents.js';
import type { BackendLookup, BackendProblem } from './gateway-api-rules.js';
import type { GatewayApiResources, HTTPRouteConfig, KubernetesGatewayConfig } from './gateway-api-types.js';
import { buildGatewayApiVirtualServices } from './gateway-api-virtual-services.js';
import { backendConditions, diag, type Res, routeConditions } from './gateway-api-conditions.js';

export interface GatewayApiTranslation {
  gateways: GatewayConfig[];
  virtualServices: VirtualServiceConfig[];
  services: ServiceConfig[];
  workloads: WorkloadConfig[];
  diagnostics: Diagnostic[];
}

interface Base {
  services: readonly ServiceConfig[];
  serviceEntries?: readonly ServiceEntryConfig[];
  workloads: readonly WorkloadConfig[];
  namespaces: readonly NamespaceConfig[];
}

export function translateGatewayApi(res: GatewayApiResources, base: Base): GatewayApiTranslation {
  const out: GatewayApiTranslation = {
    gateways: [],
    virtualServices: [],
    services: [],
    workloads: [],
    diagnostics: [],
  };
  const svcByFqdn = new Map(base.services.map((s) => [s.fqdn, s]));
  const accepted = new Set<string>();
  for (const gw of res.gateways) programGateway(res, gw, base, svcByFqdn, out, accepted);
  const parents = listenerParents(res, base.namespaces).filter((p) => accepted.has(p.internalName));
  for (const p of parents) {
    const fqdn = gatewayServiceFqdn(res, p.gateway)!;
    const selector = svcByFqdn.get(fqdn)?.selector ?? out.services.find((s) => s.fqdn === fqdn)!.selector;
    out.gateways.push(internalGateway(p, selector));
  }
  const serviceExists = (ns: string, name: string) => svcByFqdn.has(`${name}.${ns}.svc.cluster.local`);
  const entries = base.serviceEntries ?? [];
  const serviceEntry = (ns: string, name: string) =>
    entries.find((e) => e.meta.namespace === ns && e.meta.name === name);
  const lookup: BackendLookup = {
    serviceExists,
    hostExists: (host) => svcByFqdn.has(host) || entries.some((e) => e.hosts.includes(host)),
    serviceEntryHosts: (ns, name) => serviceEntry(ns, name)?.hosts ?? [],
    granted: (from, kind, group, ns, name) =>
      res.referenceGrants.some(
        (g) =>
          g.meta.namespace === ns &&
          g.from.some(
            (f) => f.group === 'gateway.networking.k8s.io' && f.kind === 'HTTPRoute' && f.namespace === from,
          ) &&
          g.to.some((t) => t.group === group && t.kind === kind && (t.name === undefined || t.name === name)),
      ),
  };
  const routes = res.httpRoutes.map((route) => ({
    route,
    parents: routeParents(route, parents, serviceExists, (ns, name) => serviceEntry(ns, name) !== undefined),
  }));
  for (const { route, parents: rp } of routes) routeConditions(route, rp, out.diagnostics);
  const problems = new Map<HTTPRouteConfig, BackendProblem[]>();
  out.virtualServices = buildGatewayApiVirtualServices(routes, lookup, problems);
  for (const [route, list] of problems) backendConditions(route, list, out.diagnostics);
  return out;
}

function programGateway(
  res: GatewayApiResources,
  gw: KubernetesGatewayConfig,
  base: Base,
  svcByFqdn: ReadonlyMap<string, ServiceConfig>,
  out: GatewayApiTranslation,
  accepted: Set<string>,
): void {
  const who: Res = { kind: 'Gateway', namespace: gw.meta.namespace, name: gw.meta.name };
  const controller = controllerOfClass(res, gw.gatewayClassName);
  if (controller === undefined) {
    out.diagnostics.push(
      diag(
        'MSIM3128',
        gw.meta.source,
        who,
        `GatewayClass "${gw.gatewayClassName}" not found: istiod does not program this Gateway (it stays Pending); Istio's classes are "istio" and, with ambient, "istio-waypoint"`,
        'spec.gatewayClassName',
      ),
    );
    return;
  }
  // Waypoints (istio-waypoint) are ambient mode's; other controllers' Gateways are not istiod's.
  if (controller === ISTIO_MESH_CONTROLLER) return;
  if (controller !== ISTIO_GATEWAY_CONTROLLER) {
    out.diagnostics.push(
      diag(
        'MSIM3130',
        gw.meta.source,
        who,
        `GatewayClass "${gw.gatewayClassName}" belongs to controller ${controller}, not istiod: not simulated`,
        'spec.gatewayClassName',
      ),
    );
    return;
  }
  const fqdn = gatewayServiceFqdn(res, gw);
  if (isManaged(gw)) {
    const name = gatewayDeploymentName(gw, controller);
    const ns = gw.meta.namespace;
    const exists =
      svcByFqdn.has(`${name}.${ns}.svc.cluster.local`) ||
      base.workloads.some((w) => w.meta.namespace === ns && w.meta.name === name);
    if (!exists) {
      const d = automatedDeployment(gw, name);
      out.services.push(d.service);
      out.workloads.push(d.workload);
      out.diagnostics.push(
        diag(
          'MSIM3132',
          gw.meta.source,
          who,
          `istiod's deployment controller creates Deployment and Service ${ns}/${name} (1 pod labelled ${GATEWAY_NAME_LABEL}=${gw.meta.name}); send scenario traffic to gateway: ${ns}/${name}`,
        ),
      );
    }
  } else if (fqdn === undefined || !svcByFqdn.has(fqdn)) {
    out.diagnostics.push(
      diag(
        'MSIM3128',
        gw.meta.source,
        who,
        `manual deployment: spec.addresses names Service ${fqdn ?? '(no Hostname address)'}, which is not in the manifests: no proxy serves this Gateway`,
        'spec.addresses',
      ),
    );
    return;
  }
  const firstProtocolOnPort = new Map<number, string>();
  gw.listeners.forEach((l, i) => {
    const path = `spec.listeners[${i}]`;
    if (!isSupportedListenerProtocol(l.protocol)) {
      out.diagnostics.push(
        diag(
          'MSIM3129',
          l.source,
          who,
          `listener "${l.name}" not Accepted (UnsupportedProtocol): protocol "${l.protocol}" is unsupported`,
          path,
        ),
      );
      return;
    }
    const first = firstProtocolOnPort.get(l.port);
    // HTTPS and TLS may share a port (both SNI-routed); any other mix is a ProtocolConflict.
    const compatible =
      first === undefined ||
      first === l.protocol ||
      (first !== 'HTTP' && l.protocol !== 'HTTP' && first !== 'TCP' && l.protocol !== 'TCP');
    if (!compatible) {
      out.diagnostics.push(
        diag(
          'MSIM3129',
          l.source,
          who,
          `listener "${l.name}" Conflicted (ProtocolConflict): port ${l.port} is already used with protocol ${first}`,
          path,
        ),
      );
      return;
    }
    if (first === undefined) firstProtocolOnPort.set(l.port, l.protocol);
    if (l.protocol === 'TCP' || l.protocol === 'TLS' || l.tlsMode === 'Passthrough')
      out.diagnostics.push(
        diag(
          'MSIM3130',
          l.source,
          who,
          `listener "${l.name}" (${l.protocol}${l.tlsMode === 'Passthrough' ? ' passthrough' : ''}) carries no simulated traffic: only HTTPRoutes are simulated`,
          path,
        ),
      );
    accepted.add(`${gw.meta.namespace}/${internalGatewayName(gw.meta.name, l.name)}`);
  });
}
