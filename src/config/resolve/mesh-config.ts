/**
 * Istio's MeshConfig as meshsim simulates it: the `istio` ConfigMap in istio-system, key `mesh`, a YAML
 * string (Istio pkg/config/mesh/mesh.go ApplyMeshConfig reads it over DefaultMeshConfig), or a scenario's
 * `spec.meshConfig`. Not to be confused with `MeshConfig` in types.ts, which is meshsim's whole resolved
 * input. Defaults are Istio's (pkg/config/mesh/mesh.go DefaultMeshConfig) and owned here.
 */
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from '../istio-version.js';
import type { Code } from '../codes.js';
import { severityOf } from '../codes.js';
import {
  DEFAULTS,
  ms,
  resolveConnectionPool,
  resolveLoadBalancer,
  resolveOutlierDetection,
} from '../defaults.js';
import type { Diagnostic } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import { translateRetries } from '../retry-policy.js';
import { type MeshConfigDoc, meshConfigSchema, TYPED_MESH_FIELDS } from '../schema/mesh-config.js';
import type {
  ConnectionPoolSettings,
  LocalityLbSetting,
  OutboundTrafficMode,
  OutlierDetectionSettings,
  RetryPolicy,
  SourceRef,
} from '../types.js';
import { parseYamlDocuments, type YamlPath } from '../yaml-source.js';

export interface IstioMeshConfig {
  /** `outboundTrafficPolicy.mode`: ALLOW_ANY (Istio's default) or REGISTRY_ONLY. */
  outboundTrafficPolicy: OutboundTrafficMode;
  /**
   * `defaultTrafficPolicy` (Istio 1.31): blocks seeded below every DestinationRule's top-level policy, per
   * block (Istio cluster_traffic_policy.go applyDefaultTrafficPolicy); the connection pool also caps the
   * PassthroughCluster (cluster_builder.go buildDefaultPassthroughCluster).
   */
  defaultTrafficPolicy: {
    connectionPool?: ConnectionPoolSettings;
    outlierDetection?: OutlierDetectionSettings;
  };
  /** `localityLbSetting`, used where a DestinationRule sets none (loadbalancer.go GetEffectiveLbSetting). */
  localityLbSetting?: LocalityLbSetting;
  /** `connectTimeout`: every cluster's connect timeout unless its DestinationRule sets one (default 10s). */
  connectTimeoutMs: number;
  /** `enableAutoMtls` (default true). NOTE: simplification: mesh hops always use mTLS in meshsim. */
  enableAutoMtls: boolean;
  /**
   * `defaultHttpRetryPolicy` as Envoy's retry policy (null = attempts 0: no retries); undefined when not
   * set. Replaces istiod's built-in default on every route without `retries` (Istio route.go
   * TranslateRoute "No VS policy set, use mesh defaults", BuildDefaultHTTPOutboundRoute).
   */
  defaultHttpRetryPolicy?: RetryPolicy | null;
  /** `rootNamespace` (default istio-system): where a Sidecar without selector is the mesh-wide default. */
  rootNamespace: string;
  /** `defaultConfig.concurrency`, parsed only: the scenario's `spec.sidecar.concurrency` sets the workers. */
  concurrency?: number;
  /**
   * `defaultConfig.proxyMetadata.ISTIO_META_ENABLE_SELF_DISCOVERY` (Istio 1.31): every sidecar gets a
   * `local_cluster` (its own Service's endpoints in its region and workload), which Envoy's zone-aware
   * routing needs (zoneAwareLbSetting reference, istio.io; istio/istio PR #60765). Parsed as Go's
   * strconv.ParseBool.
   */
  selfDiscovery?: true;
  /** Where it was read from (undefined for the defaults). */
  source?: SourceRef;
}

export const DEFAULT_ISTIO_MESH_CONFIG: IstioMeshConfig = Object.freeze({
  outboundTrafficPolicy: 'ALLOW_ANY',
  defaultTrafficPolicy: Object.freeze({}),
  connectTimeoutMs: DEFAULTS.connectTimeoutMs,
  enableAutoMtls: true,
  rootNamespace: 'istio-system',
}) as IstioMeshConfig;

/** `profile`: before Istio 1.31 `defaultTrafficPolicy` is not part of MeshConfig and is dropped (MSIM3102). */
export function resolveIstioMeshConfig(
  doc: MeshConfigDoc,
  source?: SourceRef,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): IstioMeshConfig {
  const out: IstioMeshConfig = {
    // ALLOW_ANY_DYNAMIC_DNS passes unknown hosts through too (via a dynamic forward proxy).
    outboundTrafficPolicy:
      doc.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
    defaultTrafficPolicy: {},
    connectTimeoutMs: ms(doc.connectTimeout, DEFAULTS.connectTimeoutMs),
    enableAutoMtls: doc.enableAutoMtls ?? true,
    rootNamespace: doc.rootNamespace || 'istio-system',
  };
  const dtp = profile.meshDefaultTrafficPolicy ? doc.defaultTrafficPolicy : undefined;
  if (dtp?.connectionPool)
    out.defaultTrafficPolicy.connectionPool = resolveConnectionPool(dtp.connectionPool);
  if (dtp?.outlierDetection)
    out.defaultTrafficPolicy.outlierDetection = resolveOutlierDetection(dtp.outlierDetection);
  if (doc.localityLbSetting)
    out.localityLbSetting = resolveLoadBalancer({ localityLbSetting: doc.localityLbSetting }).locality;
  if (doc.defaultHttpRetryPolicy)
    out.defaultHttpRetryPolicy = translateRetries(doc.defaultHttpRetryPolicy, profile);
  const c = doc.defaultConfig?.concurrency;
  if (c !== undefined && c > 0) out.concurrency = c;
  const sd = doc.defaultConfig?.proxyMetadata?.ISTIO_META_ENABLE_SELF_DISCOVERY;
  if (sd !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(sd)) out.selfDiscovery = true;
  if (source) out.source = source;
  return out;
}

