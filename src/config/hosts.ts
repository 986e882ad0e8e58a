/**
 * Host names as Istio resolves them. Istio's rule (pilot/pkg/model `ResolveShortnameToFQDN`) expands only
 * names without a dot (`reviews` → `reviews.<ns>.svc.cluster.local`) and keeps everything else literally,
 * and so does meshsim: `reviews.production` in a VirtualService or DestinationRule matches no Service and
 * routes to it fail with 503 NC, exactly as in a cluster. Validation warns about such names (MSIM0102),
 * naming the FQDN the user most likely meant (what Kubernetes DNS would have resolved).
 */
export const CLUSTER_DOMAIN = 'cluster.local';

/** Second labels that make `a.b` an Internet name rather than `service.namespace`. */
const PUBLIC_SUFFIXES = new Set([
  'com',
  'net',
  'org',
  'io',
  'dev',
  'app',
  'ai',
  'co',
  'cloud',
  'gov',
  'edu',
  'mil',
  'int',
  'info',
  'biz',
  'me',
  'tv',
  'us',
  'uk',
  'de',
  'fr',
  'eu',
  'jp',
  'cn',
  'in',
  'nl',
  'ca',
  'au',
  'ru',
  'br',
  'local',
  'localhost',
  'internal',
  'test',
  'example',
  'invalid',
  'lan',
  'corp',
  'home',
  'svc',
]);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * `reviews` → `reviews.<namespace>.svc.cluster.local`; every name with a dot (`reviews.production`,
 * FQDNs, `api.example.com`), wildcards and IPs are kept as written (istiod's rule).
 */
export function shortHostToFqdn(host: string, namespace: string): string {
  if (host === '' || host === '*' || host.startsWith('*') || IPV4.test(host) || host.includes(':'))
    return host;
  return host.includes('.') ? host : `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/**
 * The Service FQDN that Kubernetes DNS (not istiod) would give `name.namespace` or `name.namespace.svc`,
 * or undefined for other names. Only used to tell users what they probably meant (MSIM0102).
 */
export function kubernetesDnsExpansion(host: string): string | undefined {
  if (IPV4.test(host) || host.startsWith('*')) return undefined;
  const labels = host.split('.');
  if (labels.length === 2 && !PUBLIC_SUFFIXES.has(labels[1]!.toLowerCase()))
    return `${host}.svc.${CLUSTER_DOMAIN}`;
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.${CLUSTER_DOMAIN}`;
  return undefined;
}

/** A dotted short name that istiod takes literally though the user likely meant a Service (MSIM0102). */
export function isDottedShortHost(host: string, _namespace: string): boolean {
  return kubernetesDnsExpansion(host) !== undefined;
}

/** Istio host matching: exact, or `*.suffix` covering any name ending in `.suffix`; `*` matches all. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return false;
}

/** A pattern `hostMatches` can match other names with (`*` or `*.suffix`); any other matches itself only. */
export function isWildcardHost(pattern: string): boolean {
  return pattern === '*' || pattern.startsWith('*.');
}

/** `<name>.<ns>.svc.cluster.local` → the namespace, else undefined. */
export function namespaceOfFqdn(fqdn: string): string | undefined {
  const m = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  return m?.[1];
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Cluster DNS search path from a pod in `ns`: name → name.ns.svc.cluster.local, name.ns → ..., etc. */
export function dnsCandidates(host: string, ns: string): string[] {
  const h = host.toLowerCase();
  const parts = h.split('.');
  const out = [h];
  if (parts.length === 1) out.push(`${h}.${ns}.svc.cluster.local`);
  if (parts.length === 2) out.push(`${h}.svc.cluster.local`);
  if (parts.length === 3 && parts[2] === 'svc') out.push(`${h}.cluster.local`);
  return out;
}
