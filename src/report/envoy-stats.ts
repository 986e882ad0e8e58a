import type { Result } from '../run/result.js';

/**
 * Envoy's admin `/stats` text format (`cluster.<name>.<stat>: <value>`), summed over the client sidecars,
 * so `meshsim run -f envoy-stats | grep outlier` works like `curl localhost:15000/stats | grep outlier`.
 */
export function renderEnvoyStats(r: Result): string {
  const lines: string[] = [];
  for (const c of r.clusters)
    for (const [k, v] of Object.entries(c.stats)) lines.push(`cluster.${c.name}.${k}: ${v}`);
  // Sidecar HTTP stats live under the outbound connection manager's prefix (http.outbound.*).
  for (const [k, v] of Object.entries(r.http))
    if (k !== 'shadow_requests') lines.push(`http.outbound.${k}: ${v}`);
  return `${lines.join('\n')}\n`;
}
