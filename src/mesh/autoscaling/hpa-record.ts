/** What one HorizontalPodAutoscaler did in a run: `kubectl describe hpa` over simulated time. */
export interface HpaRecord {
  /** `namespace/name` of the HPA and of its scale target. */
  name: string;
  target: string;
  minReplicas: number;
  maxReplicas: number;
  /** One entry per controller sync: what it read and decided. */
  syncs: HpaSync[];
  /** SuccessfulRescale events, as `kubectl describe hpa` lists them. */
  events: { timeMs: number; from: number; to: number; reason: string }[];
}

export interface HpaSync {
  timeMs: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** Per metric, its current value as the HPA status shows it (e.g. "85% (170m)"), or the error. */
  metrics: { name: string; current: string; target: string }[];
  /** Condition reasons: AbleToScale, ScalingActive, ScalingLimited. */
  ableToScale: string;
  scalingActive: string;
  scalingLimited: string;
}
