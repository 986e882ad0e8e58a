import { selectorMatches } from '../labels.js';
/** Helpers shared by the analyzers: positioned findings about resolved resources, endpoint counting. */
import { type Code, severityOf } from '../codes.js';
import { type Diagnostic, formatPath } from '../diagnostics.js';
import type { MeshConfig, ObjectMeta, ServiceConfig } from '../types.js';

export type Path = readonly (string | number)[];

export class Findings {
  readonly list: Diagnostic[] = [];

  add(code: Code, kind: string, meta: ObjectMeta, path: Path, message: string): void {
    const pos = positionOf(meta, path);
    this.list.push({
      severity: severityOf(code),
      code,
      message,
      file: meta.source.file,
      line: pos[0],
      column: pos[1],
      kind,
      namespace: meta.namespace,
      name: meta.name,
      path: formatPath(path) || undefined,
    });
  }
}

/** The recorded position of `path`, or of its nearest recorded ancestor, or of the resource. */
export function positionOf(meta: ObjectMeta, path: Path): readonly [number, number] {
  for (let n = path.length; n > 0; n--) {
    const p = meta.positions?.[formatPath(path.slice(0, n))];
    if (p) return p;
  }
  return [meta.source.line, meta.source.column];
}

export function hasPosition(meta: ObjectMeta, path: Path): boolean {
  return meta.positions?.[formatPath(path)] !== undefined;
}

export { selectorMatches as selects };

/** Pods (replicas of workloads in `namespace`) whose labels contain every selector label. */
export function podCount(
  config: MeshConfig,
  namespace: string,
  ...selectors: Readonly<Record<string, string>>[]
): number {
  let n = 0;
  for (const w of config.workloads)
    if (w.meta.namespace === namespace && selectors.every((s) => selectorMatches(s, w.podLabels)))
      n += w.replicas;
  return n;
}

export function serviceByFqdn(config: MeshConfig, fqdn: string): ServiceConfig | undefined {
  return config.services.find((s) => s.fqdn === fqdn);
}

/** Endpoints of a service (subset labels optional); Services without a selector have none we can see. */
export function endpointCount(
  config: MeshConfig,
  svc: ServiceConfig,
  subsetLabels?: Readonly<Record<string, string>>,
): number {
  if (Object.keys(svc.selector).length === 0) return 0;
  return podCount(config, svc.meta.namespace, svc.selector, subsetLabels ?? {});
}
