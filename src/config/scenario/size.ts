/**
 * What a scenario would cost to run, estimated from the resolved scenario and manifests before the
 * world is built, and refused (MSIM2006, positioned, naming the limit and the need) when over
 * LIMITS (src/config/limits.ts, docs/config.md "Limits"). A run of 10^9 replicas or 10^12 requests/s
 * must end in one line, not in an hour of CPU or an out-of-memory crash.
 */
import type { Diagnostic } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import {
  BYTES_PER_IDLE_PAIR,
  BYTES_PER_POD,
  BYTES_PER_USED_PAIR,
  EVENTS_PER_UPSTREAM_REQUEST,
  formatBytes,
  formatCount,
  LIMITS,
} from '../limits.js';
import { hostMatches } from '../hosts.js';
import { isMeshBound } from '../lookup.js';
import { serviceBalancerBytes } from './balancer-memory.js';
import { gatewayDestinationServices, isGatewayWorkload } from './gateway-size.js';
import type { MeshConfig, ServiceConfig, WorkloadConfig } from '../types.js';
import type { SourceDocument, YamlPath } from '../yaml-source.js';
import { dnsCandidates } from '../hosts.js';
import type { DownstreamCall, LoadGeneratorSpec, RateSchedule, Scenario } from './types.js';

export interface ScenarioSize {
  pods: number;
  sidecarEndpointPairs: number;
  /** Pairs that can carry a request at most: min(pairs, upstream requests). */
  usedPairsAtMost: number;
  memoryBytes: number;
  /** Of memoryBytes: clusters whose balancer keeps a Host per endpoint, and their tables (balancer-memory.ts). */
  balancerBytes: number;
  clientRequests: number;
  /** Upstream requests per client request (1 = no app calls another). */
  fanOut: number;
  events: number;
}

interface Where {
  file: string;
  line: number;
  column: number;
  path?: string;
}

const workloadKey = (w: WorkloadConfig) => `${w.meta.namespace}/${w.meta.name}`;

/** Requests an open-loop schedule sends between `fromMs` and `toMs` (rate is per second). */
export function scheduledRequests(r: RateSchedule, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const over = (a: number, b: number, perSecond: number) =>
    Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs)) * (perSecond / 1000);
  if (r.kind === 'constant') return over(fromMs, toMs, r.perSecond);
  if (r.kind === 'steps') {
    const steps = [...r.steps].sort((a, b) => a.atMs - b.atMs);
    let n = 0;
    steps.forEach((s, i) => {
      n += over(s.atMs, steps[i + 1]?.atMs ?? toMs, s.perSecond);
    });
    return n;
  }
  // Ramp: `from` until start, linear to `to` over `over`, then `to`; bounded above by the larger rate.
  const top = Math.max(r.fromPerSecond, r.toPerSecond);
  return over(fromMs, toMs, top);
}

function clientRequests(g: LoadGeneratorSpec, durationMs: number): number {
  const fromMs = Math.min(g.startMs, durationMs);
  let n: number;
  if (g.mode.kind === 'open') n = scheduledRequests(g.mode.rate, fromMs, durationMs);
  else {
    // NOTE: simplification: a closed loop with qps 0 is bounded as if each connection sent 1,000/s.
    const perConnection = g.mode.qps > 0 ? g.mode.qps : 1000;
    n = (g.mode.connections * g.replicas * perConnection * (durationMs - fromMs)) / 1000;
  }
  return g.count > 0 ? Math.min(g.count, n) : n;
}

/** Fan-out values above this are reported as "more than" it: the iteration stops there. */
const FAN_OUT_CEILING = 1_000_000;

/**
 * Upstream requests per request to each workload, over its calls (each call counted with its
 * probability, to the heaviest workload its host can reach). Value iteration from 1: it converges
 * when the call graph's loops lose requests, and passes any bound when a loop feeds itself.
 * NOTE: simplification: retries and mirrors are not counted.
 */
