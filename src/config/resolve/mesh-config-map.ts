/**
 * The `istio` ConfigMap in istio-system, whose `mesh` key holds MeshConfig as a YAML string: istiod reads
 * it at start and on every change (Istio pkg/config/mesh/meshwatcher, mesh.go ApplyMeshConfig over
 * DefaultMeshConfig). Other ConfigMaps stay "not simulated".
 */
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import { severityOf } from '../codes.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceDocument, YamlPath } from '../yaml-source.js';
import { type IstioMeshConfig, parseMeshConfigText } from './mesh-config.js';

export const ISTIO_CONFIG_MAP = { namespace: 'istio-system', name: 'istio', key: 'mesh' } as const;

export function isIstioConfigMap(
  kind: string,
  apiVersion: string,
  res: { name: string; namespace: string },
): boolean {
  return (
    kind === 'ConfigMap' &&
    apiVersion === 'v1' &&
    res.name === ISTIO_CONFIG_MAP.name &&
    res.namespace === ISTIO_CONFIG_MAP.namespace
  );
}

export function readIstioConfigMap(
  doc: SourceDocument,
  base: YamlPath,
  value: Record<string, unknown>,
  text: string,
  out: Diagnostic[],
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): IstioMeshConfig | undefined {
  const attribution = {
    kind: 'ConfigMap',
    namespace: ISTIO_CONFIG_MAP.namespace,
    name: ISTIO_CONFIG_MAP.name,
  };
  const data = value.data;
  const mesh =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)[ISTIO_CONFIG_MAP.key]
      : undefined;
  if (mesh === undefined) {
    const pos = doc.locate([...base, 'data']);
    out.push({
      severity: severityOf('MSIM3045'),
      code: 'MSIM3045',
      message: 'ConfigMap istio-system/istio has no "mesh" key: Istio\'s default MeshConfig applies',
      file: doc.file,
      ...pos,
      ...attribution,
    });
    return undefined;
  }
  const path = [...base, 'data', ISTIO_CONFIG_MAP.key];
  const pos = doc.locate(path);
  if (typeof mesh !== 'string') {
    out.push({
      severity: 'error',
      code: 'MSIM3040',
      message: 'data.mesh must be a string holding MeshConfig YAML (write it as a block: "mesh: |")',
      file: doc.file,
      ...pos,
      ...attribution,
      path: 'data.mesh',
    });
    return undefined;
  }
  const parsed = parseMeshConfigText(
    mesh,
    {
      file: doc.file,
      ...blockOrigin(text, pos),
      ...attribution,
      path: ['data', 'mesh'],
    },
    profile,
  );
  out.push(...parsed.diagnostics);
  return parsed.value;
}

/**
 * Where the string's first character sits. A block scalar (`mesh: |`) starts on the line after its
 * indicator, at that line's indentation; a quoted or plain scalar starts at the value itself.
 */
function blockOrigin(text: string, pos: { line: number; column: number }): { line: number; column: number } {
  const lines = text.split('\n');
  const at = lines[pos.line - 1] ?? '';
  const ch = at[pos.column - 1];
  if (ch === '|' || ch === '>') {
    for (let l = pos.line; l < lines.length; l++) {
      const line = lines[l]!;
      if (line.trim() === '') continue;
      // Inner line 1 is the line after the indicator, even when blank; the indentation is the first
      // content line's.
      return { line: pos.line + 1, column: line.length - line.trimStart().length + 1 };
    }
    return { line: pos.line + 1, column: 1 };
  }
  return { line: pos.line, column: pos.column + (ch === '"' || ch === "'" ? 1 : 0) };
}
