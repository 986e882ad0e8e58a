/**
 * The user's Istio version and every behaviour that depends on it, from ONE table (issue #18).
 *
 * Modelled on istiod's compatibility profiles: `manifests/helm-profiles/compatibility-version-X.yaml`
 * lists, for an install that must behave like Istio X, the feature flags that restore X's behaviour
 * (compatibility-version-1.23.yaml: ENABLE_INBOUND_RETRY_POLICY, EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY;
 * compatibility-version-1.25..1.30.yaml: DISABLE_SHADOW_HOST_SUFFIX, DISABLE_TRACK_REMAINING_CB_METRICS,
 * PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS ...). Each row below is one change: the release line that brought
 * it, the profile field it sets, its value before and since, and where it was read. A version's profile
 * is the fold of every row (`istioProfile`), resolved once and handed to the config resolution and the
 * world; behaviour code reads the typed profile, never the version string.
 */

/** Supported release lines, oldest first; the newest is the default. */
export const ISTIO_VERSIONS = ['1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31'] as const;
export type IstioVersion = (typeof ISTIO_VERSIONS)[number];
export const DEFAULT_ISTIO_VERSION: IstioVersion = '1.31';

/**
 * The Envoy line each Istio line ships (istio/proxy follows Envoy's quarterly releases: 1.25 -> 1.33,
 * 1.29 -> 1.37, 1.30 -> 1.38 as istio.io's release announcements state; 1.31 follows Envoy 1.39, released
 * 2026-07-14, envoyproxy.io version history).
 */
export const ENVOY_VERSION: Readonly<Record<IstioVersion, string>> = {
  '1.24': '1.32',
  '1.25': '1.33',
  '1.26': '1.34',
  '1.27': '1.35',
  '1.28': '1.36',
  '1.29': '1.37',
  '1.30': '1.38',
  '1.31': '1.39',
};

/** How a sidecar's istiod reads Kubernetes `Service.spec.trafficDistribution`. */
export type TrafficDistributionSupport =
  /** Istio 1.24: sidecars ignore it (it only existed for ztunnel). */
  | 'ignored'
  /** 1.25, 1.26: `PreferClose` forces failover network/region/zone/subzone; other values are ignored. */
  | 'prefer-close'
  /** 1.27+: `PreferClose` = `PreferSameZone` (network/region/zone, no subzone); `PreferSameNode` adds subzone and node. */
  | 'prefer-same-zone-node';

/** The data-plane half of a profile: what every Envoy of the mesh does differently by version. */
export interface EnvoyBehaviour {
  readonly version: string;
  /** HTTP/2 `max_concurrent_streams` when the DR sets no `maxConcurrentStreams`. */
  readonly http2MaxConcurrentStreamsDefault: number;
  /** Which counter a `max_requests` overflow charges. */
  readonly maxRequestsOverflowCounter: 'upstream_rq_pending_overflow' | 'upstream_rq_active_overflow';
  /** istiod sets `track_remaining: true` on circuit-breaker thresholds: `circuit_breakers.*.remaining_*` gauges. */
  readonly trackRemaining: boolean;
  /** max_ejection_percent checked after the ejection (Envoy PR #27909); false: first ejection always allowed. */
  readonly strictMaxEjectionPercent: boolean;
}

export interface IstioProfile {
  readonly version: IstioVersion;
  readonly envoy: EnvoyBehaviour;
  /** EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY: the default retry policy has no retriable 503. */
  readonly excludeUnsafe503FromDefaultRetry: boolean;
  /** ENABLE_INBOUND_RETRY_POLICY: inbound routes retry `reset-before-request` twice. */
  readonly inboundRetryPolicy: boolean;
  readonly trafficDistribution: TrafficDistributionSupport;
  /** !DISABLE_SHADOW_HOST_SUFFIX: mirrored requests get `-shadow` appended to their Host. */
  readonly shadowHostSuffix: boolean;
  /** DR `retryBudget.percent` when unset (istiod cluster_traffic_policy.go applyRetryBudget). */
  readonly retryBudgetDefaultPercent: number;
  /** MeshConfig `defaultTrafficPolicy` is read (seeded below every DestinationRule). */
  readonly meshDefaultTrafficPolicy: boolean;
  /**
   * PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS: not-ready endpoints are pushed as unhealthy and the panic
   * threshold is 0 unless outlierDetection.minHealthPercent > 0.
   */
  readonly autoSendUnhealthyEndpoints: boolean;
}

type Field =
  | Exclude<keyof IstioProfile, 'version' | 'envoy'>
  | `envoy.${Exclude<keyof EnvoyBehaviour, 'version'>}`;

