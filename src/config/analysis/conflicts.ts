/**
 * Several resources for one host.
 * - IST0109 ConflictingMeshGatewayVirtualServiceHosts (error, as istioctl reports it): two mesh-bound
 *   VirtualServices for one host. istiod keeps the oldest and drops the other's routes for that host
 *   ("duplicate domain from virtual service"); meshsim does the same (lookup.ts `virtualServiceFor`).
 * - MSIM1050/1051: DestinationRules for one host in one namespace are merged by istiod
 *   (`mergeDestinationRule`); say how, and flag subsets that the merge drops.
 */
import { isMeshBound, mergeDestinationRules } from '../lookup.js';
import type { DestinationRuleConfig, MeshConfig, VirtualServiceConfig } from '../types.js';
import type { Findings } from './context.js';

const ref = (m: { namespace: string; name: string }) => `${m.namespace}/${m.name}`;

function exportedEverywhere(vs: VirtualServiceConfig): boolean {
  return vs.exportTo.length === 0 || vs.exportTo.includes('*');
}

export function analyzeConflicts(config: MeshConfig, f: Findings): void {
  const byHost = new Map<string, VirtualServiceConfig[]>();
  for (const vs of config.virtualServices) {
    if (!isMeshBound(vs)) continue;
    for (const h of new Set(vs.hosts)) byHost.set(h, [...(byHost.get(h) ?? []), vs]);
  }
  for (const [host, list] of byHost) {
    if (list.length < 2) continue;
    const winner = list[0]!;
    for (const vs of list) {
      const clashing = list.filter(
        (o) =>
          o === vs ||
          o.meta.namespace === vs.meta.namespace ||
          (exportedEverywhere(o) && exportedEverywhere(vs)),
      );
      if (clashing.length < 2) continue;
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
        `The VirtualServices ${clashing.map((o) => ref(o.meta)).join(',')} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource. (${note})`,
      );
    }
  }

  const groups = new Map<string, DestinationRuleConfig[]>();
  for (const dr of config.destinationRules) {
    if (dr.workloadSelector) continue;
    const key = `${dr.meta.namespace}|${dr.host}`;
    groups.set(key, [...(groups.get(key) ?? []), dr]);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const merged = mergeDestinationRules(list)!;
    const policyFrom = list.find((d) => d.trafficPolicy !== undefined);
    for (const dr of list.slice(1)) {
      f.add(
        'MSIM1050',
        'DestinationRule',
        dr.meta,
        ['spec', 'host'],
        `merged with ${list
          .filter((d) => d !== dr)
          .map((d) => ref(d.meta))
          .join(
            ', ',
          )} for host ${dr.host}, as istiod does: subsets combined (${merged.subsets.map((s) => s.name).join(', ')}); top-level trafficPolicy from ${policyFrom ? ref(policyFrom.meta) : 'none'}`,
      );
      dr.subsets.forEach((s, i) => {
        const owner = list.find((o) => o.subsets.some((x) => x.name === s.name));
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
