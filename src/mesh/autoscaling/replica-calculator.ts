/**
 * The HPA's replica calculation, rule for rule as Kubernetes' ReplicaCalculator makes it
 * (pkg/controller/podautoscaler/replica_calculator.go: GetResourceReplicas, calcPlainMetricReplicas,
 * GetObjectMetricReplicas, GetObjectPerPodMetricReplicas, groupPods; metrics/utilization.go
 * GetResourceUtilizationRatio, GetMetricUsageRatio). Pure functions of the pods' state and metrics.
 */

/** A pod as the calculator sees it (the pod lister's object plus its metric). */
export interface PodView {
  name: string;
  phase: 'Pending' | 'Running' | 'Failed';
  deleted: boolean;
  ready: boolean;
  /** The Ready condition's lastTransitionTime, and the pod's status.startTime (ms). */
  readyChangedMs: number;
  startMs: number;
  /** The metric's value (milli-units), timestamp and window; undefined = no metrics for the pod. */
  metric: { value: number; timestampMs: number; windowMs: number } | undefined;
  /** The pod's request for the resource (milli), summed over its containers; undefined = a container has none. */
  requestMilli: number | undefined;
}

export interface CalculatorSettings {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
}

export type Proposal =
  | { ok: true; replicas: number /** utilization % or the average value (milli) */; current: number }
  | { ok: false; error: string };

interface Groups {
  readyPodCount: number;
  ignored: Set<string>;
  missing: Set<string>;
}