export interface VersionChange {
  /** The first release line with the new value. */
  readonly since: IstioVersion | '<1.24';
  readonly field: Field;
  readonly before: unknown;
  readonly after: unknown;
  /** The flag istiod's compatibility profiles flip, when there is one. */
  readonly flag?: string;
  readonly what: string;
  readonly source: string;
}

/** THE table: one row per version-sensitive behaviour (docs/fidelity/versions.md renders the same rows). */
export const VERSION_CHANGES: readonly VersionChange[] = [
  {
    since: '<1.24',
    field: 'envoy.strictMaxEjectionPercent',
    before: false,
    after: true,
    what: 'max_ejection_percent is checked after the ejection; the first ejection is no longer always allowed (Envoy 1.27, Istio 1.19)',
    source: 'Envoy PR #27909, source/extensions/clusters/common/outlier_detection_impl.cc ejectHost',
  },
  {
    since: '1.24',
    field: 'excludeUnsafe503FromDefaultRetry',
    flag: 'EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY',
    before: false,
    after: true,
    what: 'the default retry policy no longer retries 503',
    source: 'compatibility-version-1.23.yaml; pilot/pkg/networking/core/route/retry/retry.go DefaultPolicy',
  },
  {
    since: '1.24',
    field: 'inboundRetryPolicy',
    flag: 'ENABLE_INBOUND_RETRY_POLICY',
    before: false,
    after: true,
    what: 'inbound routes retry reset-before-request twice',
    source:
      'compatibility-version-1.23.yaml; route.go BuildDefaultHTTPInboundRoute, retry.go ConvertInboundPolicy',
  },
  {
    since: '1.25',
    field: 'trafficDistribution',
    before: 'ignored',
    after: 'prefer-close',
    what: 'Service trafficDistribution PreferClose forces locality failover (network, region, zone, subzone)',
    source: 'releasenotes traffic-distribution.yaml; loadbalancer.go (1.25.0) GetLocalityLbSetting',
  },
  {
    since: '1.27',
    field: 'trafficDistribution',
    before: 'prefer-close',
    after: 'prefer-same-zone-node',
    what: 'PreferSameZone and PreferSameNode; PreferClose = PreferSameZone (ignores subzone)',
    source: 'loadbalancer.go (1.27.0) GetLocalityLbSetting; model/service.go',
  },
  {
    since: '1.28',
    field: 'shadowHostSuffix',
    flag: 'DISABLE_SHADOW_HOST_SUFFIX',
    before: true,
    after: false,
    what: 'mirrored requests keep the original Host (no -shadow suffix)',
    source:
      'compatibility-version-1.27.yaml; pilot/pkg/features/pilot.go DisableShadowHostSuffix; releasenotes 57530.yaml',
  },
  {
    since: '1.28',
    field: 'envoy.http2MaxConcurrentStreamsDefault',
    before: 2 ** 31 - 1,
    after: 1024,
    what: 'HTTP/2 max_concurrent_streams default 1024 (Envoy 1.36), was 2^31-1',
    source:
      'Envoy 1.36.0 changelog, incompatible changes, http2 (runtime guard envoy.reloadable_features.safe_http2_options)',
  },
  {
    since: '1.29',
    field: 'envoy.trackRemaining',
    flag: 'DISABLE_TRACK_REMAINING_CB_METRICS',
    before: true,
    after: false,
    what: 'circuit-breaker remaining_* gauges no longer tracked',
    source: 'compatibility-version-1.28.yaml; releasenotes disable-track-remaining-cb-metrics.yaml',
  },
  {
    since: '1.27',
    field: 'retryBudgetDefaultPercent',
    before: 20,
    after: 0.2,
    what: 'DestinationRule retryBudget added; its default percent was 0.2 % by mistake',
    source: 'cluster_traffic_policy.go applyRetryBudget (1.27.0-1.29.0: Percent{Value: 0.2})',
  },
  {
    since: '1.30',
    field: 'retryBudgetDefaultPercent',
    before: 0.2,
    after: 20,
    what: 'retryBudget default percent fixed to 20 %',
    source: 'releasenotes retry-budget-percent.yaml (issue 59504); applyRetryBudget (1.30.0)',
  },
  {
    since: '1.30',
    field: 'envoy.maxRequestsOverflowCounter',
    before: 'upstream_rq_pending_overflow',
    after: 'upstream_rq_active_overflow',
    what: 'a max_requests overflow is counted in upstream_rq_active_overflow (Envoy 1.38)',
    source:
      'Envoy 1.38.0 changelog, minor behavior changes, conn_pool (envoyproxy/envoy PR #44164): ConnPoolImplBase::attachStreamToClient, runtime guard envoy.reloadable_features.skip_pending_overflow_count_on_active_rq (default true)',
  },
  {
    since: '1.31',
    field: 'meshDefaultTrafficPolicy',
    before: false,
    after: true,
    what: 'MeshConfig defaultTrafficPolicy seeded below every DestinationRule (and inbound clusters)',
    source: 'cluster_traffic_policy.go applyDefaultTrafficPolicy; MeshConfig reference',
  },
  {
    since: '1.31',
    field: 'autoSendUnhealthyEndpoints',
    flag: 'PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS',
    before: false,
    after: true,
    what: 'not-ready endpoints are sent (unhealthy) and the panic threshold is 0 unless minHealthPercent > 0',
    source: 'compatibility-version-1.30.yaml; pilot/pkg/features/experimental.go; releasenotes 60690.yaml',
  },
];

