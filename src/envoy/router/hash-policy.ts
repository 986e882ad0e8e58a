import type { ConsistentHashKey } from '../../config/types.js';
import type { HttpRequest } from '../http.js';

/**
 * The hash input of a request under the route's hash policy (Istio cluster_traffic_policy.go applyLoadBalancer): a header, a cookie, the
 * source IP or a query parameter. Undefined when the input is missing: the balancer then picks at random.
 *
 * NOTE: simplification: hashes with 53-bit cyrb53 instead of xxHash64; the distribution of keys over the
 * ring is equally uniform, but individual key-to-host assignments differ from a real Envoy's.
 */
export function requestHashKey(
  policy: ConsistentHashKey | undefined,
  request: HttpRequest,
  sourceIp: string,
): number | undefined {
  if (policy === undefined) return undefined;
  let input: string | undefined;
  switch (policy.kind) {
    case 'header':
      input = request.headers.get(policy.name.toLowerCase());
      break;
    case 'sourceIp':
      input = sourceIp;
      break;
    case 'queryParameter':
      input = queryParam(request.path, policy.name);
      break;
    case 'cookie':
      input = cookie(request.headers.get('cookie'), policy.name);
      break;
  }
  return input === undefined ? undefined : hashString(input);
}

/** cyrb53: a fast, well-mixed 53-bit string hash. */
export function hashString(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function queryParam(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  for (const part of path.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (k === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return undefined;
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const p = part.trim();
    if (p.startsWith(`${name}=`)) return p.slice(name.length + 1);
  }
  return undefined;
}