/** Where the embedded text sits in the outer file: inner line 1 column 1 maps to (line, column). */
export interface TextOrigin {
  file: string;
  line: number;
  column: number;
  /** Resource attribution for the diagnostics. */
  kind: string;
  namespace: string;
  name: string;
  /** Path of the string in its resource (`data.mesh`), prefixed to the inner paths. */
  path: YamlPath;
}

/**
 * Parses a MeshConfig YAML string (the ConfigMap's `mesh` value) with diagnostics positioned in the outer
 * file: a block scalar's inner line N is the outer line `origin.line + N - 1`, its columns shifted by the
 * block's indentation. Never throws; returns undefined when the text has errors.
 */
export function parseMeshConfigText(
  text: string,
  origin: TextOrigin,
  profile: IstioProfile = DEFAULT_ISTIO_PROFILE,
): { value: IstioMeshConfig | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (p: { line: number; column: number }) => ({
    line: origin.line + Math.max(1, p.line) - 1,
    column: origin.column + Math.max(1, p.column) - 1,
  });
  const push = (code: Code, p: { line: number; column: number }, message: string, path: YamlPath) => {
    const d: Diagnostic = {
      severity: severityOf(code),
      code,
      message,
      file: origin.file,
      ...at(p),
      kind: origin.kind,
      namespace: origin.namespace,
      name: origin.name,
    };
    const full = formatPath([...origin.path, ...path]);
    if (full) d.path = full;
    diagnostics.push(d);
  };
  const parsed = parseYamlDocuments(text, origin.file);
  for (const d of parsed.diagnostics) push('MSIM3040', d, `MeshConfig YAML: ${d.message}`, []);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { value: undefined, diagnostics };
  const doc = parsed.documents[0];
  const value = doc?.value ?? {};
  const locate = (path: YamlPath, key = false) => doc?.locate(path, { key }) ?? { line: 1, column: 1 };
  const result = meshConfigSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys')
        issue.message.split('\n').forEach((m, i) => {
          const k = issue.keys[i] ?? '';
          push('MSIM3040', locate([...path, k], true), m, [...path, k]);
        });
      else push('MSIM3040', locate(path), issue.message, path);
    }
    return { value: undefined, diagnostics };
  }
  const data = result.data;
  for (const k of Object.keys(data))
    if (!TYPED_MESH_FIELDS.has(k))
      push('MSIM3041', locate([k], true), `MeshConfig field "${k}" is parsed and not simulated`, [k]);
  if (data.outboundTrafficPolicy?.mode === 'ALLOW_ANY_DYNAMIC_DNS')
    push(
      'MSIM3041',
      locate(['outboundTrafficPolicy', 'mode']),
      'ALLOW_ANY_DYNAMIC_DNS is simulated as ALLOW_ANY (unknown hosts pass through; the dynamic forward proxy is not modelled)',
      ['outboundTrafficPolicy', 'mode'],
    );
  if (data.defaultConfig?.concurrency !== undefined)
    push(
      'MSIM3041',
      locate(['defaultConfig', 'concurrency'], true),
      "defaultConfig.concurrency is parsed and not simulated: the scenario's spec.sidecar.concurrency sets the proxy workers",
      ['defaultConfig', 'concurrency'],
    );
  if (data.enableAutoMtls === false)
    push(
      'MSIM3041',
      locate(['enableAutoMtls'], true),
      'enableAutoMtls: false is parsed and not simulated: mesh connections still pay the mTLS handshake',
      ['enableAutoMtls'],
    );
  if (data.defaultTrafficPolicy !== undefined && !profile.meshDefaultTrafficPolicy)
    push('MSIM3102', locate(['defaultTrafficPolicy'], true), meshDefaultTrafficPolicyIgnored(profile), [
      'defaultTrafficPolicy',
    ]);
  const source = { file: origin.file, line: origin.line, column: origin.column };
  return { value: resolveIstioMeshConfig(data, source, profile), diagnostics };
}

/** MSIM3102's message, shared by the ConfigMap and the scenario's spec.meshConfig. */
export function meshDefaultTrafficPolicyIgnored(profile: IstioProfile): string {
  return `MeshConfig defaultTrafficPolicy was added in Istio 1.31: Istio ${profile.version} ignores it (no mesh-wide connectionPool/outlierDetection baseline)`;
}
