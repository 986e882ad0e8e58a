import type { HttpRoute, VirtualServiceConfig } from '../../config/types.js';

/**
 * The VirtualService edits the controllers make: Flagger's SetRoutes rewrites the weights of the primary and
 * canary destinations of its generated VirtualService (pkg/router/istio.go SetRoutes); Argo Rollouts sets
 * `spec.http[].route[].weight` of the named routes to the desired canary weight and 100 minus it for stable
 * (rollout/trafficrouting/istio/istio.go). Returns a new list; VirtualServices are immutable config.
 */
export function withWeights(
  vss: readonly VirtualServiceConfig[],
  target: { name: string; namespace: string },
  rules: (http: readonly HttpRoute[]) => readonly number[],
  weightOf: (d: HttpRoute['route'][number]) => number | undefined,
): VirtualServiceConfig[] {
  return vss.map((vs) => {
    if (vs.meta.name !== target.name || vs.meta.namespace !== target.namespace) return vs;
    const pick = new Set(rules(vs.http));
    const http = vs.http.map((rule, i) => {
      if (!pick.has(i)) return rule;
      const route = rule.route.map((d) => {
        const w = weightOf(d);
        return w === undefined ? d : { ...d, weight: w };
      });
      return { ...rule, route };
    });
    return { ...vs, http };
  });
}

/** Argo: the routes named in the Rollout, or the only HTTP route when none is named. */
export function namedRoutes(names: readonly string[]): (http: readonly HttpRoute[]) => number[] {
  return (http) =>
    names.length === 0
      ? http.length === 1
        ? [0]
        : []
      : http.flatMap((r, i) => (r.name !== undefined && names.includes(r.name) ? [i] : []));
}
