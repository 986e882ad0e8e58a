/**
 * IST0101 ReferencedResourceNotFound and IST0112 VirtualServiceDestinationPortSelectorRequired for the
 * destinations and mirrors of every VirtualService [I:pkg/config/analysis/analyzers/virtualservice/
 * destinationhosts.go, destinationrules.go; messages.yaml]. A host counts as known when a Service or a
 * ServiceEntry declares it; a subset when the DestinationRule that applies to the host defines it.
 */
import { hostMatches } from '../hosts.js';
import { destinationRuleFor } from '../lookup.js';
import type { Destination, MeshConfig, VirtualServiceConfig } from '../types.js';
import { type Findings, type Path, serviceByFqdn } from './context.js';

export function hostKnown(config: MeshConfig, host: string): boolean {
  if (config.services.some((s) => s.fqdn === host)) return true;
  return (config.serviceEntryHosts ?? []).some((se) => hostMatches(se.host, host) || se.host === host);
}

export function analyzeDestinations(config: MeshConfig, f: Findings): void {
  for (const vs of config.virtualServices) {
    // A root as written: its merged rules are its delegates', analysed (and positioned) there.
    (vs.writtenHttp ?? vs.http).forEach((route, i) => {
      route.route.forEach((d, j) => {
        check(config, f, vs, ['spec', 'http', i, 'route', j, 'destination'], d.destination, false);
      });
      const single =
        route.mirrors.length === 1 && vs.meta.positions?.[`spec.http[${i}].mirror`] !== undefined;
      route.mirrors.forEach((m, j) => {
        const p = single ? ['spec', 'http', i, 'mirror'] : ['spec', 'http', i, 'mirrors', j, 'destination'];
        check(config, f, vs, p, m.destination, true);
      });
    });
  }
}

function check(
  config: MeshConfig,
  f: Findings,
  vs: VirtualServiceConfig,
  p: Path,
  d: Destination,
  mirror: boolean,
): void {
  const what = mirror ? 'mirror host' : 'host';
  if (!hostKnown(config, d.host)) {
    f.add('IST0101', 'VirtualService', vs.meta, [...p, 'host'], `Referenced ${what} not found: "${d.host}"`);
    return;
  }
  if (d.subset !== undefined) {
    const dr = destinationRuleFor(config, d.host, vs.meta.namespace);
    if (!dr?.subsets.some((s) => s.name === d.subset))
      f.add(
        'IST0101',
        'VirtualService',
        vs.meta,
        [...p, 'subset'],
        `Referenced ${what}+subset in destinationrule not found: "${d.host}+${d.subset}" (requests would get 503 NC: no cluster)`,
      );
  }
  const svc = serviceByFqdn(config, d.host);
  if (svc && d.port === undefined && svc.ports.length > 1)
    f.add(
      'IST0112',
      'VirtualService',
      vs.meta,
      p,
      `This VirtualService routes to a service "${d.host}" that exposes multiple ports [${svc.ports.map((x) => x.port).join(' ')}]. Specifying a port in the destination is required to disambiguate.`,
    );
  if (svc && d.port !== undefined && !svc.ports.some((x) => x.port === d.port))
    f.add(
      'IST0101',
      'VirtualService',
      vs.meta,
      [...p, 'port'],
      `Referenced host port not found: "${d.host}:${d.port}"`,
    );
}
