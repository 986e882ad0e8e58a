/**
 * Several resources for one host.
 * - IST0109 ConflictingMeshGatewayVirtualServiceHosts (error, as istioctl reports it): two mesh-bound
 *   VirtualServices for one host. istiod keeps the oldest and drops the other's routes for that host
 *   ("duplicate domain from virtual service"); meshsim does the same (lookup.ts `virtualServiceFor`).
 * - MSIM1050/1051: DestinationRules for one host in one namespace are merged by istiod
 *   (`mergeDestinationRule`); say how, and flag subsets that the merge drops.
 */
import { formatCount, LIMITS } from '../limits.js';
import { isMeshBound, mergeDestinationRules } from '../lookup.js';
import type { DestinationRuleConfig, MeshConfig, VirtualServiceConfig } from '../types.js';
import type { Findings } from './context.js';

const ref = (m: { namespace: string; name: string }) => `${m.namespace}/${m.name}`;

function exportedEverywhere(vs: VirtualServiceConfig): boolean {
  return vs.exportTo.length === 0 || vs.exportTo.includes('*');
}

/**
 * At most LIMITS.maxNamedPerDiagnostic names, then "and 2,998 more": 3,000 VirtualServices for one host
 * would otherwise give 3,000 messages of 3,000 names each (14.8 MB for 1,000 of them).
 */
export function namedWithMore(names: readonly string[], total: number, sep: string): string {
  const shown = names.slice(0, LIMITS.maxNamedPerDiagnostic).join(sep);
  const rest = total - Math.min(names.length, LIMITS.maxNamedPerDiagnostic);
  return rest > 0 ? `${shown} and ${formatCount(rest)} more` : shown;
}

/** The first `limit` items of `list` that pass `keep` (without scanning the rest). */
function firstMatching<T>(list: readonly T[], keep: (x: T) => boolean, limit: number): T[] {
  const out: T[] = [];
  for (const x of list) {
    if (out.length >= limit) break;
    if (keep(x)) out.push(x);
  }
  return out;
}

export function analyzeConflicts(config: MeshConfig, f: Findings): void {
  const byHost = new Map<string, VirtualServiceConfig[]>();
  for (const vs of config.virtualServices) {
    if (!isMeshBound(vs)) continue;
    for (const h of new Set(vs.hosts)) {
      const list = byHost.get(h);
      if (list) list.push(vs);
      else byHost.set(h, [vs]);
    }
  }
  for (const [host, list] of byHost) {
    if (list.length < 2) continue;
    const winner = list[0]!;
    // Who clashes with whom, counted once per host: the same namespace, or both exported everywhere.
    const perNs = new Map<string, number>();
    const everywhereInNs = new Map<string, number>();
    let everywhere = 0;
    for (const o of list) {
      perNs.set(o.meta.namespace, (perNs.get(o.meta.namespace) ?? 0) + 1);
      if (exportedEverywhere(o)) {
        everywhere++;
        everywhereInNs.set(o.meta.namespace, (everywhereInNs.get(o.meta.namespace) ?? 0) + 1);
      }
    }
    for (const vs of list) {
      const ns = vs.meta.namespace;
      const total =
        perNs.get(ns)! + (exportedEverywhere(vs) ? everywhere - (everywhereInNs.get(ns) ?? 0) : 0);
      if (total < 2) continue;
      const clashing = firstMatching(
        list,
        (o) => o === vs || o.meta.namespace === ns || (exportedEverywhere(o) && exportedEverywhere(vs)),
        LIMITS.maxNamedPerDiagnostic,
      );
      const k = vs.hosts.indexOf(host);
      const note =
        vs === winner
          ? 'meshsim, like istiod, uses this one (the oldest)'
          : `meshsim, like istiod, ignores this one for the host and uses ${ref(winner.meta)} (the oldest)`;
      f.add(
        'IST0109',
        'VirtualService',
        vs.meta,
        ['spec', 'hosts', k],
        `The VirtualServices ${namedWithMore(
          clashing.map((o) => ref(o.meta)),
          total,
          ',',
        )} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource. (${note})`,
      );
    }
  }

  const groups = new Map<string, DestinationRuleConfig[]>();
  for (const dr of config.destinationRules) {
    if (dr.workloadSelector) continue;
    const key = `${dr.meta.namespace}|${dr.host}`;
    const list = groups.get(key);
    if (list) list.push(dr);
    else groups.set(key, [dr]);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const merged = mergeDestinationRules(list)!;
    const policyFrom = list.find((d) => d.trafficPolicy !== undefined);
    const ownerOf = new Map<string, DestinationRuleConfig>();
    for (const d of list) for (const x of d.subsets) if (!ownerOf.has(x.name)) ownerOf.set(x.name, d);
    for (const dr of list.slice(1)) {
      f.add(
        'MSIM1050',
        'DestinationRule',
        dr.meta,
        ['spec', 'host'],
        `merged with ${namedWithMore(
          firstMatching(list, (d) => d !== dr, LIMITS.maxNamedPerDiagnostic).map((d) => ref(d.meta)),
          list.length - 1,
          ', ',
        )} for host ${dr.host}, as istiod does: subsets combined (${namedWithMore(
          merged.subsets.slice(0, LIMITS.maxNamedPerDiagnostic).map((x) => x.name),
          merged.subsets.length,
          ', ',
        )}); top-level trafficPolicy from ${policyFrom ? ref(policyFrom.meta) : 'none'}`,
      );
      dr.subsets.forEach((s, i) => {
        const owner = ownerOf.get(s.name);
        if (owner && owner !== dr)
          f.add(
            'MSIM1051',
            'DestinationRule',
            dr.meta,
            ['spec', 'subsets', i, 'name'],
            `subset "${s.name}" is already defined by ${ref(owner.meta)}: istiod keeps that one and ignores this one`,
          );
      });
      if (dr.trafficPolicy && policyFrom !== dr)
        f.add(
          'MSIM1051',
          'DestinationRule',
          dr.meta,
          ['spec', 'trafficPolicy'],
          `this top-level trafficPolicy is ignored: the merged rule for ${dr.host} takes the one of ${ref(policyFrom!.meta)}`,
        );
    }
  }
}
