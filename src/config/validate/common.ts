/** Validation helpers shared by the Istio resource rules (pkg/config/validation/validation.go). */
import type { Reporter } from '../report.js';
import type { YamlPath } from '../yaml-source.js';

const DNS1123_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** RFC 7230 token characters. */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `ValidateWildcardDomain`: optional leading `*` label, DNS-1123 labels, <= 255 characters. */
export function wildcardDomainProblem(host: string): string | undefined {
  if (host.length > 255) return `host "${host.slice(0, 40)}..." is longer than 255 characters`;
  if (IPV4.test(host)) return undefined;
  const labels = host.split('.');
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (i === 0 && (l === '*' || (l.startsWith('*') && DNS1123_LABEL.test(l.slice(1))))) continue;
    if (l.length === 0 || l.length > 63 || !DNS1123_LABEL.test(l))
      return `"${host}" is not a valid host: each dot-separated label must be 1-63 letters, digits or '-' (only the first label may be a '*' wildcard)`;
  }
  return undefined;
}

export function dns1123LabelProblem(s: string, what: string): string | undefined {
  return s.length > 0 && s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)
    ? undefined
    : `${what} "${s}" is not a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)`;
}

export function headerNameProblem(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (PSEUDO_HEADERS.has(name)) return undefined;
  if (!HEADER_TOKEN.test(name)) return `"${name}" is not a valid HTTP header name`;
  return undefined;
}

/** Kubernetes label key/value syntax (apimachinery validation). */
export function labelProblem(key: string, value: string): string | undefined {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  const nameRe = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
  if (name.length === 0 || name.length > 63 || !nameRe.test(name)) return `"${key}" is not a valid label key`;
  if (value.length > 63 || (value !== '' && !nameRe.test(value)))
    return `"${value}" is not a valid label value for "${key}" (at most 63 letters, digits, '-', '_' or '.')`;
  return undefined;
}

export function checkLabels(
  r: Reporter,
  path: YamlPath,
  labels: Readonly<Record<string, string>> | undefined,
) {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const p = labelProblem(k, v);
    if (p) r.add('IST0106', [...path, k], p, { key: true });
  }
}

/** `exportTo`: "." or "*" or namespace names; "*" cannot be combined with others. */
export function checkExportTo(r: Reporter, path: YamlPath, exportTo: readonly string[] | undefined) {
  if (!exportTo) return;
  exportTo.forEach((e, i) => {
    if (e !== '.' && e !== '*' && dns1123LabelProblem(e, 'namespace'))
      r.add('IST0106', [...path, i], `exportTo "${e}" must be ".", "*" or a namespace name`);
  });
  if (exportTo.includes('*') && exportTo.length > 1)
    r.add('IST0106', path, 'exportTo "*" cannot be combined with other values');
}
