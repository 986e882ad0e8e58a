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
  // --- Istio versions (config/istio-version*.ts): MSIM3100-3119
  MSIM3100: { severity: 'error', title: 'Unsupported Istio version' },
  MSIM3101: { severity: 'error', title: 'Field unknown to the chosen Istio version' },
  MSIM3102: { severity: 'warning', title: 'MeshConfig field ignored by the chosen Istio version' },
  MSIM3103: { severity: 'warning', title: 'trafficDistribution value ignored by the chosen Istio version' },
  MSIM3104: { severity: 'info', title: 'Field read and not simulated' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type Code = keyof typeof CODES;

export function severityOf(code: Code): Severity {
  return CODES[code].severity;
}
