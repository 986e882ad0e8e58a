/**
 * CPU requests and limits of a pod template's containers, as the API server admits and defaults them,
 * and the injected istio-proxy's CPU limit from Istio's injection annotation.
 *
 * - Defaulting (k8s.io/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Pod): a container that sets a
 *   limit and no request gets the limit as its request ("If Requests is omitted for a container, it
 *   defaults to Limits if that is explicitly specified", kubernetes.io "Resource Management for Pods and
 *   Containers").
 * - Validation (pkg/apis/core/validation/validation.go ValidateResourceRequirements): a request above the
 *   limit is rejected with `Invalid value: "<request>": must be less than or equal to cpu limit of <limit>`,
 *   and the object is not created.
 * - `sidecar.istio.io/proxyCPULimit` (istio.io "Resource Annotations": "Specifies the CPU limit for the
 *   Envoy sidecar"; the injection template writes it as the istio-proxy's `resources.limits.cpu`).
 *   NOTE: simplification: without the annotation the istio-proxy has no CPU limit here. Istio's default
 *   (global.proxy.resources, 2000m) cannot throttle Envoy's 2 default worker threads, and any other
 *   resource annotation replaces the default resources block without a limit.
 */
import { parseMilliQuantity } from '../quantity.js';
import type { Reporter } from '../report.js';
import type { YamlPath } from '../yaml-source.js';

export const PROXY_CPU_LIMIT_ANNOTATION = 'sidecar.istio.io/proxyCPULimit';

export interface ContainerCpu {
  /** `resources.requests.cpu` (or the limit, when only a limit is set), millicores. */
  cpuRequestMilli?: number;
  /** `resources.limits.cpu`, millicores: the kubelet turns it into a CFS quota (0: none, MilliCPUToQuota). */
  cpuLimitMilli?: number;
}

interface CpuResourcesDoc {
  requests?: { cpu?: unknown };
  limits?: { cpu?: unknown };
}

/** A quantity at `path`, or undefined (reported) when it does not parse. */
function quantityAt(r: Reporter, path: YamlPath, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const q = parseMilliQuantity(v);
  if ('error' in q) {
    r.add('MSIM0100', path, q.error);
    return undefined;
  }
  // ValidateNonnegativeQuantity.
  if (q.milli < 0) {
    r.add('MSIM0100', path, `Invalid value: "${String(v)}": must be greater than or equal to 0`);
    return undefined;
  }
  return q.milli;
}

/** A milli-value as `Quantity.String()` writes a DecimalSI CPU quantity: "1500m", "2". */
function quantityString(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/**
 * The container's CPU request and limit; `rejected` when the API server would refuse the object
 * (request above limit), reported at the request.
 */
export function resolveContainerCpu(
  r: Reporter,
  at: YamlPath,
  resources: CpuResourcesDoc | undefined,
): ContainerCpu & { rejected: boolean } {
  const request = quantityAt(r, [...at, 'requests', 'cpu'], resources?.requests?.cpu);
  const limit = quantityAt(r, [...at, 'limits', 'cpu'], resources?.limits?.cpu);
  if (limit === undefined)
    return request === undefined ? { rejected: false } : { cpuRequestMilli: request, rejected: false };
  if (request === undefined) {
    // A limit without a request: the request defaults to the limit — unless the request was there and
    // failed to parse, which was reported.
    if (resources?.requests?.cpu !== undefined) return { cpuLimitMilli: limit, rejected: false };
    return { cpuRequestMilli: limit, cpuLimitMilli: limit, rejected: false };
  }
  if (request > limit) {
    r.add(
      'MSIM0100',
      [...at, 'requests', 'cpu'],
      `Invalid value: "${quantityString(request)}": must be less than or equal to cpu limit of ${quantityString(limit)}`,
    );
    return { cpuRequestMilli: request, cpuLimitMilli: limit, rejected: true };
  }
  return { cpuRequestMilli: request, cpuLimitMilli: limit, rejected: false };
}

/** The istio-proxy's CPU limit from the pod template's annotation, millicores; undefined = none. */
export function resolveProxyCpuLimit(
  r: Reporter,
  annotations: Readonly<Record<string, string>> | undefined,
): number | undefined {
  const v = annotations?.[PROXY_CPU_LIMIT_ANNOTATION];
  if (v === undefined) return undefined;
  return quantityAt(r, ['spec', 'template', 'metadata', 'annotations', PROXY_CPU_LIMIT_ANNOTATION], v);
}
