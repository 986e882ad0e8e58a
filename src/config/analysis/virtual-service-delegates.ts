/**
 * Findings about delegate VirtualServices, from what the merge did (resolve/virtual-service-delegate.ts,
 * istiod's pilot/pkg/model/virtualservice_controller.go `mergeVirtualServices`, virtualservice.go
 * `mergeHTTPRoute`). istiod only logs these cases and drops the rule; istioctl has no analyzer for them,
 * so meshsim reports a missing delegate with IST0101 ReferencedResourceNotFound (messages.yaml wording)
 * and the silent drops with MSIM3070-3072.
 */
import type { MeshConfig, VirtualServiceConfig } from '../types.js';
import type { Findings } from './context.js';

const K = 'VirtualService';

export function analyzeDelegates(config: MeshConfig, f: Findings): void {
  const byKey = new Map<string, VirtualServiceConfig>();
  for (const vs of config.virtualServices) byKey.set(`${vs.meta.namespace}/${vs.meta.name}`, vs);
  const referenced = new Set<string>();
  for (const vs of config.virtualServices) {
    for (const link of vs.delegates ?? []) {
      const ref = `${link.target.namespace}/${link.target.name}`;
      const p = ['spec', 'http', link.rule, 'delegate'];
      referenced.add(ref);
      if (link.status === 'not-found')
        f.add('IST0101', K, vs.meta, p, `Referenced delegate virtual service not found: "${ref}"`);
      else if (link.status === 'has-hosts')
        f.add(
          'IST0101',
          K,
          vs.meta,
          p,
          `Referenced delegate virtual service not found: "${ref}" (it has hosts, so istiod does not use it as a delegate: only VirtualServices without hosts are delegates; the rule is dropped)`,
        );
      else if (link.status === 'not-exported')
        f.add(
          'MSIM3071',
          K,
          vs.meta,
          p,
          `delegate ${ref} is not exported to namespace ${vs.meta.namespace}: istiod drops this rule (add "${vs.meta.namespace}" or "*" to its exportTo)`,
        );
      const target = byKey.get(ref);
      for (const j of link.dropped)
        f.add(
          'MSIM3070',
          K,
          target?.meta ?? vs.meta,
          target ? ['spec', 'http', j, 'match'] : p,
          `delegate rule #${j} of ${ref} is dropped for root ${vs.meta.namespace}/${vs.meta.name} rule #${link.rule}: one of its matches fits no root match (a delegate match must be a subset of a root match: same exact value, a longer prefix, no regex on either side), so istiod ignores the whole rule`,
        );
    }
  }
  for (const vs of config.virtualServices) {
    const ref = `${vs.meta.namespace}/${vs.meta.name}`;
    if (vs.hosts.length === 0 && !referenced.has(ref))
      f.add(
        'MSIM3072',
        K,
        vs.meta,
        ['spec'],
        `delegate VirtualService ${ref} (no hosts) is not referenced by any root VirtualService's http[].delegate: it routes nothing`,
      );
  }
}
