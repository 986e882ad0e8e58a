import type { HorizontalPodAutoscalerConfig, HpaMetric, HpaMetricTarget } from '../../config/types.js';
import { serviceSelects } from '../../config/labels.js';
import type { HpaControllerSettings } from '../../config/scenario/index.js';
import { type Pod, PodState } from '../pod.js';
import { liveReplicas, scaleWorkload } from '../pod-lifecycle.js';
import type { World, WorkloadRuntime } from '../world.js';
import type { HpaRecord, HpaSync } from './hpa-record.js';
import { MetricsServer } from './metrics-server.js';
import {
  type CalculatorSettings,
  objectAverageReplicas,
  objectValueReplicas,
  plainMetricReplicas,
  type PodView,
  type Proposal,
  resourceReplicas,
} from './replica-calculator.js';
import { ScalingBehavior } from './scaling-behavior.js';

/** The istio-proxy container's default CPU request (Istio's values.yaml global.proxy.resources.requests). */
export const PROXY_CPU_REQUEST_MILLI = 100;
const PROXY_CONTAINER = 'istio-proxy';

interface Autoscaler {
  hpa: HorizontalPodAutoscalerConfig;
  rt: WorkloadRuntime;
  behavior: ScalingBehavior;
  record: HpaRecord;
}

/**
 * Kubernetes' horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go
 * reconcileAutoscaler), every `syncPeriod` of simulated time, over metrics-server's samples taken every
 * `metricResolution`: for each HPA, the replica count each metric proposes (replica-calculator.ts), the
 * largest of them, normalised by the behavior (scaling-behavior.ts), and a rescale when it differs.
 * NOTE: simplification: the controller's first sync is one period after the start (an informer's
 * initial add reconciles at once, with no metrics yet), and metrics-server scrapes at multiples of its
 * resolution from the start, a scrape due at a sync's instant coming first.
 */
export class HorizontalController {
  private readonly autoscalers: Autoscaler[] = [];
  private readonly metricsServer = new MetricsServer();
  private readonly calc: CalculatorSettings;

  constructor(
    private readonly world: World,
    hpas: readonly HorizontalPodAutoscalerConfig[],
    private readonly settings: HpaControllerSettings,
    records: HpaRecord[],
  ) {
    this.calc = {
      tolerance: settings.tolerance,
      cpuInitializationPeriodMs: settings.cpuInitializationPeriodMs,
      initialReadinessDelayMs: settings.initialReadinessDelayMs,
    };
    for (const hpa of hpas) {
      const ns = hpa.meta.namespace;
      const rt = world.workloads.get(`${ns}/${hpa.scaleTargetRef.name}`);
      // A target that is not a simulated workload was reported by the analysis (MSIM3200).
      if (rt === undefined || rt.config.kind !== hpa.scaleTargetRef.kind) continue;
      const record: HpaRecord = {
        name: `${ns}/${hpa.meta.name}`,
        target: `${hpa.scaleTargetRef.kind}/${hpa.scaleTargetRef.name}`,
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.maxReplicas,
        syncs: [],
        events: [],
      };
      records.push(record);
      const behavior = new ScalingBehavior(
        hpa.behavior,
        settings.downscaleStabilizationMs,
        hpa.minReplicas,
        hpa.maxReplicas,
      );
      this.autoscalers.push({ hpa, rt, behavior, record });
    }
  }

  start(): void {
    if (this.autoscalers.length === 0) return;
    this.world.sim.scheduleAt(0, HorizontalController.onScrape, this);
    this.world.sim.scheduleAt(this.settings.syncPeriodMs, HorizontalController.onSync, this);
  }

  private static onScrape(c: HorizontalController): void {
    const w = c.world;
    if (w.sim.now >= w.endMs) return;
    c.scrapeOnce(w.sim.now);
    w.sim.schedule(c.settings.metricResolutionMs, HorizontalController.onScrape, c);
  }

  private static onSync(c: HorizontalController): void {
    const w = c.world;
    const now = w.sim.now;
    if (now >= w.endMs) return;
    // A scrape due at this instant comes first, whichever event the queue holds first.
    if (now % c.settings.metricResolutionMs === 0) c.scrapeOnce(now);
    for (const a of c.autoscalers) c.reconcile(a);
    w.sim.schedule(c.settings.syncPeriodMs, HorizontalController.onSync, c);
  }

  private lastScrapeMs = -1;

  private scrapeOnce(nowMs: number): void {
    if (this.lastScrapeMs === nowMs) return;
    this.lastScrapeMs = nowMs;
    this.metricsServer.scrape(nowMs, this.scrapeTargets());
  }

  private *scrapeTargets(): Iterable<{ pod: Pod; idleMilli: number; requests: number }> {
    for (const a of this.autoscalers)
      for (const pod of a.rt.pods)
        yield { pod, idleMilli: a.rt.behaviour.cpu.idleMilli, requests: pod.requestsIn };
  }