/** groupPods: which pods count, which are ignored (pending, unready CPU samples) and which lack metrics. */
export function groupPods(
  pods: readonly PodView[],
  isCpu: boolean,
  nowMs: number,
  s: CalculatorSettings,
): Groups {
  const g: Groups = { readyPodCount: 0, ignored: new Set(), missing: new Set() };
  for (const p of pods) {
    if (p.deleted || p.phase === 'Failed') continue;
    if (p.phase === 'Pending') {
      g.ignored.add(p.name);
      continue;
    }
    if (p.metric === undefined) {
      g.missing.add(p.name);
      continue;
    }
    if (isCpu) {
      let ignore: boolean;
      if (p.startMs + s.cpuInitializationPeriodMs > nowMs)
        // Still initialising: ignore it unready, or when its sample does not cover a full window since it
        // became ready.
        ignore = !p.ready || p.metric.timestampMs < p.readyChangedMs + p.metric.windowMs;
      // Later: ignore only a pod that is unready and has never been ready.
      else ignore = !p.ready && p.startMs + s.initialReadinessDelayMs > p.readyChangedMs;
      if (ignore) {
        g.ignored.add(p.name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** GetResourceReplicas: a target utilization (% of request). */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  pods: readonly PodView[],
  nowMs: number,
  s: CalculatorSettings,
): Proposal {
  if (pods.length === 0)
    return { ok: false, error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(pods, resource === 'cpu', nowMs, s);
  const metrics = new Map<string, number>();
  for (const p of pods)
    if (p.metric !== undefined && !g.ignored.has(p.name)) metrics.set(p.name, p.metric.value);
  const requests = new Map<string, number>();
  for (const p of pods) {
    if (p.requestMilli === undefined) return { ok: false, error: `missing request for ${resource}` };
    requests.set(p.name, p.requestMilli);
  }
  if (metrics.size === 0) return { ok: false, error: 'did not receive metrics for any ready pods' };
  const first = utilizationRatio(metrics, requests, targetUtilization);
  if (first === undefined) return { ok: false, error: `no metrics returned matched known pods` };
  const usageRatio = first.ratio;
  const rebalanceIgnored = g.ignored.size > 0 && usageRatio > 1;
  if (!rebalanceIgnored && g.missing.size === 0) {
    if (Math.abs(1 - usageRatio) <= s.tolerance)
      return { ok: true, replicas: currentReplicas, current: first.utilization };
    return { ok: true, replicas: Math.ceil(usageRatio * g.readyPodCount), current: first.utilization };
  }
  if (g.missing.size > 0) {
    // Scale-down: missing pods count as using 100 % of their request; scale-up: 0 %.
    for (const name of g.missing)
      if (usageRatio < 1) metrics.set(name, requests.get(name)!);
      else if (usageRatio > 1) metrics.set(name, 0);
  }
  if (rebalanceIgnored) for (const name of g.ignored) metrics.set(name, 0);
  const again = utilizationRatio(metrics, requests, targetUtilization)!;
  return reconsidered(currentReplicas, usageRatio, again.ratio, metrics.size, first.utilization, s);
}

/** calcPlainMetricReplicas: a target average value per pod (resource AverageValue, Pods metrics). */
export function plainMetricReplicas(
  currentReplicas: number,
  targetMilli: number,
  isCpu: boolean,
  pods: readonly PodView[],
  nowMs: number,
  s: CalculatorSettings,
): Proposal {
  if (pods.length === 0)
    return { ok: false, error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(pods, isCpu, nowMs, s);
  const metrics = new Map<string, number>();
  for (const p of pods)
    if (p.metric !== undefined && !g.ignored.has(p.name)) metrics.set(p.name, p.metric.value);
  if (metrics.size === 0) return { ok: false, error: 'did not receive metrics for any ready pods' };
  const first = usage(metrics, targetMilli);
  const usageRatio = first.ratio;
  const rebalanceIgnored = g.ignored.size > 0 && usageRatio > 1;
  if (!rebalanceIgnored && g.missing.size === 0) {
    if (Math.abs(1 - usageRatio) <= s.tolerance)
      return { ok: true, replicas: currentReplicas, current: first.current };
    return { ok: true, replicas: Math.ceil(usageRatio * g.readyPodCount), current: first.current };
  }
  if (g.missing.size > 0) for (const name of g.missing) metrics.set(name, usageRatio < 1 ? targetMilli : 0);
  if (rebalanceIgnored) for (const name of g.ignored) metrics.set(name, 0);
  const again = usage(metrics, targetMilli);
  return reconsidered(currentReplicas, usageRatio, again.ratio, metrics.size, first.current, s);
}

/** GetObjectMetricReplicas (target Value): the ratio of the object's value to the target, times ready pods. */
export function objectValueReplicas(
  currentReplicas: number,
  valueMilli: number,
  targetMilli: number,
  readyPods: number,
  s: CalculatorSettings,
): Proposal {
  const usageRatio = valueMilli / targetMilli;
  if (currentReplicas === 0) return { ok: true, replicas: Math.ceil(usageRatio), current: valueMilli };
  if (Math.abs(1 - usageRatio) <= s.tolerance)
    return { ok: true, replicas: currentReplicas, current: valueMilli };
  return { ok: true, replicas: Math.ceil(usageRatio * readyPods), current: valueMilli };
}

/** GetObjectPerPodMetricReplicas (target AverageValue): the object's value shared over the replicas. */
export function objectAverageReplicas(
  statusReplicas: number,
  valueMilli: number,
  targetAverageMilli: number,
  s: CalculatorSettings,
): Proposal {
  let replicas = statusReplicas;
  const usageRatio = valueMilli / (targetAverageMilli * replicas);
  if (Math.abs(1 - usageRatio) > s.tolerance) replicas = Math.ceil(valueMilli / targetAverageMilli);
  return { ok: true, replicas, current: Math.ceil(valueMilli / statusReplicas) };
}

/** The second pass: no change within tolerance, nor one that reverses the first pass's direction. */
function reconsidered(
  currentReplicas: number,
  usageRatio: number,
  newUsageRatio: number,
  entities: number,
  current: number,
  s: CalculatorSettings,
): Proposal {
  if (
    Math.abs(1 - newUsageRatio) <= s.tolerance ||
    (usageRatio < 1 && newUsageRatio > 1) ||
    (usageRatio > 1 && newUsageRatio < 1)
  )
    return { ok: true, replicas: currentReplicas, current };
  const replicas = Math.ceil(newUsageRatio * entities);
  if ((newUsageRatio < 1 && replicas > currentReplicas) || (newUsageRatio > 1 && replicas < currentReplicas))
    return { ok: true, replicas: currentReplicas, current };
  return { ok: true, replicas, current };
}

/** GetResourceUtilizationRatio: integer utilization (% of the summed requests), then its ratio to the target. */
function utilizationRatio(
  metrics: ReadonlyMap<string, number>,
  requests: ReadonlyMap<string, number>,
  target: number,
): { ratio: number; utilization: number } | undefined {
  let metricsTotal = 0;
  let requestsTotal = 0;
  for (const [name, v] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += v;
    requestsTotal += r;
  }
  if (requestsTotal === 0) return undefined;
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization };
}

/** GetMetricUsageRatio: the integer average per pod, then its ratio to the target. */
function usage(metrics: ReadonlyMap<string, number>, target: number): { ratio: number; current: number } {
  let total = 0;
  for (const v of metrics.values()) total += v;
  const current = Math.trunc(total / metrics.size);
  return { ratio: current / target, current };
}
