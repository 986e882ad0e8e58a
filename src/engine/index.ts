export type { EventQueue, EventQueueKind } from './event-queue.js';
export { BinaryHeapQueue } from './binary-heap-queue.js';
export { SdslQueue } from './sdsl-queue.js';
export { Simulation, NO_TIMER, NO_SLOT } from './simulation.js';
export type {
  EventFn,
  TimerHandle,
  TimerSlot,
  RunOutcome,
  StopReason,
  SimulationOptions,
} from './simulation.js';
export { RandomStreams } from './random.js';
export type { Rng } from './random.js';
export { parseDurationMs, formatDurationMs } from './duration.js';
export type { Parsed } from './duration.js';
export {
  parseDistribution,
  normalCdf,
  Constant,
  Uniform,
  Exponential,
  TruncatedNormal,
  LogNormal,
  Pareto,
  Empirical,
} from './distributions.js';
export type {
  Distribution,
  DistributionKind,
  DistributionIssue,
  DistributionParse,
} from './distributions.js';
export { normalQuantile } from './normal-quantile.js';
export { LatencyHistogram } from './stats/histogram.js';
export type { LatencySummary } from './stats/histogram.js';
export { LogHistogram } from './stats/log-histogram.js';
export { FORTIO_BUCKET_BOUNDS_MS, FortioBuckets } from './stats/fortio-buckets.js';
export type { FortioBucket } from './stats/fortio-buckets.js';
export { TimeWeightedGauge } from './stats/gauge.js';
export { Tally } from './stats/tally.js';
export { TimeSeries } from './stats/time-series.js';
export { meanWithCi, batchMeans, tCritical95 } from './stats/confidence.js';
export type { MeanEstimate } from './stats/confidence.js';