  /** reconcileAutoscaler: bounds first, then the metrics' proposal, normalised; a rescale if it changed. */
  private reconcile(a: Autoscaler): void {
    const now = this.world.sim.now;
    const { hpa } = a;
    const current = liveReplicas(a.rt);
    const sync: HpaSync = {
      timeMs: now,
      currentReplicas: current,
      desiredReplicas: current,
      metrics: [],
      ableToScale: 'ReadyForNewScale',
      scalingActive: 'ValidMetricFound',
      scalingLimited: 'DesiredWithinRange',
    };
    let desired = current;
    let reason = '';
    if (current === 0 && hpa.minReplicas !== 0) {
      sync.scalingActive = 'ScalingDisabled';
    } else if (current > hpa.maxReplicas) {
      desired = hpa.maxReplicas;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < hpa.minReplicas) {
      desired = hpa.minReplicas;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const m = this.proposeFromMetrics(a, current, now, sync);
      if (m === undefined) {
        a.record.syncs.push(sync);
        return;
      }
      reason = m.replicas > current ? `${m.metric} above target` : 'All metrics below target';
      const n = a.behavior.normalize(now, current, m.replicas);
      desired = n.replicas;
      sync.ableToScale = n.ableToScale;
      sync.scalingLimited = n.limited;
    }
    sync.desiredReplicas = desired;
    a.record.syncs.push(sync);
    if (desired === current) return;
    a.behavior.recordScale(now, current, desired);
    a.record.events.push({ timeMs: now, from: current, to: desired, reason });
    scaleWorkload(this.world, a.rt, desired);
  }

  /**
   * computeReplicasForMetrics: the largest proposal; none when every metric failed, or when some failed
   * and the rest would scale down (a scale-down on partial data is refused).
   */
  private proposeFromMetrics(
    a: Autoscaler,
    current: number,
    now: number,
    sync: HpaSync,
  ): { replicas: number; metric: string } | undefined {
    let best = 0;
    let bestName = '';
    let invalid = 0;
    for (const m of a.hpa.metrics) {
      const p = this.proposal(a, m, current, now);
      const name = metricName(m);
      if (!p.ok) {
        invalid++;
        sync.metrics.push({ name, current: `<unknown>: ${p.error}`, target: targetText(m.target) });
        sync.scalingActive = failedReason(m);
        continue;
      }
      sync.metrics.push({ name, current: currentText(m, p.current), target: targetText(m.target) });
      if (best === 0 || p.replicas > best) {
        best = p.replicas;
        bestName = name;
      }
    }
    if (invalid >= a.hpa.metrics.length || (invalid > 0 && best < current)) return undefined;
    return { replicas: best, metric: bestName };
  }

  private proposal(a: Autoscaler, m: HpaMetric, current: number, now: number): Proposal {
    const pods = () => this.podViews(a, m);
    switch (m.type) {
      case 'Resource':
      case 'ContainerResource':
        if (m.resource !== 'cpu')
          return { ok: false, error: `unable to get metrics for resource ${m.resource}: not simulated` };
        if (m.target.type === 'Utilization')
          return resourceReplicas(current, m.target.averageUtilization, 'cpu', pods(), now, this.calc);
        if (m.target.type === 'AverageValue')
          return plainMetricReplicas(current, m.target.averageValueMilli, true, pods(), now, this.calc);
        return { ok: false, error: 'a Value target is not valid for a resource metric' };
      case 'Pods':
        if (!isRequestRate(m.metric))
          return { ok: false, error: `unable to get metric ${m.metric}: no such metric in the simulation` };
        if (m.target.type !== 'AverageValue')
          return { ok: false, error: 'Pods metrics take an AverageValue target' };
        return plainMetricReplicas(current, m.target.averageValueMilli, false, pods(), now, this.calc);
      case 'Object': {
        const value = this.objectValue(a, m);
        if (value === undefined)
          return {
            ok: false,
            error: `unable to get metric ${m.metric}: on ${m.describedObject.kind} ${a.hpa.meta.namespace}/${m.describedObject.name}`,
          };
        if (m.target.type === 'AverageValue')
          return objectAverageReplicas(current, value, m.target.averageValueMilli, this.calc);
        if (m.target.type === 'Value')
          return objectValueReplicas(current, value, m.target.valueMilli, readyPods(a.rt), this.calc);
        return { ok: false, error: 'a Utilization target is not valid for an Object metric' };
      }
      case 'External':
        return {
          ok: false,
          error: `unable to get external metric ${m.metric}: no external metrics in the simulation`,
        };
    }
  }

