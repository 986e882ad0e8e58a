/**
 * API fields added since Istio 1.24, with the release line whose CRDs first carry them (read from
 * istio/istio `manifests/charts/base/files/crd-all.gen.yaml` at the tags 1.24.0 ... 1.30.0 and the 1.31
 * branch). The API server's structural schema prunes or rejects a field its CRD does not know, so a
 * manifest that uses a newer field than the chosen version is an error (MSIM3101), positioned at the key.
 */
import { ISTIO_VERSIONS, type IstioProfile, type IstioVersion } from './istio-version.js';
import type { Reporter } from './report.js';
import type { YamlPath } from './yaml-source.js';

interface FieldIntroduction {
  readonly kind: 'VirtualService' | 'DestinationRule';
  /** Key path below `spec`; `[]` is any list index, a leading `**.` any prefix. */
  readonly pattern: string;
  readonly since: IstioVersion;
}

export const FIELD_INTRODUCTIONS: readonly FieldIntroduction[] = [
  { kind: 'VirtualService', pattern: 'http[].retries.backoff', since: '1.26' },
  { kind: 'VirtualService', pattern: 'http[].retries.retryIgnorePreviousHosts', since: '1.26' },
  { kind: 'DestinationRule', pattern: '**.trafficPolicy.retryBudget', since: '1.27' },
  { kind: 'DestinationRule', pattern: '**.trafficPolicy.retryBudget.budgetInterval', since: '1.31' },
  { kind: 'DestinationRule', pattern: '**.consistentHash.httpCookie.attributes', since: '1.28' },
  { kind: 'DestinationRule', pattern: '**.connectionPool.http.http2KeepAlive', since: '1.31' },
  { kind: 'DestinationRule', pattern: '**.outlierDetection.outlierDetectionHttpErrorCodes', since: '1.31' },
  { kind: 'DestinationRule', pattern: '**.loadBalancer.zoneAwareLbSetting', since: '1.31' },
];

/** `**.` = any prefix (or none); `[]` = any list index; everything else literal. */
function toRegExp(pattern: string): RegExp {
  const anyPrefix = pattern.startsWith('**.');
  const body = (anyPrefix ? pattern.slice(3) : pattern).replace(/[.[\]]/g, (c) => `\\${c}`);
  return new RegExp(`^${anyPrefix ? '(?:.*\\.)?' : ''}${body}$`);
}

const compiled = FIELD_INTRODUCTIONS.map((f) => ({ ...f, re: toRegExp(f.pattern) }));

const older = (a: IstioVersion, b: IstioVersion) => ISTIO_VERSIONS.indexOf(a) < ISTIO_VERSIONS.indexOf(b);

/**
 * Reports every field of `spec` that `profile`'s CRDs do not have. Walks the document once; a field
 * whose parent is already reported (retryBudget on 1.26) is not reported again for its children.
 */
export function checkFieldVersions(
  r: Reporter,
  kind: FieldIntroduction['kind'],
  spec: unknown,
  profile: IstioProfile,
): void {
  const rules = compiled.filter((f) => f.kind === kind && older(profile.version, f.since));
  if (rules.length === 0 || spec === null || typeof spec !== 'object') return;
  const walk = (v: unknown, abstract: string, path: YamlPath): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        walk(item, `${abstract}[]`, [...path, i]);
      });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      const a = abstract === '' ? k : `${abstract}.${k}`;
      const hit = rules.find((f) => f.re.test(a));
      if (hit) {
        r.add(
          'MSIM3101',
          ['spec', ...path, k],
          `field "${k}" was added in Istio ${hit.since}; the Istio ${profile.version} ${kind} CRD does not have it (the API server would reject it): remove it or choose --istio-version ${hit.since} or later`,
          { key: true },
        );
        continue;
      }
      walk(child, a, [...path, k]);
    }
  };
  walk(spec, '', []);
}
