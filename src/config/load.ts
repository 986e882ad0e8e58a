/**
 * `loadManifests`: YAML texts → resolved MeshConfig + positioned diagnostics. Pure (no fs), so it also
 * runs in the browser. Never throws: every failure, including a bug of ours, becomes a diagnostic.
 */
import { DEFAULT_ISTIO_PROFILE, type IstioProfile } from './istio-version.js';
import { type Code, severityOf } from './codes.js';
import type { Diagnostic } from './diagnostics.js';
import { isListKind, isMeshsimDocument, isSimulatedKind, SERVED, simulatedKindName } from './kinds.js';
import { gatewayApiResourcesOf, withGatewayApi } from './resolve/gateway-api-collect.js';
import { type LoadedResource, loadResource } from './load-resource.js';
import { isIstioConfigMap, readIstioConfigMap } from './resolve/mesh-config-map.js';
import type { ResourceContext } from './report.js';
import {
  mergeDelegateVirtualServices,
  type VirtualServiceSource,
} from './resolve/virtual-service-delegate.js';
import type { IstioMeshConfig } from './resolve/mesh-config.js';
import {
  expandProgressiveDelivery,
  isProgressiveDeliveryResource,
  rolloutReferenceDiagnostics,
  withProgressiveDelivery,
} from './resolve/rollout-expand.js';
import type {
  DestinationRuleConfig,
  GatewayConfig,
  MeshConfig,
  NamespaceConfig,
  ObjectMeta,
  ServiceConfig,
  ServiceEntryConfig,
  SidecarConfig,
  HorizontalPodAutoscalerConfig,
  WorkloadConfig,
} from './types.js';
import { parseYamlDocuments, type SourceDocument, type YamlPath } from './yaml-source.js';

export interface ManifestInput {
  file: string;
  text: string;
}

interface Counts {
  objects: number;
  documents: number;
}

class Collector {
  readonly resources: LoadedResource[] = [];
  readonly serviceEntryHosts: { host: string; namespace: string }[] = [];
  /** File texts, for positions inside embedded YAML (the istio ConfigMap's `mesh` key). */
  readonly texts = new Map<string, string>();
  istioMeshConfig: IstioMeshConfig | undefined;
  constructor(readonly istio: IstioProfile) {}
  private readonly index = new Map<string, number>();

  /** kubectl-apply semantics for a repeated kind/namespace/name: the later one replaces the earlier. */
  add(res: LoadedResource, ctx: ResourceContext): void {
    const meta = res.value.meta;
    const key = `${res.kind}/${meta.namespace}/${meta.name}`;
    const at = this.index.get(key);
    if (at === undefined) {
      this.index.set(key, this.resources.length);
      this.resources.push(res);
      return;
    }
    const prev = this.resources[at]!.value.meta.source;
    push(
      ctx.diagnostics,
      'MSIM0013',
      ctx.doc,
      ctx.base,
      `${ctx.kind} ${meta.namespace}/${meta.name} is defined again (first at ${prev.file}:${prev.line}); the later definition replaces the earlier one, as kubectl apply would`,
      ctx,
    );
    this.resources[at] = res;
  }
}

