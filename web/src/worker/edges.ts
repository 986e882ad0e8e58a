/**
 * Parses `outbound|PORT|SUBSET|FQDN` (Envoy's cluster naming as Istio builds it), and a waypoint's
 * `inbound-vip|PORT|http[/SUBSET]|FQDN` (istiod's cluster_waypoint.go: the protocol before the subset).
 */
export function parseClusterName(name: string): { port: string; subset: string; fqdn: string } | undefined {
  const p = name.split('|');
  if (p.length !== 4) return undefined;
  if (p[0] === 'outbound') return { port: p[1]!, subset: p[2] || '(default)', fqdn: p[3]! };
  if (p[0] !== 'inbound-vip') return undefined;
  const slash = p[2]!.indexOf('/');
  return { port: p[1]!, subset: slash < 0 ? '(default)' : p[2]!.slice(slash + 1), fqdn: p[3]! };
}

export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}
