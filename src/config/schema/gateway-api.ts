/**
 * Kubernetes Gateway API (gateway.networking.k8s.io v1, v1beta1: the same schema) GatewayClass, Gateway
 * and ReferenceGrant, field by field as the CRDs' OpenAPI schemas declare them (gateway-api.sigs.k8s.io,
 * API reference: "Gateway", "GatewayClass", "ReferenceGrant"). Field-local patterns and limits live here;
 * the CRDs' CEL rules (x-kubernetes-validations) are in validate/gateway-api*.ts. HTTPRoute is in
 * gateway-api-http-route.ts.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import { expected, int, list, nonEmpty, obj, oneOfEnum, str, stringMap } from './zod-helpers.js';

/** `Hostname` (shared types): a DNS-1123 subdomain with an optional leading `*.` label, max 253. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const hostname = () =>
  nonEmpty().refine((s) => s.length <= 253 && HOSTNAME.test(s), {
    error: (iss) =>
      `"${String(iss.input)}" is not a valid Gateway API hostname: lowercase DNS labels, optionally prefixed by "*." (no IP addresses, no port)`,
  });

/** `ObjectName` / `SectionName` (DNS-1123 subdomain, max 253). */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const objectName = () =>
  nonEmpty().refine((s) => s.length <= 253 && SUBDOMAIN.test(s), {
    error: (iss) =>
      `"${String(iss.input)}" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
  });

/** `Namespace` (DNS-1123 label, max 63). */
export const namespaceName = () =>
  nonEmpty().refine((s) => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s), {
    error: (iss) => `"${String(iss.input)}" is not a valid namespace name (DNS-1123 label)`,
  });

/** `Group`: empty (the core group) or a DNS subdomain. */
export const group = () =>
  str().refine((s) => s === '' || (s.length <= 253 && SUBDOMAIN.test(s)), {
    error: (iss) => `"${String(iss.input)}" is not a valid API group`,
  });

/** `Kind`: `^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`, max 63. */
export const kindName = () =>
  nonEmpty().refine((s) => s.length <= 63 && /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(s), {
    error: (iss) => `"${String(iss.input)}" is not a valid kind`,
  });

export const portNumber = () => int(1, 65535);

/**
 * GEP-2257 `Duration`: `^([0-9]{1,5}(h|m|s|ms)){1,4}$` (no fractions, no ns/us, at most four parts).
 * Returns milliseconds through `gatewayDurationMs`.
 */
const GEP2257 = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
export const gatewayDuration = () =>
  z
    .string({ error: (iss) => expected('a duration string such as "10s" (GEP-2257)', iss.input) })
    .refine((s) => GEP2257.test(s), {
      error: (iss) =>
        `"${String(iss.input)}" is not a Gateway API duration: up to four parts of 1-5 digits and a unit h, m, s or ms, e.g. "1m30s" or "500ms" (GEP-2257)`,
    });

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
/** A validated GEP-2257 duration in milliseconds. */
export function gatewayDurationMs(s: string): number {
  let total = 0;
  for (const m of s.matchAll(/([0-9]{1,5})(ms|h|m|s)/g)) total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
  return total;
}

/** `ParentReference` (shared types). */
export const parentReference = obj({
  group: group().optional(),
  kind: kindName().optional(),
  namespace: namespaceName().optional(),
  name: objectName(),
  sectionName: objectName().optional(),
  port: portNumber().optional(),
});

/** `BackendObjectReference`; HTTPBackendRef adds weight and filters (gateway-api-http-route.ts). */
export const backendObjectReference = {
  group: group().optional(),
  kind: kindName().optional(),
  name: objectName(),
  namespace: namespaceName().optional(),
  port: portNumber().optional(),
};

const labelSelector = obj({
  matchLabels: stringMap().optional(),
  matchExpressions: list(
    obj({
      key: nonEmpty(),
      operator: oneOfEnum(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const),
      values: list(str()).optional(),
    }),
  ).optional(),
});

export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'] as const;
/**
 * `ProtocolType` as the CRD's pattern accepts it: any RFC 1123 label-like name (the core names, or an
 * implementation's such as Istio's `HBONE` on every waypoint), or a domain-prefixed name
 * (gateway-api apis/v1/gateway_types.go ProtocolType kubebuilder:validation:Pattern).
 */
const protocolType = () =>
  nonEmpty().refine(
    (s) =>
      s.length <= 255 &&
      (/^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(s) ||
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/.test(s)),
    {
      error: (iss) =>
        `"${String(iss.input)}" is not a listener protocol: one of ${LISTENER_PROTOCOLS.join(', ')}, another name of letters, digits and '-' (such as Istio's HBONE), or a domain-prefixed name`,
    },
  );

const secretObjectReference = obj({
  group: group().optional(),
  kind: kindName().optional(),
  name: objectName(),
  namespace: namespaceName().optional(),
});

export const listener = obj({
  name: objectName(),
  hostname: hostname().optional(),
  port: portNumber(),
  protocol: protocolType(),
  tls: obj({
    mode: oneOfEnum(['Terminate', 'Passthrough'] as const).optional(),
    certificateRefs: list(secretObjectReference).max(64).optional(),
    frontendValidation: z.unknown().optional(),
    options: stringMap().optional(),
  }).optional(),
  allowedRoutes: obj({
    namespaces: obj({
      from: oneOfEnum(['All', 'Same', 'Selector'] as const).optional(),
      selector: labelSelector.optional(),
    }).optional(),
    kinds: list(obj({ group: group().optional(), kind: kindName() }))
      .max(8)
      .optional(),
  }).optional(),
});

export const gatewaySpec = obj({
  gatewayClassName: objectName(),
  listeners: list(listener).min(1, { error: 'a Gateway needs at least one listener' }).max(64),
  addresses: list(
    obj({
      type: nonEmpty().optional(),
      value: nonEmpty(),
    }),
  )
    .max(16)
    .optional(),
  infrastructure: obj({
    labels: stringMap().optional(),
    annotations: stringMap().optional(),
    parametersRef: z.unknown().optional(),
  }).optional(),
  backendTLS: z.unknown().optional(),
  allowedListeners: z.unknown().optional(),
});

export const kubernetesGateway = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: gatewaySpec,
  status: z.unknown().optional(),
});

export const gatewayClass = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    controllerName: nonEmpty(),
    parametersRef: z.unknown().optional(),
    description: str().optional(),
  }),
  status: z.unknown().optional(),
});

export const referenceGrant = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: obj({
    from: list(obj({ group: group(), kind: kindName(), namespace: namespaceName() }))
      .min(1)
      .max(16),
    to: list(obj({ group: group(), kind: kindName(), name: objectName().optional() }))
      .min(1)
      .max(16),
  }),
});

export type KubernetesGatewayDoc = z.infer<typeof kubernetesGateway>;
export type GatewayClassDoc = z.infer<typeof gatewayClass>;
export type ReferenceGrantDoc = z.infer<typeof referenceGrant>;
export type ListenerDoc = z.infer<typeof listener>;
export type ParentReferenceDoc = z.infer<typeof parentReference>;
