/**
 * The injected istio-proxy container's CPU request. Istio's injection template
 * (manifests/charts/istio-control/istio-discovery/files/injection-template.yaml) copies the pod
 * template's `sidecar.istio.io/proxyCPU` annotation verbatim into the istio-proxy container's
 * `resources.requests.cpu`; without it the request is `global.proxy.resources.requests.cpu` (100m in
 * Istio's values.yaml). The API server then parses it as any container quantity, so a bad value makes
 * the injected pod invalid.
 */
import { parseMilliQuantity } from '../quantity.js';
import type { Reporter } from '../report.js';

export const PROXY_CPU_ANNOTATION = 'sidecar.istio.io/proxyCPU';

/** The annotation's millicores (rounded up as Quantity.MilliValue()), or undefined when absent or invalid. */
export function resolveProxyCpuRequest(
  r: Reporter,
  annotations: Readonly<Record<string, string>> | undefined,
): number | undefined {
  const raw = annotations?.[PROXY_CPU_ANNOTATION];
  if (raw === undefined) return undefined;
  const q = parseMilliQuantity(raw);
  if ('error' in q) {
    r.add(
      'MSIM3203',
      ['spec', 'template', 'metadata', 'annotations', PROXY_CPU_ANNOTATION],
      `${PROXY_CPU_ANNOTATION}: ${q.error}; the injected istio-proxy's resources.requests.cpu would be rejected (Istio's default 100m is used)`,
    );
    return undefined;
  }
  if (q.milli <= 0) {
    r.add(
      'MSIM3203',
      ['spec', 'template', 'metadata', 'annotations', PROXY_CPU_ANNOTATION],
      `${PROXY_CPU_ANNOTATION}: "${raw}" must be greater than 0 for a cpu request the HPA divides by (Istio's default 100m is used)`,
    );
    return undefined;
  }
  return q.milli;
}
