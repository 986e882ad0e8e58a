import {
  type Distribution,
  formatDurationMs,
  LogNormal,
  parseDistribution,
  parseDurationMs,
} from '../../engine/index.js';
import { type Diagnostic, formatPath } from '../diagnostics.js';
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import { formatCount, LIMITS } from '../limits.js';
import { didYouMean } from '../suggest.js';
import { resolveIstioMeshConfig } from '../resolve/mesh-config.js';
import { meshConfigSchema } from '../schema/mesh-config.js';
import type { SourceDocument, YamlPath } from '../yaml-source.js';
import { resolveRequestValues } from './request-values.js';
import { DEFAULT_PROXY_CPU_PER_REQUEST_MS, NO_CPU, resolveCpu, resolveHpaController } from './autoscaling.js';
import { type BehaviourDocument, type ScenarioDocument, scenarioSchema } from './schema.js';
import type {
  ChaosEvent,
  DownstreamCall,
  ExternalBehaviour,
  LoadGeneratorSpec,
  RateSchedule,
  Scenario,
  WorkloadBehaviour,
  ZoneSpec,
} from './types.js';

/** Scenario diagnostic codes (docs/scenario.md). */
export const SCENARIO_CODES = {
  MSIM2001: 'Scenario schema error',
  MSIM2002: 'Invalid value',
  MSIM2003: 'Unknown zone',
  MSIM2004: 'Event has no action',
  MSIM2006: 'Scenario over a limit',
  MSIM3080: 'Invalid request value generator',
} as const;

interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  errors?: readonly (readonly SchemaIssue[])[];
}

/**
 * A value that matches no option of a union ("Invalid input") is reported with the problems of the
 * option it came closest to (one that failed inside the value, not on its type): `{values: {count: x}}`
 * reports `count`, `{valuez: ...}` the unknown field, not the whole value.
 */
function withUnionDetail(issues: readonly SchemaIssue[]): SchemaIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !issue.errors) return [issue];
    const closest = issue.errors.find((o) =>
      o.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
    );
    if (!closest) return [issue];
    return withUnionDetail(closest).map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
  });
}

// Defaults, each with its reason (docs/scenario.md "Defaults").
/** Per sidecar hop; two hops give ~1.7 ms p90, Istio's published figure for client+server proxies (istio.io, Performance and Scalability). */
/**
 * How long the mesh may drain after the load stops (spec.drainTimeout). 60 s: well past the timeouts that
 * do end requests by default (Envoy's 10 s connect timeout as Istio sets it, typical client timeouts of a
 * few seconds), so an ordinary run drains completely; Istio disables the route timeout by default, so a
 * hung upstream would otherwise keep requests open for ever.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;
export const DEFAULT_SIDECAR_LATENCY = LogNormal.fromMedianP99(0.45, 2);
/**
 * Per ztunnel hop: a fraction of a sidecar's (ztunnel copies bytes and terminates mTLS, it parses no HTTP;
 * istio.io "Performance and Scalability" measures ztunnel far cheaper than a sidecar). meshsim's default.
 */
export const DEFAULT_ZTUNNEL_LATENCY = LogNormal.fromMedianP99(0.1, 0.5);
const DEFAULT_NETWORK = {
  sameZone: LogNormal.fromMedianP99(0.1, 0.5),
  crossZone: LogNormal.fromMedianP99(0.5, 2),
  crossRegion: LogNormal.fromMedianP99(30, 45),
};
/** An external host the scenario does not describe: a well-provisioned API 20 ms away in service time. */
export const DEFAULT_EXTERNAL: ExternalBehaviour = {
  concurrency: 1000,
  queueLimit: 0,
  latency: LogNormal.fromMedianP99(20, 100),
  errors: [],
  addresses: 1,
};
export const DEFAULT_BEHAVIOUR: WorkloadBehaviour = {
  concurrency: 64,
  cpu: NO_CPU,
  queueLimit: 0,
  latency: LogNormal.fromMedianP99(5, 50),
  errors: [],
  calls: [],
  callMode: 'sequential',
  zones: [],
};

/**
 * Resolves one Scenario document: structure via the zod schema, then every duration, rate and
 * distribution with a positioned diagnostic on failure. Never throws. `scenario` is undefined only when
 * the structure is wrong.
 */
