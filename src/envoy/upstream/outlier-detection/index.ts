import type { Cluster } from '../cluster.js';
import type { OutlierDetectorSink } from '../outlier.js';

/** Builds the cluster's outlier detector when its policy has outlierDetection (semantics §3.1). */
export function createOutlierDetector(_cluster: Cluster): OutlierDetectorSink | null {
  return null;
}
