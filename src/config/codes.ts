import type { Severity } from './diagnostics.js';

/**
 * Every diagnostic code meshsim emits, with its level. IST codes and levels are Istio's own
 * (istio/istio pkg/config/analysis/msg/messages.yaml) so users recognise them; MSIM codes are meshsim's
 * and documented in docs/config.md. Codes are stable: never renumber, only add.
 */
export const CODES = {
  // --- input and YAML (yaml-source.ts, fs-loader.ts, load.ts)
  MSIM0000: { severity: 'error', title: 'Internal error' },
  MSIM0001: { severity: 'error', title: 'YAML syntax error' },
  MSIM0002: { severity: 'error', title: 'File too large' },
  MSIM0003: { severity: 'error', title: 'Binary file' },
  MSIM0004: { severity: 'warning', title: 'YAML warning' },
  MSIM0005: { severity: 'error', title: 'Nesting too deep' },
  MSIM0006: { severity: 'error', title: 'Alias expansion refused' },
  MSIM0007: { severity: 'error', title: 'Path unreadable' },
  MSIM0008: { severity: 'warning', title: 'No manifests in file' },
  MSIM0009: { severity: 'error', title: 'No manifests at all' },
  MSIM0010: { severity: 'error', title: 'Not a Kubernetes object' },
  MSIM0011: { severity: 'info', title: 'Kind not simulated' },
  MSIM0012: { severity: 'error', title: 'apiVersion does not serve kind' },
  MSIM0013: { severity: 'warning', title: 'Duplicate resource' },
  MSIM0014: { severity: 'error', title: 'Collection used as a key' },
  MSIM0015: { severity: 'error', title: 'Input over a limit' },
  // --- per-resource validation (validate/*, schema/*)
  IST0106: { severity: 'error', title: 'SchemaValidationError' },
  IST0133: { severity: 'warning', title: 'SchemaWarning' },
  IST0002: { severity: 'warning', title: 'Deprecated' },
  MSIM0100: { severity: 'error', title: 'Invalid Kubernetes resource' },
  MSIM0102: { severity: 'warning', title: 'Dotted short host' },
  // --- cross-resource analysis (analysis/*), Istio's analyzer codes
  IST0101: { severity: 'error', title: 'ReferencedResourceNotFound' },
  IST0109: { severity: 'error', title: 'ConflictingMeshGatewayVirtualServiceHosts' },
  IST0112: { severity: 'error', title: 'VirtualServiceDestinationPortSelectorRequired' },
  IST0118: { severity: 'info', title: 'PortNameIsNotUnderNamingConvention' },
  IST0130: { severity: 'warning', title: 'VirtualServiceUnreachableRule' },
  IST0131: { severity: 'info', title: 'VirtualServiceIneffectiveMatch' },
  IST0132: { severity: 'warning', title: 'VirtualServiceHostNotFoundInGateway' },
  IST0162: { severity: 'warning', title: 'GatewayPortNotDefinedOnService' },
  IST0173: { severity: 'error', title: 'DestinationRuleSubsetNotSelectPods' },
  IST0174: { severity: 'warning', title: 'UnknownDestinationRuleHost' },
  // --- meshsim's simulator-only insight
  MSIM1001: { severity: 'info', title: 'Weight-0 destination never receives traffic' },
  MSIM1002: { severity: 'warning', title: 'Weight of a single destination ignored' },
  MSIM1003: { severity: 'info', title: 'Weights do not sum to 100' },
  MSIM1010: { severity: 'warning', title: 'maxEjectionPercent can never eject' },
  MSIM1020: { severity: 'warning', title: 'Locality failover without outlier detection' },
  MSIM1030: { severity: 'warning', title: 'perTryTimeout never retried' },
  MSIM1031: { severity: 'warning', title: 'perTryTimeout not below the route timeout' },
  MSIM1040: { severity: 'warning', title: 'Rule shadowed by an earlier catch-all' },
  MSIM1050: { severity: 'info', title: 'DestinationRules merged' },
  MSIM1051: { severity: 'warning', title: 'Duplicate subset across merged DestinationRules' },
  MSIM1060: { severity: 'warning', title: 'Service selects no pods' },
  // --- ingress gateways (analysis/gateways.ts, config/resolve/gateway.ts)
  MSIM3000: { severity: 'warning', title: 'In-mesh callers bypass a gateway-only VirtualService' },
  MSIM3001: { severity: 'info', title: 'Gateway server not simulated' },
  // --- the server side (analysis/inbound-pools.ts)
  MSIM3020: { severity: 'info', title: 'Subset connectionPool does not apply server-side' },
  // --- delegate VirtualServices and request values (branch requests: MSIM3070-3089)
  MSIM3070: { severity: 'warning', title: 'Delegate rule dropped: match conflicts with the root' },
  MSIM3071: { severity: 'warning', title: 'Delegate not exported to the root namespace' },
  MSIM3072: { severity: 'info', title: 'Delegate VirtualService not referenced by any root' },
  // --- autoscaling: HorizontalPodAutoscaler (MSIM3200-3219)
  MSIM3200: { severity: 'warning', title: 'HPA scale target not found' },
  MSIM3201: { severity: 'warning', title: 'HPA metric not simulated' },
  MSIM3202: { severity: 'warning', title: 'HPA cpu utilization without cpu requests' },
  MSIM3203: { severity: 'error', title: 'Invalid sidecar.istio.io/proxyCPU quantity' },
  // CPU limits (config/scenario/cpu-demand.ts): from MSIM3210, clear of the HPA's own codes
  MSIM3210: { severity: 'warning', title: 'CPU limit below the steady CPU demand' },
  // --- views (describe, per-sidecar views): MSIM3090-3099
  MSIM3090: { severity: 'error', title: 'No such service or pod to describe' },
  MSIM3091: { severity: 'error', title: 'No such pod (--pod)' },
  // --- egress: ServiceEntry, Sidecar, MeshConfig (MSIM3040-3069)
  IST0110: { severity: 'error', title: 'ConflictingSidecarWorkloadSelectors' },
  IST0111: { severity: 'error', title: 'MultipleSidecarsWithoutWorkloadSelectors' },
  MSIM3040: { severity: 'error', title: 'Invalid MeshConfig' },
  MSIM3041: { severity: 'info', title: 'MeshConfig field not simulated' },
  MSIM3042: { severity: 'warning', title: 'MeshConfig given twice' },
  MSIM3043: { severity: 'info', title: 'ServiceEntry part not simulated' },
  MSIM3044: { severity: 'info', title: 'Sidecar part not simulated' },
  MSIM3045: { severity: 'warning', title: 'ConfigMap mesh key missing' },
  // --- Gateway API (gateway-api*.ts): MSIM3120-3139; reasons are Gateway API's condition reasons
  MSIM3120: { severity: 'error', title: 'Invalid Gateway API resource' },
  MSIM3121: { severity: 'warning', title: 'Route not Accepted: NoMatchingParent' },
  MSIM3122: { severity: 'warning', title: 'Route not Accepted: NotAllowedByListeners' },
  MSIM3123: { severity: 'warning', title: 'Route not Accepted: NoMatchingListenerHostname' },
  MSIM3124: { severity: 'warning', title: 'Route ResolvedRefs False: BackendNotFound' },
  MSIM3125: { severity: 'warning', title: 'Route ResolvedRefs False: RefNotPermitted' },
  MSIM3126: { severity: 'warning', title: 'Route ResolvedRefs False: InvalidKind' },
  MSIM3127: { severity: 'warning', title: 'Route ResolvedRefs False: InvalidFilter or InvalidDestination' },
  MSIM3128: { severity: 'warning', title: 'Gateway not Accepted: InvalidGatewayClass' },
  MSIM3129: { severity: 'warning', title: 'Listener not Accepted or Conflicted' },
  MSIM3130: { severity: 'info', title: 'Gateway API part not simulated' },
  MSIM3131: { severity: 'warning', title: 'HTTPRoute attached to nothing' },
  MSIM3132: { severity: 'info', title: 'Automated gateway deployment added' },
  // --- ambient mode (analysis/ambient.ts): MSIM3140-3159
  MSIM3140: { severity: 'warning', title: 'Waypoint used by no Service' },
  MSIM3141: { severity: 'warning', title: 'use-waypoint names a waypoint that does not exist' },
  MSIM3142: { severity: 'warning', title: 'Waypoint does not accept Service traffic' },
  MSIM3143: { severity: 'warning', title: 'L7 policy ignored for ambient clients: no waypoint' },
  MSIM3144: { severity: 'info', title: 'Sidecar injection wins over ambient enrolment' },
  MSIM3145: { severity: 'warning', title: 'Waypoint does not accept workload traffic' },
  MSIM3146: { severity: 'warning', title: 'DestinationRule workloadSelector picks only ambient pods' },
  MSIM3147: { severity: 'warning', title: 'Load balancing or TLS ignored for ambient clients: no waypoint' },
  // --- progressive delivery: Flagger Canary, Argo Rollouts (MSIM3160-3179)
  MSIM3160: { severity: 'error', title: 'Invalid Canary, Rollout or template' },
  MSIM3161: { severity: 'info', title: 'Progressive-delivery field not simulated' },
  MSIM3162: { severity: 'error', title: 'Progressive-delivery reference not found' },
  MSIM3163: { severity: 'error', title: 'Unsupported PromQL' },
  MSIM3164: { severity: 'error', title: 'Unsupported analysis condition' },
  MSIM3166: { severity: 'error', title: 'AnalysisTemplate argument unresolved' },
  MSIM3167: { severity: 'warning', title: 'Progressive-delivery strategy not simulated' },
  MSIM3168: { severity: 'warning', title: 'Rollout step not simulated' },
  MSIM3169: { severity: 'info', title: 'Rollout pauses until promoted by hand' },
  // --- calibrate: Prometheus data -> scenario (MSIM3180-3199, docs/calibration.md)
  MSIM3180: { severity: 'error', title: 'Exposition text syntax error' },
  MSIM3181: { severity: 'error', title: 'Not a Prometheus API response' },
  MSIM3182: { severity: 'error', title: 'Prometheus query failed' },
  MSIM3183: { severity: 'error', title: 'Calibration input over a limit' },
  MSIM3184: { severity: 'error', title: 'Counter totals need --window' },
  MSIM3185: { severity: 'warning', title: 'Series given twice' },
  MSIM3186: { severity: 'error', title: 'No usable request series' },
  MSIM3187: { severity: 'warning', title: 'Workload without a duration histogram' },
  MSIM3188: { severity: 'warning', title: 'Query result without series ignored' },
  MSIM3189: { severity: 'warning', title: 'The other reporter is used' },
  // --- Istio versions (config/istio-version*.ts): MSIM3100-3119
  MSIM3100: { severity: 'error', title: 'Unsupported Istio version' },
  MSIM3101: { severity: 'error', title: 'Field unknown to the chosen Istio version' },
  MSIM3102: { severity: 'warning', title: 'MeshConfig field ignored by the chosen Istio version' },
  MSIM3103: { severity: 'warning', title: 'trafficDistribution value ignored by the chosen Istio version' },
  MSIM3104: { severity: 'info', title: 'Field read and not simulated' },
  MSIM3105: { severity: 'info', title: "zoneAwareLbSetting needs the proxies' local cluster" },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type Code = keyof typeof CODES;

export function severityOf(code: Code): Severity {
  return CODES[code].severity;
}
