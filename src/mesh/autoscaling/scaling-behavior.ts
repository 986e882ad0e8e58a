/**
 * The HPA controller's normalisation of a desired replica count, as horizontal.go does it: with a
 * `behavior`, stabilizeRecommendationWithBehaviors then convertDesiredReplicasWithBehaviorRate (scale-up and
 * scale-down limits from the policies and the scale events of their periods, calculateScaleUpLimitWith-
 * ScalingRules, calculateScaleDownLimitWithBehaviors); without one, the legacy normalizeDesiredReplicas
 * (the highest recommendation of the downscale-stabilization window, and at most max(2 x current, 4)).
 * Times in ms of simulated time; "after the cutoff" is strict, as time.After is.
 */
import type { HpaScalingRules } from '../../config/types.js';

export interface Normalized {
  replicas: number;
  /** The AbleToScale reason (ScaleUpStabilized, ScaleDownStabilized, ReadyForNewScale). */
  ableToScale: string;
  /** The ScalingLimited reason (ScaleUpLimit, TooManyReplicas, TooFewReplicas, DesiredWithinRange ...). */
  limited: string;
  /** Whether the ScalingLimited condition is True (the count was changed by a limit). */
  isLimited: boolean;
}

interface Recommendation {
  replicas: number;
  atMs: number;
}
interface ScaleEvent {
  change: number;
  atMs: number;
  outdated: boolean;
}

export class ScalingBehavior {
  private readonly recommendations: Recommendation[] = [];
  private readonly upEvents: ScaleEvent[] = [];
  private readonly downEvents: ScaleEvent[] = [];

  constructor(
    private readonly behavior: { scaleUp: HpaScalingRules; scaleDown: HpaScalingRules } | undefined,
    private readonly downscaleStabilizationMs: number,
    private readonly minReplicas: number,
    private readonly maxReplicas: number,
  ) {}

  normalize(nowMs: number, current: number, desired: number): Normalized {
    return this.behavior === undefined
      ? this.legacy(nowMs, current, desired)
      : this.withBehaviors(nowMs, current, desired, this.behavior);
  }

  /** storeScaleEvent: only kept when the HPA has a behavior (the legacy path never reads them). */
  recordScale(nowMs: number, from: number, to: number): void {
    const b = this.behavior;
    if (b === undefined) return;
    const up = to > from;
    const events = up ? this.upEvents : this.downEvents;
    const period = longestPeriod(up ? b.scaleUp : b.scaleDown) * 1000;
    for (const e of events) if (e.atMs < nowMs - period) e.outdated = true;
    const ev = { change: Math.abs(to - from), atMs: nowMs, outdated: false };
    // The last outdated slot is reused, as the controller does.
    let slot = -1;
    events.forEach((e, i) => {
      if (e.outdated) slot = i;
    });
    if (slot >= 0) events[slot] = ev;
    else events.push(ev);
  }

  private legacy(nowMs: number, current: number, desired: number): Normalized {
    // stabilizeRecommendation: the highest recommendation not older than the window.
    let stabilized = desired;
    let oldIndex = -1;
    const cutoff = nowMs - this.downscaleStabilizationMs;
    this.recommendations.forEach((r, i) => {
      if (r.atMs < cutoff) oldIndex = i;
      else if (r.replicas > stabilized) stabilized = r.replicas;
    });
    this.remember(oldIndex, desired, nowMs);
    const ableToScale = stabilized !== desired ? 'ScaleDownStabilized' : 'ReadyForNewScale';
    // convertDesiredReplicasWithRules: scaleUpLimitFactor 2, scaleUpLimitMinimum 4.
    const scaleUpLimit = Math.max(2 * current, 4);
    let max = this.maxReplicas;
    let limitReason = 'TooManyReplicas';
    if (max > scaleUpLimit) {
      max = scaleUpLimit;
      limitReason = 'ScaleUpLimit';
    }
    let replicas = stabilized;
    let limited = 'DesiredWithinRange';
    if (stabilized < this.minReplicas) {
      replicas = this.minReplicas;
      limited = 'TooFewReplicas';
    } else if (stabilized > max) {
      replicas = max;
      limited = limitReason;
    }
    return { replicas, ableToScale, limited, isLimited: replicas !== stabilized };
  }

  private withBehaviors(
    nowMs: number,
    current: number,
    desired: number,
    b: { scaleUp: HpaScalingRules; scaleDown: HpaScalingRules },
  ): Normalized {
    // maybeInitScaleDownStabilizationWindow: an unset scale-down window is the controller's flag.
    const upWindow = (b.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
    const downWindow =
      b.scaleDown.stabilizationWindowSeconds === undefined
        ? this.downscaleStabilizationMs
        : b.scaleDown.stabilizationWindowSeconds * 1000;
    const up = desired >= current;
    const window = up ? upWindow : downWindow;
    const better = up ? Math.min : Math.max;
    const obsolete = nowMs - Math.max(upWindow, downWindow);
    const cutoff = nowMs - window;
    let stabilized = desired;
    let oldIndex = -1;
    this.recommendations.forEach((r, i) => {
      if (r.atMs > cutoff) stabilized = better(r.replicas, stabilized);
      if (r.atMs < obsolete) oldIndex = i;
    });
    this.remember(oldIndex, desired, nowMs);
    const ableToScale =
      stabilized !== desired ? (up ? 'ScaleUpStabilized' : 'ScaleDownStabilized') : 'ReadyForNewScale';

    let replicas = stabilized;
    let limited = 'DesiredWithinRange';
    if (stabilized > current) {
      const limit = Math.max(scaleUpLimit(current, this.upEvents, b.scaleUp, nowMs), current);
      let max = this.maxReplicas;
      let reason = 'TooManyReplicas';
      if (max > limit) {
        max = limit;
        reason = 'ScaleUpLimit';
      }
      if (stabilized > max) {
        replicas = max;
        limited = reason;
      }
    } else if (stabilized < current) {
      const limit = Math.min(scaleDownLimit(current, this.downEvents, b.scaleDown, nowMs), current);
      let min = this.minReplicas;
      let reason = 'TooFewReplicas';
      if (min < limit) {
        min = limit;
        reason = 'ScaleDownLimit';
      }
      if (stabilized < min) {
        replicas = min;
        limited = reason;
      }
    }
    return { replicas, ableToScale, limited, isLimited: replicas !== stabilized };
  }

  /** The newest recommendation replaces the last obsolete one, or is appended. */
  private remember(oldIndex: number, replicas: number, atMs: number): void {
    if (oldIndex >= 0) this.recommendations[oldIndex] = { replicas, atMs };
    else this.recommendations.push({ replicas, atMs });
  }
}

function longestPeriod(rules: HpaScalingRules): number {
  let p = 0;
  for (const x of rules.policies) if (x.periodSeconds > p) p = x.periodSeconds;
  return p;
}

/** getReplicasChangePerPeriod: the replicas changed by events strictly inside the period. */
function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let n = 0;
  for (const e of events) if (e.atMs > cutoff) n += e.change;
  return n;
}

function scaleUpLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: HpaScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  // Min picks the smallest proposal, Max (the default) the largest (result starts at MaxInt32 / MinInt32).
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const p of rules.policies) {
    const periodStart = current - changeInPeriod(p.periodSeconds, events, nowMs);
    // Percent rounds up, or a small deployment could never grow.
    const proposed = p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

function scaleDownLimit(
  current: number,
  events: readonly ScaleEvent[],
  rules: HpaScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies) {
    const periodStart = current + changeInPeriod(p.periodSeconds, events, nowMs);
    const proposed =
      p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}