/** `istio`: the version the load assumes (istio-version-scenario.ts); it shapes `spec.meshConfig`. */
export function parseScenario(
  doc: SourceDocument,
  istio: IstioProfile = DEFAULT_ISTIO_PROFILE,
): {
  scenario: Scenario | undefined;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const name = nameOf(doc.value);
  const report = (path: YamlPath, code: keyof typeof SCENARIO_CODES, message: string, key = false) => {
    const pos = doc.locate(path, { key });
    diagnostics.push({
      severity: 'error',
      code,
      message,
      file: doc.file,
      ...pos,
      kind: 'Scenario',
      name,
      path: formatPath(path),
    });
  };
  const parsed = scenarioSchema.safeParse(doc.value);
  if (!parsed.success) {
    for (const issue of withUnionDetail(parsed.error.issues as readonly SchemaIssue[])) {
      const path = issue.path as (string | number)[];
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys ?? []) {
          const hint = didYouMean(k, knownKeys(doc.value, path));
          report(
            [...path, k],
            'MSIM2001',
            `unknown field "${k}"${hint ? `; did you mean "${hint}"?` : ''}`,
            true,
          );
        }
      } else {
        report(path, 'MSIM2001', issue.message);
      }
    }
    return { scenario: undefined, diagnostics };
  }
  // With value errors the scenario is still returned (bad values replaced by defaults) so cross-checks
  // can report everything in one pass; callers must not run it while `diagnostics` has errors.
  const r = new Resolver(parsed.data, report, istio);
  const scenario = r.scenario(doc.file);
  const slo = parsed.data.spec.slo;
  if (slo !== undefined) {
    scenario.slo = slo.map((e, i) => {
      const assert = typeof e === 'string' ? e : e.assert;
      const path = typeof e === 'string' ? ['spec', 'slo', i] : ['spec', 'slo', i, 'assert'];
      return {
        name: typeof e === 'string' ? e : (e.name ?? e.assert),
        assert,
        file: doc.file,
        ...doc.locate(path),
      };
    });
  }
  return { scenario, diagnostics };
}

function nameOf(v: unknown): string | undefined {
  const n = (v as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof n === 'string' ? n : undefined;
}

/** Field names that exist at `path` in the schema, for did-you-mean (read from the zod shape). */
function knownKeys(_value: unknown, path: readonly (string | number)[]): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal shape for suggestions only
  let s: any = scenarioSchema;
  for (const seg of path) {
    while (s?.def?.innerType) s = s.def.innerType;
    if (typeof seg === 'number') s = s?.def?.element;
    else if (s?.shape) s = s.shape[seg];
    else if (s?.def?.valueType) s = s.def.valueType;
    else return [];
  }
  while (s?.def?.innerType) s = s.def.innerType;
  if (s?.def?.element) s = s.def.element;
  return s?.shape ? Object.keys(s.shape) : [];
}

type Report = (path: YamlPath, code: keyof typeof SCENARIO_CODES, message: string) => void;

class Resolver {
  constructor(
    private readonly d: ScenarioDocument,
    private readonly report: Report,
    private readonly istio: IstioProfile,
  ) {}