function fanOut(s: Scenario, config: MeshConfig): { f: Map<string, number>; loop: string | undefined } {
  const callsByKey = new Map<string, readonly DownstreamCall[]>();
  for (const w of config.workloads) callsByKey.set(workloadKey(w), callsOf(s, workloadKey(w)));
  const targets = new Map<string, string[][]>();
  for (const w of config.workloads) {
    const key = workloadKey(w);
    targets.set(
      key,
      callsByKey
        .get(key)!
        .map((c) => (c.probability > 0 ? workloadsBehind(c.url, w.meta.namespace, config) : [])),
    );
  }
  let f = new Map<string, number>();
  for (const w of config.workloads) f.set(workloadKey(w), 1);
  for (let k = 0; k < 10_000; k++) {
    const next = new Map<string, number>();
    let changed = false;
    let top = 0;
    for (const w of config.workloads) {
      const key = workloadKey(w);
      const calls = callsByKey.get(key)!;
      let v = 1;
      calls.forEach((c, i) => {
        let worst = 0;
        for (const t of targets.get(key)![i]!) worst = Math.max(worst, f.get(t) ?? 1);
        v += c.probability * worst;
      });
      if (Math.abs(v - (f.get(key) ?? 1)) > 1e-9) changed = true;
      next.set(key, v);
      top = Math.max(top, v);
    }
    f = next;
    if (!changed || top > FAN_OUT_CEILING) break;
  }
  return { f, loop: findLoop(targets) };
}

/** A workload whose calls lead back to itself (depth-first search for a back edge), if any. */
function findLoop(targets: Map<string, string[][]>): string | undefined {
  const state = new Map<string, 1 | 2>();
  const visit = (key: string): string | undefined => {
    state.set(key, 1);
    for (const call of targets.get(key) ?? [])
      for (const t of call) {
        if (state.get(t) === 1) return t;
        if (state.get(t) === undefined) {
          const found = visit(t);
          if (found !== undefined) return found;
        }
      }
    state.set(key, 2);
    return undefined;
  };
  for (const key of targets.keys())
    if (state.get(key) === undefined) {
      const found = visit(key);
      if (found !== undefined) return found;
    }
  return undefined;
}

/**
 * The calls a workload may make: its behaviour's, plus those a `set` event gives it later (a
 * conservative union: the estimate must not miss what the run will do).
 */
function callsOf(s: Scenario, key: string): readonly DownstreamCall[] {
  const base = (s.workloads.get(key) ?? s.defaultBehaviour).calls;
  let extra: DownstreamCall[] | undefined;
  for (const e of s.events)
    if (e.action.kind === 'set' && e.target === key && e.action.patch.calls)
      (extra ??= []).push(...e.action.patch.calls);
  return extra ? [...base, ...extra] : base;
}

/**
 * Services a URL's host reaches: the Service cluster DNS resolves it to, and the destinations (and
 * mirrors) of the VirtualServices for that host, whose clusters the calling sidecar builds too.
 */
