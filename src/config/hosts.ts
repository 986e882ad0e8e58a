/**
 * Host names as Istio resolves them. Istio's own rule (pilot/pkg/model `ResolveShortnameToFQDN`) expands
 * only names without a dot (`reviews` → `reviews.<ns>.svc.cluster.local`) and keeps everything else
 * literally. meshsim additionally expands the Kubernetes DNS forms `name.namespace` and
 * `name.namespace.svc`, which users write expecting cluster DNS behaviour; validation warns about
 * those (MSIM0102) because istiod itself would treat them as literal, unknown hosts.
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
 * `reviews` → `reviews.<namespace>.svc.cluster.local`; `reviews.production` and `reviews.production.svc`
 * → `reviews.production.svc.cluster.local`; FQDNs, wildcards, IPs and external names such as
 * `api.example.com` are kept as written.
 */
export function shortHostToFqdn(host: string, namespace: string): string {
  if (host === '' || host === '*' || host.startsWith('*') || IPV4.test(host) || host.includes(':'))
    return host;
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
  if (labels.length === 2 && !PUBLIC_SUFFIXES.has(labels[1]!.toLowerCase()))
    return `${host}.svc.${CLUSTER_DOMAIN}`;
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.${CLUSTER_DOMAIN}`;
  return host;
}

/** True when meshsim's expansion differs from Istio's literal treatment (MSIM0102). */
export function isDottedShortHost(host: string, namespace: string): boolean {
  return host.includes('.') && shortHostToFqdn(host, namespace) !== host;
}

/** Istio host matching: exact, or `*.suffix` covering any name ending in `.suffix`; `*` matches all. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return false;
}

/** `<name>.<ns>.svc.cluster.local` → the namespace, else undefined. */
export function namespaceOfFqdn(fqdn: string): string | undefined {
  const m = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn);
  return m?.[1];
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}
