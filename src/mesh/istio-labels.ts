/**
 * The peer labels of Istio's standard metrics (istio.io, "Istio Standard Metrics": the labels every
 * `istio_*` metric carries), derived from a pod the way istio-proxy's stats plugin derives them from the
 * workload metadata istiod injects. Istio's dashboards and Kiali key on `*_canonical_service`,
 * `*_canonical_revision`, `*_workload`, `*_cluster` and the principals.
 */

/** Istio's default cluster ID (`values.global.multiCluster.clusterName` unset): the `*_cluster` labels. */
export const ISTIO_CLUSTER_ID = 'Kubernetes';

/** The trust domain of SPIFFE principals (meshConfig.trustDomain default). */
export const TRUST_DOMAIN = 'cluster.local';

/** What the labels read about a pod: its owner (`namespace/name`), namespace and labels. */
export interface PeerInfo {
  owner: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export interface PeerLabels {
  workload: string;
  workload_namespace: string;
  principal: string;
  app: string;
  version: string;
  canonical_service: string;
  canonical_revision: string;
  cluster: string;
}

/**
 * Canonical service and revision [I:pkg/kube/labels/labels.go CanonicalService]: the name from
 * `service.istio.io/canonical-name`, else `app.kubernetes.io/name`, else `app`, else the workload name;
 * the revision from `service.istio.io/canonical-revision`, else `app.kubernetes.io/version`, else
 * `version`, else "latest".
 */
export function canonicalService(
  labels: Readonly<Record<string, string>>,
  workloadName: string,
): { name: string; revision: string } {
  return {
    name:
      labels['service.istio.io/canonical-name'] ??
      labels['app.kubernetes.io/name'] ??
      labels.app ??
      workloadName,
    revision:
      labels['service.istio.io/canonical-revision'] ??
      labels['app.kubernetes.io/version'] ??
      labels.version ??
      'latest',
  };
}

/**
 * One side's labels; `unknown` for a peer meshsim does not know (no upstream host: a local reply).
 * NOTE: simplification: the principal is always the namespace's `default` service account
 * (`spiffe://cluster.local/ns/<ns>/sa/default`): Deployments' serviceAccountName is not read.
 */
export function peerLabels(info: PeerInfo | undefined): PeerLabels {
  if (info === undefined)
    return {
      workload: 'unknown',
      workload_namespace: 'unknown',
      principal: 'unknown',
      app: 'unknown',
      version: 'unknown',
      canonical_service: 'unknown',
      canonical_revision: 'unknown',
      cluster: 'unknown',
    };
  const workload = info.owner.split('/')[1] ?? info.owner;
  const cs = canonicalService(info.labels, workload);
  return {
    workload,
    workload_namespace: info.namespace,
    principal: `spiffe://${TRUST_DOMAIN}/ns/${info.namespace}/sa/default`,
    app: info.labels.app ?? 'unknown',
    version: info.labels.version ?? 'unknown',
    canonical_service: cs.name,
    canonical_revision: cs.revision,
    cluster: ISTIO_CLUSTER_ID,
  };
}

/**
 * The full label set of one `istio_requests_total` / `istio_request_duration_milliseconds` series, in the
 * order of Istio's docs. `grpc_response_status` is empty for plain HTTP, as the stats plugin reports it.
 */
/** Istio's `reporter` label: the client sidecar, the server sidecar, or an ambient waypoint. */
export type IstioReporter = 'source' | 'destination' | 'waypoint';

export function istioMetricLabels(o: {
  reporter: IstioReporter;
  source: PeerInfo | undefined;
  destination: PeerInfo | undefined;
  service: string;
  status: number;
  flags: string;
}): Record<string, string> {
  return {
    reporter: o.reporter,
    ...peerPairLabels(peerLabels(o.source), peerLabels(o.destination), o.service),
    request_protocol: 'http',
    response_code: String(o.status),
    response_flags: o.flags,
    grpc_response_status: '',
    // Istio's stats plugin: the server side knows its inbound mTLS; the client side reports unknown.
    connection_security_policy: o.reporter === 'destination' ? 'mutual_tls' : 'unknown',
  };
}

/** The source_* and destination_* labels every Istio metric carries (HTTP and TCP), in Istio's order. */
export function peerPairLabels(s: PeerLabels, d: PeerLabels, service: string): Record<string, string> {
  return {
    source_workload: s.workload,
    source_workload_namespace: s.workload_namespace,
    source_principal: s.principal,
    source_app: s.app,
    source_version: s.version,
    source_canonical_service: s.canonical_service,
    source_canonical_revision: s.canonical_revision,
    source_cluster: s.cluster,
    destination_workload: d.workload,
    destination_workload_namespace: d.workload_namespace,
    destination_principal: d.principal,
    destination_app: d.app,
    destination_version: d.version,
    destination_service: service,
    destination_service_name: service.split('.')[0]!,
    destination_service_namespace: service.split('.')[1] ?? 'unknown',
    destination_canonical_service: d.canonical_service,
    destination_canonical_revision: d.canonical_revision,
    destination_cluster: d.cluster,
  };
}
