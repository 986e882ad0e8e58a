/** Parses `outbound|PORT|SUBSET|FQDN` (Envoy's cluster naming as Istio builds it). */
export function parseClusterName(name: string): { port: string; subset: string; fqdn: string } | undefined {
  const p = name.split('|');
  if (p.length !== 4 || p[0] !== 'outbound') return undefined;
  return { port: p[1]!, subset: p[2] || '(default)', fqdn: p[3]! };
}

export function isError(status: number): boolean {
  return status === 0 || status >= 500;
}