  scenario(file: string): Scenario {
    const s = this.d.spec;
    const sp: YamlPath = ['spec'];
    const zones = this.zones();
    const zoneNames = zones.map((z) => z.name);
    const defaults = s.defaults
      ? this.behaviour(s.defaults, [...sp, 'defaults'], DEFAULT_BEHAVIOUR, zoneNames)
      : DEFAULT_BEHAVIOUR;
    const workloads = new Map<string, WorkloadBehaviour>();
    for (const [key, b] of Object.entries(s.workloads ?? {})) {
      workloads.set(key, this.behaviour(b, [...sp, 'workloads', key], defaults, zoneNames));
    }
    const durationMs = this.positiveDuration(s.duration, [...sp, 'duration']);
    const warmupMs = s.warmup === undefined ? 0 : this.duration(s.warmup, [...sp, 'warmup']);
    if (durationMs > 0 && warmupMs >= durationMs)
      this.report(
        [...sp, 'warmup'],
        'MSIM2002',
        `warmup ${fmtMs(warmupMs)} is not shorter than the duration ${fmtMs(durationMs)}: nothing would be measured (a warm-up is discarded)`,
      );
    const seriesIntervalMs =
      s.seriesInterval === undefined
        ? 1000
        : this.positiveDuration(s.seriesInterval, [...sp, 'seriesInterval']);
    this.seriesBuckets(durationMs, seriesIntervalMs, s.seriesInterval !== undefined);
    return {
      name: this.d.metadata.name,
      file,
      manifests: s.manifests ?? [],
      durationMs,
      warmupMs,
      drainTimeoutMs:
        s.drainTimeout === undefined
          ? DEFAULT_DRAIN_TIMEOUT_MS
          : this.duration(s.drainTimeout, [...sp, 'drainTimeout']),
      seed: s.seed ?? 1,
      seriesIntervalMs,
      zones,
      network: {
        sameZone: this.dist(s.network?.sameZone, [...sp, 'network', 'sameZone'], DEFAULT_NETWORK.sameZone),
        crossZone: this.dist(
          s.network?.crossZone,
          [...sp, 'network', 'crossZone'],
          DEFAULT_NETWORK.crossZone,
        ),
        crossRegion: this.dist(
          s.network?.crossRegion,
          [...sp, 'network', 'crossRegion'],
          DEFAULT_NETWORK.crossRegion,
        ),
      },
      sidecar: {
        latency: this.dist(s.sidecar?.latency, [...sp, 'sidecar', 'latency'], DEFAULT_SIDECAR_LATENCY),
        // Istio's historical default proxy concurrency (istio-agent derives it from the CPU limit when set).
        concurrency: s.sidecar?.concurrency ?? 2,
        cpuPerRequestMs: this.durationOr(
          s.sidecar?.cpuPerRequest,
          [...sp, 'sidecar', 'cpuPerRequest'],
          DEFAULT_PROXY_CPU_PER_REQUEST_MS,
        ),
      },
      ambient: {
        nodesPerZone: s.ambient?.nodesPerZone ?? 1,
        ztunnelLatency: this.dist(
          s.ambient?.ztunnelLatency,
          [...sp, 'ambient', 'ztunnelLatency'],
          DEFAULT_ZTUNNEL_LATENCY,
        ),
        waypointReplicas: s.ambient?.waypointReplicas ?? 1,
      },
      kubernetes: {
        readinessDelayMs:
          s.kubernetes?.readinessDelay === undefined
            ? 2000
            : this.duration(s.kubernetes.readinessDelay, [...sp, 'kubernetes', 'readinessDelay']),
        startupDelayMs:
          s.kubernetes?.startupDelay === undefined
            ? 5000
            : this.duration(s.kubernetes.startupDelay, [...sp, 'kubernetes', 'startupDelay']),
        hpa: resolveHpaController(s.kubernetes?.hpa, [...sp, 'kubernetes', 'hpa'], this.durationOr),
      },
      workloads,
      defaultBehaviour: defaults,
      traffic: s.traffic.map((t, i) => this.loadGenerator(t, [...sp, 'traffic', i], zoneNames)),
      events: (s.events ?? []).map((e, i) => this.event(e, [...sp, 'events', i], zoneNames)),
      ...this.egress(file),
    };
  }