function push(
  out: Diagnostic[],
  code: Code,
  doc: SourceDocument,
  path: YamlPath,
  message: string,
  res?: Pick<ResourceContext, 'kind' | 'namespace' | 'name'>,
): void {
  const pos = doc.locate(path);
  const d: Diagnostic = { severity: severityOf(code), code, message, file: doc.file, ...pos };
  if (res) Object.assign(d, { kind: res.kind, namespace: res.namespace, name: res.name });
  out.push(d);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function handleValue(
  doc: SourceDocument,
  base: YamlPath,
  value: unknown,
  acc: Collector,
  out: Diagnostic[],
  counts: Counts,
): void {
  if (value === null || value === undefined) return;
  counts.documents++;
  if (!isObject(value) || value instanceof Date) {
    push(
      out,
      'MSIM0010',
      doc,
      base,
      `not a Kubernetes object: expected a mapping with apiVersion and kind, got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
    );
    return;
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion === 'string' && isMeshsimDocument(apiVersion)) return;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    const missing = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
    push(out, 'MSIM0010', doc, base, `not a Kubernetes object: missing or invalid "${missing}"`);
    return;
  }
  const meta = isObject(value.metadata) ? value.metadata : {};
  const res = {
    kind,
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default',
  };
  if (isListKind(kind)) {
    if (!Array.isArray(value.items)) {
      push(out, 'MSIM0010', doc, [...base, 'items'], `${kind}: "items" must be a list of objects`);
      return;
    }
    value.items.forEach((item, i) => {
      handleValue(doc, [...base, 'items', i], item, acc, out, counts);
    });
    return;
  }
  counts.objects++;
  if (isIstioConfigMap(kind, apiVersion, res)) {
    const mc = readIstioConfigMap(doc, base, value, acc.texts.get(doc.file) ?? '', out, acc.istio);
    if (mc) acc.istioMeshConfig = mc;
    return;
  }
  const simKind = simulatedKindName(kind, apiVersion);
  if (!isSimulatedKind(simKind)) {
    push(out, 'MSIM0011', doc, base, `${kind} (${apiVersion}) is not simulated: parsed and ignored`, res);
    return;
  }
  if (!SERVED[simKind].includes(apiVersion)) {
    push(
      out,
      'MSIM0012',
      doc,
      [...base, 'apiVersion'],
      `apiVersion "${apiVersion}" does not serve kind ${kind} (use ${SERVED[simKind].join(', ')})`,
      res,
    );
    return;
  }
  const ctx: ResourceContext = { doc, base, ...res, diagnostics: out, istio: acc.istio };
  let loaded: LoadedResource | undefined;
  try {
    loaded = loadResource(ctx, simKind, apiVersion, value);
  } catch (e) {
    push(
      out,
      'MSIM0000',
      doc,
      base,
      `internal error while loading this resource (please report it): ${(e as Error)?.message ?? String(e)}`,
      res,
    );
    return;
  }
  if (loaded) acc.add(loaded, ctx);
}

/** Istio's precedence among same-host resources: creation time, then (for us) load order. */
function byCreation<T extends { meta: ObjectMeta } | { value: { meta: ObjectMeta } }>(items: T[]): T[] {
  const metaOf = (x: T) => ('meta' in x ? x.meta : x.value.meta);
  return items
    .map((v, i) => ({ v, i }))
    .sort((a, b) => {
      const ta = metaOf(a.v).creationTimestamp;
      const tb = metaOf(b.v).creationTimestamp;
      if (ta !== undefined && tb !== undefined && ta !== tb) return ta < tb ? -1 : 1;
      if ((ta === undefined) !== (tb === undefined)) return ta === undefined ? 1 : -1;
      return a.i - b.i;
    })
    .map((x) => x.v);
}

export function loadManifests(
  inputs: readonly ManifestInput[],
  /** `istio`: the version the manifests are checked and resolved for (default: the newest line). */
  opts: { istio?: IstioProfile } = {},
): {
  config: MeshConfig;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const acc = new Collector(opts.istio ?? DEFAULT_ISTIO_PROFILE);
  const total: Counts = { objects: 0, documents: 0 };
  for (const input of inputs) {
    const counts: Counts = { objects: 0, documents: 0 };
    try {
      const text = typeof input.text === 'string' ? input.text : '';
      acc.texts.set(input.file, text);
      const parsed = parseYamlDocuments(text, input.file);
      diagnostics.push(...parsed.diagnostics);
      for (const doc of parsed.documents) handleValue(doc, [], doc.value, acc, diagnostics, counts);
      if (counts.documents === 0 && !parsed.diagnostics.some((d) => d.severity === 'error'))
        diagnostics.push({
          severity: severityOf('MSIM0008'),
          code: 'MSIM0008',
          message: 'file contains no Kubernetes objects (it is empty or only comments)',
          file: input.file,
          line: 0,
          column: 0,
        });
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'MSIM0000',
        message: `internal error while reading this file (please report it): ${(e as Error)?.message ?? String(e)}`,
        file: input.file,
        line: 0,
        column: 0,
      });
    }
    total.objects += counts.objects;
    total.documents += counts.documents;
  }
  // Flagger's and Argo Rollouts' generated objects, loaded like manifests (resolve/rollout-expand.ts).
  const progressive = expandProgressiveDelivery(acc.resources, diagnostics);
  for (const g of progressive?.generated ?? []) {
    const parsed = parseYamlDocuments(g.text, g.file);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents)
      handleValue(doc, [], doc.value, acc, diagnostics, { objects: 0, documents: 0 });
  }
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  if (inputs.length > 0 && total.objects === 0 && total.documents === 0 && !hasErrors)
    diagnostics.push({
      severity: severityOf('MSIM0009'),
      code: 'MSIM0009',
      message: 'no Kubernetes or Istio manifests found in the given input',
      file: inputs[0]!.file,
      line: 0,
      column: 0,
    });
  const services: ServiceConfig[] = [];
  const workloads: WorkloadConfig[] = [];
  const namespaces: NamespaceConfig[] = [];
  const virtualServices: VirtualServiceSource[] = [];
  const destinationRules: DestinationRuleConfig[] = [];
  const gateways: GatewayConfig[] = [];
  const serviceEntries: ServiceEntryConfig[] = [];
  const sidecars: SidecarConfig[] = [];
  const hpas: HorizontalPodAutoscalerConfig[] = [];
  for (const r of acc.resources) {
    if (r.kind === 'KubernetesGateway' || r.kind === 'GatewayClass' || r.kind === 'HTTPRoute') continue;
    if (r.kind === 'ReferenceGrant') continue;
    if (r.kind === 'HorizontalPodAutoscaler') {
      hpas.push(r.value);
      continue;
    }
    if (isProgressiveDeliveryResource(r)) continue;
    if (r.kind === 'Gateway') {
      gateways.push(r.value);
      continue;
    }
    if (r.kind === 'Service') services.push(r.value);
    else if (r.kind === 'Workload') workloads.push(r.value);
    else if (r.kind === 'Namespace') namespaces.push(r.value);
    else if (r.kind === 'VirtualService') virtualServices.push(r);
    else if (r.kind === 'ServiceEntry') serviceEntries.push(r.value);
    else if (r.kind === 'Sidecar') sidecars.push(r.value);
    else destinationRules.push(r.value);
  }
  for (const se of serviceEntries)
    for (const host of se.hosts) acc.serviceEntryHosts.push({ host, namespace: se.meta.namespace });
  const loaded: MeshConfig = {
    services,
    workloads,
    namespaces,
    virtualServices: mergeDelegateVirtualServices(byCreation(virtualServices), acc.istio),
    destinationRules: byCreation(destinationRules),
    serviceEntryHosts: acc.serviceEntryHosts,
    serviceEntries: byCreation(serviceEntries),
    sidecars: byCreation(sidecars),
    istio: acc.istio,
  };
  if (gateways.length > 0) Object.assign(loaded, { gateways });
  const gatewayApi = gatewayApiResourcesOf(acc.resources);
  if (gatewayApi) loaded.gatewayApi = gatewayApi;
  if (hpas.length > 0) Object.assign(loaded, { horizontalPodAutoscalers: byCreation(hpas) });
  if (acc.istioMeshConfig) loaded.istioMeshConfig = acc.istioMeshConfig;
  const config = withProgressiveDelivery(loaded, progressive);
  if (progressive) diagnostics.push(...rolloutReferenceDiagnostics(config));
  if (gatewayApi) return withGatewayApi(config, gatewayApi, diagnostics);
  return { config, diagnostics };
}
