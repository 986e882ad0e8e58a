/** Readers of Istio's standard metric labels (istio.io, "Istio Standard Metrics"), as calibration keys them. */
export const UNKNOWN = 'unknown';
export const POD_LABELS = ['pod', 'kubernetes_pod_name', 'pod_name'];

export const src = (l: Record<string, string>) =>
  `${l.source_workload_namespace ?? UNKNOWN}/${l.source_workload ?? UNKNOWN}`;
export const dst = (l: Record<string, string>) =>
  `${l.destination_workload_namespace ?? UNKNOWN}/${l.destination_workload ?? UNKNOWN}`;
export const svc = (l: Record<string, string>) => {
  const name = l.destination_service_name ?? l.destination_service?.split('.')[0] ?? UNKNOWN;
  const ns = l.destination_service_namespace ?? l.destination_service?.split('.')[1] ?? UNKNOWN;
  return `${ns}/${name}`;
};
export const isUnknown = (key: string) => key.split('/').includes(UNKNOWN);
/** The app answered when no proxy flag is set (Envoy's response flags: "-" is none). */
export const appAnswered = (l: Record<string, string>) =>
  l.response_flags === undefined || l.response_flags === '-' || l.response_flags === '';

export function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === UNKNOWN ? undefined : v;
}
