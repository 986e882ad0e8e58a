/**
 * Validated GatewayClass, Gateway and ReferenceGrant documents → their resolved configs, with the CRDs'
 * defaults applied (gateway-api.sigs.k8s.io API reference: Listener.allowedRoutes defaults to
 * `namespaces.from: Same`; GatewayTLSConfig.mode defaults to Terminate).
 */
import type { GatewayClassDoc, KubernetesGatewayDoc, ReferenceGrantDoc } from '../schema/gateway-api.js';
import type { ObjectMeta, SourceRef } from '../types.js';
import type {
  GatewayClassConfig,
  GatewayListener,
  KubernetesGatewayConfig,
  LabelSelectorConfig,
  ReferenceGrantConfig,
} from './gateway-api-types.js';

export function resolveGatewayClass(meta: ObjectMeta, doc: GatewayClassDoc): GatewayClassConfig {
  const out: GatewayClassConfig = { meta, controllerName: doc.spec.controllerName };
  if (doc.spec.description !== undefined) out.description = doc.spec.description;
  return out;
}

type ListenerDoc = KubernetesGatewayDoc['spec']['listeners'][number];
type SelectorDoc = NonNullable<
  NonNullable<NonNullable<ListenerDoc['allowedRoutes']>['namespaces']>['selector']
>;

export function resolveLabelSelector(s: SelectorDoc): LabelSelectorConfig {
  return {
    matchLabels: { ...(s.matchLabels ?? {}) },
    matchExpressions: (s.matchExpressions ?? []).map((e) => ({
      key: e.key,
      operator: e.operator,
      values: [...(e.values ?? [])],
    })),
  };
}

function resolveListener(l: ListenerDoc, source: SourceRef): GatewayListener {
  const ns = l.allowedRoutes?.namespaces;
  const out: GatewayListener = {
    name: l.name,
    port: l.port,
    protocol: l.protocol,
    allowedRoutes: {
      from: ns?.from ?? 'Same',
      ...(ns?.selector ? { selector: resolveLabelSelector(ns.selector) } : {}),
      kinds: (l.allowedRoutes?.kinds ?? []).map((k) => ({
        group: k.group ?? 'gateway.networking.k8s.io',
        kind: k.kind,
      })),
    },
    source,
  };
  if (l.hostname !== undefined) out.hostname = l.hostname.toLowerCase();
  if (l.tls) out.tlsMode = l.tls.mode ?? 'Terminate';
  return out;
}

export function resolveKubernetesGateway(
  meta: ObjectMeta,
  doc: KubernetesGatewayDoc,
  listenerSource: (i: number) => SourceRef,
): KubernetesGatewayConfig {
  const s = doc.spec;
  return {
    meta,
    gatewayClassName: s.gatewayClassName,
    listeners: s.listeners.map((l, i) => resolveListener(l, listenerSource(i))),
    // Address type defaults to IPAddress (GatewaySpecAddress.type).
    addresses: (s.addresses ?? []).map((a) => ({ type: a.type ?? 'IPAddress', value: a.value })),
    infrastructure: {
      labels: { ...(s.infrastructure?.labels ?? {}) },
      annotations: { ...(s.infrastructure?.annotations ?? {}) },
    },
  };
}

export function resolveReferenceGrant(meta: ObjectMeta, doc: ReferenceGrantDoc): ReferenceGrantConfig {
  return {
    meta,
    from: doc.spec.from.map((f) => ({ group: f.group, kind: f.kind, namespace: f.namespace })),
    to: doc.spec.to.map((t) => ({ group: t.group, kind: t.kind, ...(t.name ? { name: t.name } : {}) })),
  };
}
