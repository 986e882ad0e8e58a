import type { Cluster } from '../cluster.js';
import type { OutlierDetectorSink } from '../outlier.js';
import { OutlierDetector } from './outlier-detector.js';

export { OutlierDetector } from './outlier-detector.js';
export type { EjectionType, DetectorCluster } from './outlier-detector.js';
export { HostMonitor } from './host-monitor.js';
export { successRateEjectionThreshold } from './success-rate.js';

/**
 * Builds the cluster's outlier detector when its effective policy has outlierDetection (istiod emits
 * `outlier_detection` only then, Istio cluster_traffic_policy.go applyOutlierDetection); one per (client sidecar, cluster), Envoy outlier_detection_impl.cc.
 */
export function createOutlierDetector(cluster: Cluster): OutlierDetectorSink | null {
  const od = cluster.spec.policy.outlierDetection;
  return od === undefined ? null : new OutlierDetector(cluster, od);
}