  /** `spec.external` and `spec.meshConfig` (docs/scenario.md). */
  private egress(file: string): Pick<Scenario, 'external' | 'meshConfig'> {
    const s = this.d.spec;
    const out: Pick<Scenario, 'external' | 'meshConfig'> = {};
    if (s.external) {
      const m = new Map<string, ExternalBehaviour>();
      for (const [host, b] of Object.entries(s.external)) {
        const path: YamlPath = ['spec', 'external', host];
        const errors = b.errors ?? [];
        const total = errors.reduce((t, e) => t + e.rate, 0);
        if (total > 1 + 1e-9)
          this.report(
            [...path, 'errors'],
            'MSIM2002',
            `error rates add up to ${total}; they must not exceed 1`,
          );
        const e: ExternalBehaviour = {
          concurrency: b.concurrency ?? DEFAULT_EXTERNAL.concurrency,
          queueLimit: b.queueLimit ?? 0,
          latency: this.dist(b.latency, [...path, 'latency'], DEFAULT_EXTERNAL.latency),
          errors,
          addresses: b.addresses ?? 1,
        };
        if (b.network !== undefined)
          e.network = this.dist(b.network, [...path, 'network'], DEFAULT_EXTERNAL.latency);
        m.set(host.toLowerCase(), e);
      }
      out.external = m;
    }
    if (s.meshConfig) {
      const r = meshConfigSchema.safeParse(s.meshConfig);
      if (!r.success)
        for (const issue of r.error.issues)
          this.report(
            ['spec', 'meshConfig', ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')],
            'MSIM2002',
            issue.message,
          );
      else out.meshConfig = resolveIstioMeshConfig(r.data, { file, line: 0, column: 0 }, this.istio);
    }
    return out;
  }

  /** Each series holds duration / seriesInterval buckets: bounded before any is allocated. */
  private seriesBuckets(durationMs: number, intervalMs: number, explicit: boolean): void {
    const path: YamlPath = ['spec', explicit ? 'seriesInterval' : 'duration'];
    if (explicit && intervalMs > 0 && intervalMs < LIMITS.minSeriesIntervalMs)
      this.report(
        path,
        'MSIM2006',
        `seriesInterval ${fmtMs(intervalMs)} is below meshsim's limit of ${fmtMs(LIMITS.minSeriesIntervalMs)}`,
      );
    else if (durationMs > 0 && intervalMs > 0 && durationMs / intervalMs > LIMITS.maxSeriesBuckets)
      this.report(
        path,
        'MSIM2006',
        `${fmtMs(durationMs)} at a seriesInterval of ${fmtMs(intervalMs)} needs ${formatCount(Math.ceil(durationMs / intervalMs))} series buckets; the limit is ${formatCount(LIMITS.maxSeriesBuckets)} (use a seriesInterval of at least ${fmtMs(Math.ceil(durationMs / LIMITS.maxSeriesBuckets))})`,
      );
  }

  private zones(): ZoneSpec[] {
    const z = this.d.spec.zones;
    if (z === undefined || Object.keys(z).length === 0)
      return [{ name: 'zone-a', region: 'region-a', subZone: '' }];
    return Object.entries(z).map(([name, v]) => ({ name, region: v.region, subZone: v.subZone ?? '' }));
  }

  private checkZones(zones: readonly string[], path: YamlPath, known: readonly string[]): void {
    zones.forEach((z, i) => {
      if (!known.includes(z)) {
        const hint = didYouMean(z, known);
        this.report(
          [...path, i],
          'MSIM2003',
          `unknown zone "${z}"; spec.zones has ${known.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
      }
    });
  }

  private behaviour(
    b: BehaviourDocument,
    path: YamlPath,
    base: WorkloadBehaviour,
    zones: readonly string[],
  ): WorkloadBehaviour {
    if (b.zones) this.checkZones(b.zones, [...path, 'zones'], zones);
    const errors = b.errors ?? base.errors;
    const total = errors.reduce((s, e) => s + e.rate, 0);
    if (total > 1 + 1e-9)
      this.report([...path, 'errors'], 'MSIM2002', `error rates add up to ${total}; they must not exceed 1`);
    return {
      concurrency: b.concurrency ?? base.concurrency,
      cpu: resolveCpu(b.cpu, [...path, 'cpu'], base.cpu, this.durationOr, (p, m) =>
        this.report(p, 'MSIM2002', m),
      ),
      queueLimit: b.queueLimit ?? base.queueLimit,
      latency: this.dist(b.latency, [...path, 'latency'], base.latency),
      errors,
      calls: b.calls ? b.calls.map((c, i) => this.call(c, [...path, 'calls', i])) : base.calls,
      callMode: b.callMode ?? base.callMode,
      zones: b.zones ?? base.zones,
    };
  }

  /** Only the fields a `set` event names, so the rest of the workload keeps its behaviour. */
  private patch(b: BehaviourDocument, path: YamlPath, zones: readonly string[]): Partial<WorkloadBehaviour> {
    const full = this.behaviour(b, path, DEFAULT_BEHAVIOUR, zones);
    const out: Partial<WorkloadBehaviour> = {};
    for (const k of Object.keys(b) as (keyof WorkloadBehaviour)[])
      (out as Record<string, unknown>)[k] = full[k];
    return out;
  }

  private call(c: NonNullable<BehaviourDocument['calls']>[number], path: YamlPath): DownstreamCall {
    this.url(c.url, [...path, 'url']);
    return {
      url: c.url,
      method: c.method ?? 'GET',
      headers: stringHeaders(c.headers),
      probability: c.probability ?? 1,
      timeoutMs: c.timeout === undefined ? 0 : this.duration(c.timeout, [...path, 'timeout']),
      onFailure: c.onFailure ?? 'propagate',
    };
  }

  private url(u: string, path: YamlPath): void {
    if (!/^https?:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(u)) {
      this.report(
        path,
        'MSIM2002',
        `"${u}" is not an http URL such as http://reviews.production:9080/reviews`,
      );
    }
  }

  private loadGenerator(
    t: ScenarioDocument['spec']['traffic'][number],
    path: YamlPath,
    zones: readonly string[],
  ): LoadGeneratorSpec {
    if (t.zones) this.checkZones(t.zones, [...path, 'zones'], zones);
    if ((t.rate === undefined) === (t.connections === undefined)) {
      this.report(
        path,
        'MSIM2002',
        'a load generator needs exactly one of rate (open loop) or connections (closed loop)',
      );
    }
    t.requests.forEach((r, i) => {
      this.url(r.url, [...path, 'requests', i, 'url']);
    });
    // As Istio's validateRouteDestinations refuses a total weight of 0: no request could ever be chosen.
    if (t.requests.every((r) => r.weight === 0))
      this.report(
        [...path, 'requests'],
        'MSIM2002',
        `every request of load generator "${t.name}" has weight 0: at least one needs a weight above 0`,
      );
    const mode: LoadGeneratorSpec['mode'] =
      t.connections !== undefined
        ? { kind: 'closed', connections: t.connections, qps: t.qps ?? 0 }
        : { kind: 'open', rate: this.rateSchedule(t.rate ?? 0, [...path, 'rate']) };
    return {
      name: t.name,
      namespace: t.namespace ?? 'default',
      replicas: t.replicas ?? 1,
      labels: t.labels ?? { app: t.name },
      zones: t.zones ?? [],
      mode,
      count: t.count ?? 0,
      timeoutMs: t.timeout === undefined ? 0 : this.duration(t.timeout, [...path, 'timeout']),
      startMs: t.start === undefined ? 0 : this.duration(t.start, [...path, 'start']),
      requests: t.requests.map((r, i) => ({
        weight: r.weight ?? 1,
        method: r.method ?? 'GET',
        url: r.url,
        ...resolveRequestValues(r, [...path, 'requests', i], (p, m) => this.report(p, 'MSIM3080', m)),
      })),
      ...(t.gateway !== undefined ? { gateway: t.gateway } : {}),
    };
  }

  private rateSchedule(
    r: NonNullable<ScenarioDocument['spec']['traffic'][number]['rate']>,
    path: YamlPath,
  ): RateSchedule {
    if (typeof r === 'string' || typeof r === 'number')
      return { kind: 'constant', perSecond: this.rate(r, path) };
    if ('steps' in r) {
      return {
        kind: 'steps',
        steps: r.steps.map((s, i) => ({
          atMs: this.duration(s.at, [...path, 'steps', i, 'at']),
          perSecond: this.rate(s.rate, [...path, 'steps', i, 'rate']),
        })),
      };
    }
    return {
      kind: 'ramp',
      fromPerSecond: this.rate(r.ramp.from, [...path, 'ramp', 'from']),
      toPerSecond: this.rate(r.ramp.to, [...path, 'ramp', 'to']),
      overMs: this.positiveDuration(r.ramp.over, [...path, 'ramp', 'over']),
      startMs: r.ramp.start === undefined ? 0 : this.duration(r.ramp.start, [...path, 'ramp', 'start']),
    };
  }

  private event(
    e: NonNullable<ScenarioDocument['spec']['events']>[number],
    path: YamlPath,
    zones: readonly string[],
  ): ChaosEvent {
    const base = {
      atMs: this.duration(e.at, [...path, 'at']),
      forMs: e.for === undefined ? 0 : this.duration(e.for, [...path, 'for']),
    };
    const actions: ChaosEvent['action'][] = [];
    if (e.set) actions.push({ kind: 'set', patch: this.patch(e.set, [...path, 'set'], zones) });
    if (e.crash) actions.push({ kind: 'crash', pods: e.crash.pods ?? 1 });
    if (e.crashContainer) actions.push({ kind: 'crash-container', pods: e.crashContainer.pods ?? 1 });
    if (e.removeEndpoints) actions.push({ kind: 'remove-endpoints', pods: e.removeEndpoints.pods ?? 1 });
    if (e.scale) actions.push({ kind: 'scale', replicas: e.scale.replicas });
    if (e.zone !== undefined && e.down) {
      this.checkZones([e.zone], [...path, 'zone'], zones);
      actions.push({ kind: 'zone-down', zone: e.zone });
    }
    if (e.zones !== undefined && e.delay !== undefined) {
      this.checkZones(e.zones, [...path, 'zones'], zones);
      actions.push({
        kind: 'delay',
        zones: [e.zones[0]!, e.zones[1]!],
        extraMs: this.duration(e.delay, [...path, 'delay']),
      });
    }
    if (actions.length !== 1) {
      this.report(
        path,
        'MSIM2004',
        'an event needs exactly one action: set, crash, crashContainer, removeEndpoints, scale, {zone, down: true} or {zones, delay}',
      );
      return { ...base, action: { kind: 'scale', replicas: 0 } };
    }
    const action = actions[0]!;
    const needsTarget =
      action.kind === 'set' ||
      action.kind === 'crash' ||
      action.kind === 'crash-container' ||
      action.kind === 'remove-endpoints' ||
      action.kind === 'scale';
    if (needsTarget && e.target === undefined)
      this.report(path, 'MSIM2004', `a ${action.kind} event needs a target (namespace/name of a Deployment)`);
    const ev: ChaosEvent = { ...base, action };
    if (e.target !== undefined) ev.target = e.target;
    return ev;
  }

  /**
   * Durations as Go's time.ParseDuration reads them (engine/duration.ts), a unit required as in the
   * manifests, and at most LIMITS.maxDurationMs. A bad value reports and resolves to 0.
   */
  /** A duration at `path`, or `defaultMs` when absent (an arrow: handed to scenario/autoscaling.ts). */
  private readonly durationOr = (
    raw: string | number | undefined,
    path: YamlPath,
    defaultMs: number,
  ): number => (raw === undefined ? defaultMs : this.duration(raw, path));

  private duration(raw: string | number, path: YamlPath): number {
    return this.checkedDuration(raw, path) ?? 0;
  }

  /** undefined when the value was refused (already reported). */
  private checkedDuration(raw: string | number, path: YamlPath): number | undefined {
    if (typeof raw === 'number') {
      const n = String(raw);
      this.report(
        path,
        'MSIM2002',
        Number.isFinite(raw) && raw >= 0 && Math.abs(raw) < 1e15
          ? `a duration needs a unit: ${n}s? (write "${n}s" or "${n}ms"; a bare number is refused)`
          : `expected a duration with a unit such as "60s", got the number ${n}`,
      );
      return undefined;
    }
    const d = parseDurationMs(raw);
    if (!d.ok) {
      this.report(path, 'MSIM2002', d.message);
      return undefined;
    }
    if (d.value > LIMITS.maxDurationMs) {
      this.report(
        path,
        'MSIM2006',
        `${JSON.stringify(raw)} is above meshsim's limit of ${fmtMs(LIMITS.maxDurationMs)} for any scenario duration`,
      );
      return undefined;
    }
    return d.value;
  }

  private positiveDuration(raw: string | number, path: YamlPath): number {
    const v = this.checkedDuration(raw, path);
    if (v === undefined) return 0;
    if (v <= 0) this.report(path, 'MSIM2002', 'must be greater than 0');
    return v;
  }

  private rate(raw: string | number, path: YamlPath): number {
    let perSecond: number | undefined;
    if (typeof raw === 'number') {
      if (raw >= 0 && Number.isFinite(raw)) perSecond = raw;
    } else {
      const m = /^\s*(\d{1,30}(?:\.\d{1,30})?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(raw);
      if (m) perSecond = Number(m[1]) / ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
    }
    if (perSecond !== undefined) {
      if (perSecond <= LIMITS.maxRatePerSecond) return perSecond;
      this.report(
        path,
        'MSIM2006',
        `a rate of ${formatCount(perSecond)}/s is above meshsim's limit of ${formatCount(LIMITS.maxRatePerSecond)}/s per load generator`,
      );
      return 0;
    }
    this.report(
      path,
      'MSIM2002',
      `expected a rate such as 1000, "1000/s" or "60/m", got ${JSON.stringify(raw)}`,
    );
    return 0;
  }

  private dist(raw: unknown, path: YamlPath, fallback: Distribution): Distribution {
    if (raw === undefined) return fallback;
    const r = parseDistribution(raw);
    if (r.value !== undefined) return r.value;
    for (const issue of r.issues) this.report([...path, ...issue.path], 'MSIM2002', issue.message);
    return fallback;
  }
}

/** Durations in messages, as users write them. */
function fmtMs(ms: number): string {
  if (ms > 0 && ms < 0.001) return `${+(ms * 1e6).toFixed(3)}ns`;
  if (ms > 0 && ms < 1) return `${+(ms * 1000).toFixed(3)}us`;
  return formatDurationMs(ms);
}

function stringHeaders(h: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}