  /** The pods of the scale target as the pod lister and metrics-server show them. */
  private podViews(a: Autoscaler, m: HpaMetric): PodView[] {
    const cfg = a.rt.config;
    const container = m.type === 'ContainerResource' ? m.container : undefined;
    const request = podCpuRequest(cfg, container);
    const out: PodView[] = [];
    for (const p of a.rt.pods) {
      if (p.state === PodState.Gone) continue;
      const pm = this.metricsServer.metricsOf(p);
      let value: number | undefined;
      if (pm !== undefined)
        value =
          m.type === 'Pods'
            ? pm.requestsMilli
            : container === undefined
              ? pm.appMilli + pm.proxyMilli
              : container === PROXY_CONTAINER
                ? pm.proxyMilli
                : pm.appMilli;
      out.push({
        name: p.name,
        // A pod whose container is starting or restarting is Running and not Ready (the kubelet's view).
        phase: 'Running',
        deleted: false,
        ready: p.ready,
        readyChangedMs: p.readyChangedMs,
        startMs: p.createdMs,
        metric:
          value === undefined ? undefined : { value, timestampMs: pm!.timestampMs, windowMs: pm!.windowMs },
        requestMilli: request,
      });
    }
    return out;
  }

  /** An Object metric on a Service: the request rate reaching the pods it selects (milli-units per second). */
  private objectValue(a: Autoscaler, m: Extract<HpaMetric, { type: 'Object' }>): number | undefined {
    if (m.describedObject.kind !== 'Service' || !isRequestRate(m.metric)) return undefined;
    const ns = a.hpa.meta.namespace;
    const svc = this.world.opts.config.services.find(
      (s) => s.meta.namespace === ns && s.meta.name === m.describedObject.name,
    );
    if (svc === undefined) return undefined;
    let total = 0;
    for (const rt of this.world.workloads.values())
      for (const p of rt.pods) {
        if (!serviceSelects(svc, p.namespace, p.labels)) continue;
        const pm = this.metricsServer.metricsOf(p);
        if (pm !== undefined) total += pm.requestsMilli;
      }
    return total;
  }
}

/** Request-rate metric names a Prometheus adapter serves from istio_requests_total. */
function isRequestRate(name: string): boolean {
  return name === 'istio_requests_per_second' || name === 'istio_requests' || name === 'requests_per_second';
}

function readyPods(rt: WorkloadRuntime): number {
  let n = 0;
  for (const p of rt.pods) if (p.state === PodState.Running && p.ready) n++;
  return n;
}

/**
 * calculatePodRequests: the sum of the containers' requests, the injected istio-proxy's included (its
 * request is `sidecar.istio.io/proxyCPU`, resolved in config/resolve/proxy-resources.ts, or Istio's
 * default 100m); undefined when an app container has
 * none, for which the controller reports "missing request for cpu".
 * NOTE: simplification: the istio-proxy is counted as a regular container (Istio before native sidecars).
 */
export function podCpuRequest(
  cfg: WorkloadRuntime['config'],
  container: string | undefined,
): number | undefined {
  const proxy = cfg.proxyCpuRequestMilli ?? PROXY_CPU_REQUEST_MILLI;
  if (container === PROXY_CONTAINER) return proxy;
  if (container !== undefined) return cfg.containers.find((c) => c.name === container)?.cpuRequestMilli;
  let sum = proxy;
  for (const c of cfg.containers) {
    if (c.cpuRequestMilli === undefined) return undefined;
    sum += c.cpuRequestMilli;
  }
  return sum;
}

/** The names the controller uses in its events and conditions. */
function metricName(m: HpaMetric): string {
  switch (m.type) {
    case 'Resource':
      return m.target.type === 'Utilization'
        ? `${m.resource} resource utilization (percentage of request)`
        : `${m.resource} resource`;
    case 'ContainerResource':
      return m.target.type === 'Utilization'
        ? `${m.resource} container resource utilization (percentage of request)`
        : `${m.resource} container resource`;
    case 'Pods':
      return `pods metric ${m.metric}`;
    case 'Object':
      return `${m.metric} metric on ${m.describedObject.kind}/${m.describedObject.name}`;
    case 'External':
      return `external metric ${m.metric}`;
  }
}

function failedReason(m: HpaMetric): string {
  switch (m.type) {
    case 'Resource':
      return 'FailedGetResourceMetric';
    case 'ContainerResource':
      return 'FailedGetContainerResourceMetric';
    case 'Pods':
      return 'FailedGetPodsMetric';
    case 'Object':
      return 'FailedGetObjectMetric';
    case 'External':
      return 'FailedGetExternalMetric';
  }
}

function targetText(t: HpaMetricTarget): string {
  if (t.type === 'Utilization') return `${t.averageUtilization}%`;
  return quantityText(t.type === 'AverageValue' ? t.averageValueMilli : t.valueMilli);
}

function currentText(m: HpaMetric, current: number): string {
  if ((m.type === 'Resource' || m.type === 'ContainerResource') && m.target.type === 'Utilization')
    return `${current}%`;
  return quantityText(current);
}

/** A milli-value as kubectl prints a quantity: "250m", "3". */
export function quantityText(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