const BASE: Record<Field, unknown> = Object.fromEntries(
  VERSION_CHANGES.filter((c, i) => VERSION_CHANGES.findIndex((d) => d.field === c.field) === i).map((c) => [
    c.field,
    c.before,
  ]),
) as Record<Field, unknown>;

const lineIndex = (v: IstioVersion | '<1.24') => (v === '<1.24' ? -1 : ISTIO_VERSIONS.indexOf(v));

/** `version`'s profile: every row whose line is at or below it applies, in release order. */
export function istioProfile(
  version: IstioVersion,
  overrides: Partial<Record<Field, unknown>> = {},
): IstioProfile {
  const at = lineIndex(version);
  const v: Record<string, unknown> = { ...BASE };
  const ordered = [...VERSION_CHANGES].sort((a, b) => lineIndex(a.since) - lineIndex(b.since));
  for (const c of ordered) if (lineIndex(c.since) <= at) v[c.field] = c.after;
  Object.assign(v, overrides);
  return Object.freeze({
    version,
    envoy: Object.freeze({
      version: ENVOY_VERSION[version],
      http2MaxConcurrentStreamsDefault: v['envoy.http2MaxConcurrentStreamsDefault'] as number,
      maxRequestsOverflowCounter: v[
        'envoy.maxRequestsOverflowCounter'
      ] as EnvoyBehaviour['maxRequestsOverflowCounter'],
      trackRemaining: v['envoy.trackRemaining'] as boolean,
      strictMaxEjectionPercent: v['envoy.strictMaxEjectionPercent'] as boolean,
    }),
    excludeUnsafe503FromDefaultRetry: v.excludeUnsafe503FromDefaultRetry as boolean,
    inboundRetryPolicy: v.inboundRetryPolicy as boolean,
    trafficDistribution: v.trafficDistribution as TrafficDistributionSupport,
    shadowHostSuffix: v.shadowHostSuffix as boolean,
    retryBudgetDefaultPercent: v.retryBudgetDefaultPercent as number,
    meshDefaultTrafficPolicy: v.meshDefaultTrafficPolicy as boolean,
    autoSendUnhealthyEndpoints: v.autoSendUnhealthyEndpoints as boolean,
  });
}

const PROFILES = new Map<IstioVersion, IstioProfile>(ISTIO_VERSIONS.map((v) => [v, istioProfile(v)]));

export const DEFAULT_ISTIO_PROFILE: IstioProfile = PROFILES.get(DEFAULT_ISTIO_VERSION)!;

export function isIstioVersion(v: string): v is IstioVersion {
  return (ISTIO_VERSIONS as readonly string[]).includes(v);
}

/**
 * A version as users write it ("1.28", "1.28.2", "v1.28"): its release line's profile, or a problem
 * naming the supported lines. A YAML number (1.3 for "1.30") is refused with a hint to quote it.
 */
export function parseIstioVersion(
  raw: unknown,
): { ok: true; profile: IstioProfile } | { ok: false; message: string } {
  const supported = `supported: ${ISTIO_VERSIONS.join(', ')}`;
  if (typeof raw === 'number')
    return {
      ok: false,
      message: `expected the Istio version as a string, got the number ${raw} (quote it: "1.30" unquoted is 1.3); ${supported}`,
    };
  if (typeof raw !== 'string')
    return { ok: false, message: `expected an Istio version such as "1.31"; ${supported}` };
  const m = /^v?(\d+\.\d+)(\.\d+)?(-[\w.]+)?$/.exec(raw.trim());
  const line = m?.[1];
  if (line === undefined || !isIstioVersion(line))
    return { ok: false, message: `Istio version "${raw}" is not supported; ${supported}` };
  return { ok: true, profile: PROFILES.get(line)! };
}

/** The one-line statement `run` and `validate` print. */
export function describeIstioProfile(p: IstioProfile): string {
  return `Istio ${p.version} (Envoy ${p.envoy.version})`;
}

/** The profile a resolved config was loaded for (absent in hand-built configs: the newest line). */
export function istioOf(config: { readonly istio?: IstioProfile }): IstioProfile {
  return config.istio ?? DEFAULT_ISTIO_PROFILE;
}
