/**
 * Which Istio version a scenario load assumes: the caller's choice (`--istio-version`), else the
 * scenario's `spec.istio.version`, else the newest line. Decided before the manifests are read, because
 * the manifests are checked and resolved for it (config/istio-version.ts).
 */
import { type Code, severityOf } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile, parseIstioVersion } from './istio-version.js';
import { meshDefaultTrafficPolicyIgnored } from './resolve/mesh-config.js';
import type { SourceDocument, YamlPath } from './yaml-source.js';

const at = (o: unknown, k: string): unknown =>
  o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined;

export function scenarioIstioProfile(
  doc: SourceDocument | undefined,
  override?: IstioProfile,
): { profile: IstioProfile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const spec = at(doc?.value, 'spec');
  const name = at(at(doc?.value, 'metadata'), 'name');
  const push = (code: Code, path: YamlPath, message: string, key = false) => {
    if (doc === undefined) return;
    diagnostics.push({
      severity: severityOf(code),
      code,
      message,
      file: doc.file,
      ...doc.locate(path, { key }),
      kind: 'Scenario',
      ...(typeof name === 'string' ? { name } : {}),
      path: path.join('.'),
    });
  };
  let profile = override ?? DEFAULT_ISTIO_PROFILE;
  const raw = at(at(spec, 'istio'), 'version');
  if (raw !== undefined) {
    const p = parseIstioVersion(raw);
    // The flag wins, but a bad value in the file is still reported: it would break a run without it.
    if (!p.ok) push('MSIM3100', ['spec', 'istio', 'version'], p.message);
    else if (override === undefined) profile = p.profile;
  }
  if (at(at(spec, 'meshConfig'), 'defaultTrafficPolicy') !== undefined && !profile.meshDefaultTrafficPolicy)
    push(
      'MSIM3102',
      ['spec', 'meshConfig', 'defaultTrafficPolicy'],
      meshDefaultTrafficPolicyIgnored(profile),
      true,
    );
  return { profile, diagnostics };
}