function servicesBehind(url: string, ns: string, config: MeshConfig): ServiceConfig[] {
  const m = /^https?:\/\/([^/:?#]+)/.exec(url);
  if (m === null) return [];
  const names = new Set(dnsCandidates(m[1]!, ns));
  // Only mesh-bound VirtualServices route a sidecar's calls (a gateway-only `*` host routes none).
  for (const vs of config.virtualServices)
    if (isMeshBound(vs) && vs.hosts.some((h) => [...names].some((n) => hostMatches(h, n))))
      for (const route of vs.http) {
        for (const d of route.route) names.add(d.destination.host);
        for (const mirror of route.mirrors) names.add(mirror.destination.host);
      }
  return config.services.filter((svc) => names.has(svc.fqdn));
}

/** Workloads a URL's host reaches: the pods of the Services behind it. */
function workloadsBehind(url: string, ns: string, config: MeshConfig): string[] {
  const out: string[] = [];
  for (const svc of servicesBehind(url, ns, config))
    for (const w of config.workloads)
      if (selectedBy(svc.selector, w, svc.meta.namespace)) out.push(workloadKey(w));
  return out;
}

/**
 * Endpoints a sidecar holds: one cluster per Service it calls (created on first use, as Envoy's
 * clusters are in meshsim), each with every pod the Service selects at its largest scale; and what
 * those clusters' balancers cost beyond idle pairs when they keep a Host per endpoint
 * (balancer-memory.ts).
 */
function endpointsReached(
  urls: readonly { url: string }[],
  ns: string,
  s: Scenario,
  config: MeshConfig,
  sharedTables: Map<ServiceConfig, number>,
): { pairs: number; balancerBytes: number } {
  const seen = new Set<ServiceConfig>();
  let pairs = 0;
  let balancerBytes = 0;
  for (const u of urls)
    for (const svc of servicesBehind(u.url, ns, config)) {
      if (seen.has(svc)) continue;
      seen.add(svc);
      let n = 0;
      for (const w of config.workloads)
        if (selectedBy(svc.selector, w, svc.meta.namespace)) n += peakReplicas(s, w);
      pairs += n;
      const cost = serviceBalancerBytes(config, svc, ns, n);
      balancerBytes += cost.perSidecar;
      if (cost.shared > (sharedTables.get(svc) ?? 0)) sharedTables.set(svc, cost.shared);
    }
  return { pairs, balancerBytes };
}

/** A Service without a selector has no endpoints (Kubernetes); otherwise every label must match. */
function selectedBy(selector: Readonly<Record<string, string>>, w: WorkloadConfig, ns: string): boolean {
  const entries = Object.entries(selector);
  return w.meta.namespace === ns && entries.length > 0 && entries.every(([k, v]) => w.podLabels[k] === v);
}

/** Largest replica count a workload reaches: its manifest, or a `scale` event aimed at it. */
function peakReplicas(s: Scenario, w: WorkloadConfig): number {
  let n = w.replicas;
  for (const e of s.events)
    if (e.action.kind === 'scale' && e.target === workloadKey(w)) n = Math.max(n, e.action.replicas);
  return n;
}

export function estimateScenarioSize(
  s: Scenario,
  config: MeshConfig,
  durationMs: number = s.durationMs,
): ScenarioSize {
  let pods = 0;
  let sidecarEndpointPairs = 0;
  let balancerBytes = 0;
  const sharedTables = new Map<ServiceConfig, number>();
  const viaGateway = gatewayDestinationServices(config);
  for (const w of config.workloads) {
    const n = peakReplicas(s, w);
    pods += n;
    const reached = endpointsReached(callsOf(s, workloadKey(w)), w.meta.namespace, s, config, sharedTables);
    sidecarEndpointPairs += n * reached.pairs;
    balancerBytes += n * reached.balancerBytes;
    // A gateway proxy reaches what the gateway-bound VirtualServices route to.
    if (isGatewayWorkload(config, w)) sidecarEndpointPairs += n * endpointsOf(viaGateway, s, config);
  }
  for (const g of s.traffic) {
    pods += g.replicas;
    // A client entering through a gateway has no sidecar of its own.
    if (g.gateway === undefined) {
      const reached = endpointsReached(g.requests, g.namespace, s, config, sharedTables);
      sidecarEndpointPairs += g.replicas * reached.pairs;
      balancerBytes += g.replicas * reached.balancerBytes;
    }
  }
  for (const bytes of sharedTables.values()) balancerBytes += bytes;
  const { f } = fanOut(s, config);
  let requests = 0;
  let upstream = 0;
  for (const g of s.traffic) {
    const n = clientRequests(g, durationMs);
    requests += n;
    upstream += n * generatorFanOut(g, config, f);
  }
  let maxF = 1;
  for (const v of f.values()) maxF = Math.max(maxF, v);
  const usedPairsAtMost = Math.min(sidecarEndpointPairs, Math.ceil(upstream));
  return {
    pods,
    sidecarEndpointPairs,
    usedPairsAtMost,
    memoryBytes:
      pods * BYTES_PER_POD +
      sidecarEndpointPairs * BYTES_PER_IDLE_PAIR +
      usedPairsAtMost * BYTES_PER_USED_PAIR +
      balancerBytes,
    balancerBytes,
    clientRequests: requests,
    fanOut: maxF,
    events: upstream * EVENTS_PER_UPSTREAM_REQUEST,
  };
}

/** ", 1.2 GiB of it in balancers that keep a Host per endpoint" when that share is worth naming. */
function balancerNote(size: ScenarioSize): string {
  if (size.balancerBytes < size.memoryBytes / 10) return '';
  return `, ${formatBytes(size.balancerBytes)} of it in load balancers that keep a host per endpoint (consistent hash, Maglev, warmup)`;
}

function generatorFanOut(g: LoadGeneratorSpec, config: MeshConfig, f: Map<string, number>): number {
  const total = g.requests.reduce((n, r) => n + r.weight, 0);
  if (total <= 0) return 1;
  let out = 0;
  // Through a gateway: one request costs the gateway's try plus the worst workload it can route to.
  const behindGateway =
    g.gateway === undefined ? undefined : workloadsOf(gatewayDestinationServices(config), config);
  for (const r of g.requests) {
    let worst = 1;
    for (const t of behindGateway ?? workloadsBehind(r.url, g.namespace, config))
      worst = Math.max(worst, f.get(t) ?? 1);
    out += (r.weight / total) * (behindGateway === undefined ? worst : 1 + worst);
  }
  return out;
}

function workloadsOf(services: readonly ServiceConfig[], config: MeshConfig): string[] {
  const out: string[] = [];
  for (const svc of services)
    for (const w of config.workloads)
      if (selectedBy(svc.selector, w, svc.meta.namespace)) out.push(workloadKey(w));
  return out;
}

function endpointsOf(services: readonly ServiceConfig[], s: Scenario, config: MeshConfig): number {
  let n = 0;
  for (const svc of services)
    for (const w of config.workloads)
      if (selectedBy(svc.selector, w, svc.meta.namespace)) n += peakReplicas(s, w);
  return n;
}

/**
 * MSIM2006 for each limit the scenario passes, positioned at its largest contributor. `durationMs`
 * lets a driver check an override (the CLI's --duration) against the same limits.
 */
export function checkScenarioSize(
  doc: SourceDocument,
  s: Scenario,
  config: MeshConfig,
  durationMs: number = s.durationMs,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const size = estimateScenarioSize(s, config, durationMs);
  const inScenario = (path: YamlPath): Where => ({
    file: doc.file,
    ...doc.locate(path),
    path: formatPath(path),
  });
  const report = (at: Where, message: string) =>
    out.push({
      severity: 'error',
      code: 'MSIM2006',
      message,
      file: at.file,
      line: at.line,
      column: at.column,
      kind: 'Scenario',
      name: s.name,
      ...(at.path !== undefined ? { path: at.path } : {}),
    });
  const biggest = biggestPodSource(s, config, inScenario);
  const need = `${formatCount(size.pods)} pods, ${formatCount(size.sidecarEndpointPairs)} (sidecar, endpoint) pairs, about ${formatBytes(size.memoryBytes)}`;
  for (const w of config.workloads) {
    const n = peakReplicas(s, w);
    if (n > LIMITS.maxReplicas)
      report(
        workloadReplicasAt(w, s, inScenario),
        `${workloadKey(w)} would run ${formatCount(n)} replicas; meshsim's limit is ${formatCount(LIMITS.maxReplicas)} per workload`,
      );
  }
  if (size.pods > LIMITS.maxPods)
    report(biggest, `the scenario needs ${need}; meshsim's limit is ${formatCount(LIMITS.maxPods)} pods`);
  else if (size.sidecarEndpointPairs > LIMITS.maxSidecarEndpointPairs)
    report(
      biggest,
      `the scenario needs ${need}; meshsim's limit is ${formatCount(LIMITS.maxSidecarEndpointPairs)} pairs`,
    );
  else if (size.memoryBytes > LIMITS.maxMemoryBytes)
    report(
      biggest,
      `the scenario needs ${need} (${formatCount(size.usedPairsAtMost)} pairs used at most${balancerNote(size)}); meshsim's limit is about ${formatBytes(LIMITS.maxMemoryBytes)}`,
    );
  const connections = s.traffic.reduce(
    (n, g) => n + (g.mode.kind === 'closed' ? g.mode.connections * g.replicas : 0),
    0,
  );
  if (connections > LIMITS.maxConnections)
    report(
      inScenario(['spec', 'traffic']),
      `the load generators open ${formatCount(connections)} closed-loop connections (connections x replicas); the limit is ${formatCount(LIMITS.maxConnections)}`,
    );
  if (size.fanOut > LIMITS.maxFanOut) {
    const { f, loop } = fanOut(s, config);
    const many =
      size.fanOut > FAN_OUT_CEILING
        ? `more than ${formatCount(FAN_OUT_CEILING)}`
        : `about ${formatCount(size.fanOut)}`;
    report(
      fanOutAt(s, f, inScenario),
      `one request would cause ${many} upstream requests through the apps' calls${loop ? ` (${loop} calls itself back: a loop that feeds itself never ends)` : ''}; the limit is ${formatCount(LIMITS.maxFanOut)}`,
    );
  } else if (size.clientRequests > LIMITS.maxClientRequests)
    report(
      biggestTrafficAt(s, durationMs, inScenario),
      `the load generators would send about ${formatCount(size.clientRequests)} requests in ${formatSeconds(durationMs)}; the limit is ${formatCount(LIMITS.maxClientRequests)} (shorten the duration or lower the rate)`,
    );
  else if (size.events > LIMITS.maxEvents)
    report(
      biggestTrafficAt(s, durationMs, inScenario),
      `the run would need about ${formatCount(size.events)} engine events (${formatCount(size.clientRequests)} requests, ${size.fanOut.toFixed(1)} upstream requests each); the limit is ${formatCount(LIMITS.maxEvents)}`,
    );
  return out;
}

function formatSeconds(ms: number): string {
  return `${formatCount(ms / 1000)} s`;
}

function workloadReplicasAt(w: WorkloadConfig, s: Scenario, inScenario: (p: YamlPath) => Where): Where {
  const i = s.events.findIndex(
    (e) => e.action.kind === 'scale' && e.target === workloadKey(w) && e.action.replicas > w.replicas,
  );
  if (i >= 0) return inScenario(['spec', 'events', i, 'scale', 'replicas']);
  const at = w.meta.positions?.['spec.replicas'];
  const src = w.meta.source;
  return at
    ? { file: src.file, line: at[0], column: at[1], path: 'spec.replicas' }
    : { file: src.file, line: src.line, column: src.column };
}

function biggestPodSource(s: Scenario, config: MeshConfig, inScenario: (p: YamlPath) => Where): Where {
  let best: Where = inScenario(['spec']);
  let most = -1;
  for (const w of config.workloads) {
    const n = peakReplicas(s, w);
    if (n > most) {
      most = n;
      best = workloadReplicasAt(w, s, inScenario);
    }
  }
  s.traffic.forEach((g, i) => {
    if (g.replicas > most) {
      most = g.replicas;
      best = inScenario(['spec', 'traffic', i, 'replicas']);
    }
  });
  return best;
}

function biggestTrafficAt(s: Scenario, durationMs: number, inScenario: (p: YamlPath) => Where): Where {
  let best = 0;
  let most = -1;
  s.traffic.forEach((g, i) => {
    const n = clientRequests(g, durationMs);
    if (n > most) {
      most = n;
      best = i;
    }
  });
  const g = s.traffic[best];
  const field = g?.mode.kind === 'closed' ? 'connections' : 'rate';
  return inScenario(['spec', 'traffic', best, field]);
}

/** The `calls` of the scenario workload that fans out most (or the defaults' calls). */
function fanOutAt(s: Scenario, f: Map<string, number>, inScenario: (p: YamlPath) => Where): Where {
  let best: string | undefined;
  for (const [key, b] of s.workloads)
    if (b.calls.length > 0 && (best === undefined || (f.get(key) ?? 1) > (f.get(best) ?? 1))) best = key;
  return inScenario(
    best === undefined ? ['spec', 'defaults', 'calls'] : ['spec', 'workloads', best, 'calls'],
  );
}

/**
 * For drivers that override the duration (the CLI's --duration): why that duration is refused for this
 * scenario, or undefined. The same limits as the scenario's own `duration`.
 */
export function durationOverrideProblem(
  s: Scenario,
  config: MeshConfig,
  durationMs: number,
): string | undefined {
  if (!Number.isFinite(durationMs) || durationMs <= 0) return 'the duration must be greater than 0';
  if (durationMs > LIMITS.maxDurationMs)
    return `a duration of ${formatSeconds(durationMs)} is above meshsim's limit of ${formatSeconds(LIMITS.maxDurationMs)}`;
  if (durationMs / s.seriesIntervalMs > LIMITS.maxSeriesBuckets)
    return `${formatSeconds(durationMs)} at a seriesInterval of ${s.seriesIntervalMs} ms needs more than ${formatCount(LIMITS.maxSeriesBuckets)} series buckets`;
  const none: SourceDocument = {
    file: s.file,
    index: 0,
    value: undefined,
    locate: () => ({ line: 0, column: 0 }),
  };
  const found = checkScenarioSize(none, s, config, durationMs);
  return found.length > 0 ? found.map((d) => d.message).join('; ') : undefined;
}
