/**
 * One Gateway API document (GatewayClass, Gateway, HTTPRoute, ReferenceGrant) → diagnostics and, when it
 * has no errors, its resolved config. The API server validates these CRDs (OpenAPI schema + CEL rules),
 * not Istio's webhook, so problems carry meshsim's MSIM3120 rather than IST0106.
 */
import type { z } from 'zod';
import type { GatewayApiKind } from '../kinds.js';
import type { Reporter, ResourceContext } from '../report.js';
import { reportZodIssues, reporterFor, sourceOf } from '../report.js';
import { withoutInvalidParts } from '../prune.js';
import {
  gatewayClass,
  type GatewayClassDoc,
  kubernetesGateway,
  type KubernetesGatewayDoc,
  referenceGrant,
  type ReferenceGrantDoc,
} from '../schema/gateway-api.js';
import { httpRoute, type HTTPRouteDoc } from '../schema/gateway-api-http-route.js';
import type { ObjectMetaDoc } from '../schema/kubernetes.js';
import type { ObjectMeta } from '../types.js';
import { validateHTTPRouteSpec } from '../validate/gateway-api-http-route-rules.js';
import { validateKubernetesGatewaySpec } from '../validate/gateway-api-rules.js';
import { resolveGatewayClass, resolveKubernetesGateway, resolveReferenceGrant } from './gateway-api.js';
import { resolveHTTPRoute } from './gateway-api-http-route.js';
import type {
  GatewayClassConfig,
  HTTPRouteConfig,
  KubernetesGatewayConfig,
  ReferenceGrantConfig,
} from './gateway-api-types.js';

export type { GatewayApiKind };

export type LoadedGatewayApiResource =
  | { kind: 'KubernetesGateway'; value: KubernetesGatewayConfig }
  | { kind: 'GatewayClass'; value: GatewayClassConfig }
  | { kind: 'HTTPRoute'; value: HTTPRouteConfig }
  | { kind: 'ReferenceGrant'; value: ReferenceGrantConfig };

const SCHEMAS: Record<GatewayApiKind, z.ZodType> = {
  KubernetesGateway: kubernetesGateway,
  GatewayClass: gatewayClass,
  HTTPRoute: httpRoute,
  ReferenceGrant: referenceGrant,
};

export interface LoadHelpers {
  meta: (m: ObjectMetaDoc) => ObjectMeta;
  /** A reporter that skips paths the schema already rejected (load-resource.ts `besides`). */
  besides: (r: Reporter, issues: readonly z.core.$ZodIssue[]) => Reporter;
}

function crossFieldRules(r: Reporter, kind: GatewayApiKind, doc: unknown): void {
  if (kind === 'KubernetesGateway') validateKubernetesGatewaySpec(r, (doc as KubernetesGatewayDoc).spec);
  if (kind === 'HTTPRoute') validateHTTPRouteSpec(r, (doc as HTTPRouteDoc).spec);
}

export function loadGatewayApiResource(
  ctx: ResourceContext,
  kind: GatewayApiKind,
  value: unknown,
  helpers: LoadHelpers,
): LoadedGatewayApiResource | undefined {
  const r = reporterFor(ctx);
  const parsed = SCHEMAS[kind].safeParse(value);
  if (!parsed.success) {
    reportZodIssues(r, 'MSIM3120', parsed.error.issues);
    const cleaned = withoutInvalidParts(SCHEMAS[kind], value, parsed.error.issues);
    if (cleaned) crossFieldRules(helpers.besides(r, parsed.error.issues), kind, cleaned);
    return undefined;
  }
  const doc = parsed.data as { metadata: ObjectMetaDoc };
  if (!doc.metadata.name) {
    r.add('MSIM3120', ['metadata'], 'missing required field "name"');
    return undefined;
  }
  const before = ctx.diagnostics.length;
  crossFieldRules(r, kind, doc);
  if (ctx.diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined;
  const meta = helpers.meta(doc.metadata);
  switch (kind) {
    case 'GatewayClass':
      return { kind, value: resolveGatewayClass(meta, doc as GatewayClassDoc) };
    case 'KubernetesGateway':
      return {
        kind,
        value: resolveKubernetesGateway(meta, doc as KubernetesGatewayDoc, (i) =>
          sourceOf(ctx, ['spec', 'listeners', i]),
        ),
      };
    case 'HTTPRoute':
      return {
        kind,
        value: resolveHTTPRoute(meta, (doc as HTTPRouteDoc).spec, (p) => sourceOf(ctx, [...p])),
      };
    case 'ReferenceGrant':
      return { kind, value: resolveReferenceGrant(meta, doc as ReferenceGrantDoc) };
  }
}
