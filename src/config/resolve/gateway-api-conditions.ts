/**
 * Route status as a user would read it (`kubectl get httproute -o yaml`, status.parents[].conditions),
 * as positioned diagnostics with Gateway API's reason names (istio pilot/pkg/config/kube/gateway
 * conditions.go createRouteStatus).
 */
import { type Code, severityOf } from '../codes.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourceRef } from '../types.js';
import type { RouteParentReference } from './gateway-api-parents.js';
import type { BackendProblem } from './gateway-api-rules.js';
import type { HTTPRouteConfig } from './gateway-api-types.js';

export type Res = { kind: string; namespace: string; name: string };

export function diag(code: Code, at: SourceRef, res: Res, message: string, path?: string): Diagnostic {
  const d: Diagnostic = {
    severity: severityOf(code),
    code,
    message,
    file: at.file,
    line: at.line,
    column: at.column,
    ...res,
  };
  if (path) d.path = path;
  return d;
}

type Denial = Exclude<NonNullable<RouteParentReference['denied']>['reason'], 'UnsupportedParent'>;
const RANK: Record<Denial, number> = {
  NotAllowedByListeners: 1,
  NoMatchingListenerHostname: 2,
  NoMatchingParent: 4,
};
const CODE_OF: Record<Denial, Code> = {
  NoMatchingParent: 'MSIM3121',
  NotAllowedByListeners: 'MSIM3122',
  NoMatchingListenerHostname: 'MSIM3123',
};

/** createRouteStatus: per parentRef, Accepted unless every section denies it (the least severe reason is shown). */
export function routeConditions(
  route: HTTPRouteConfig,
  parents: readonly RouteParentReference[],
  out: Diagnostic[],
): void {
  const who: Res = { kind: 'HTTPRoute', namespace: route.meta.namespace, name: route.meta.name };
  if (route.parentRefs.length === 0) {
    out.push(
      diag(
        'MSIM3131',
        route.meta.source,
        who,
        'HTTPRoute has no parentRefs: attached to nothing, it routes no traffic (add a Gateway or, for mesh traffic, a Service parentRef)',
      ),
    );
    return;
  }
  route.parentRefs.forEach((ref, i) => {
    const mine = parents.filter((p) => p.ref === ref);
    if (mine.length === 0 || mine.some((p) => p.denied === undefined)) return;
    if (mine[0]!.denied!.reason === 'UnsupportedParent') {
      // istiod ignores the reference and writes no status for it; say so, as information.
      out.push(
        diag(
          'MSIM3130',
          ref.source,
          who,
          `parentRef ${ref.group}/${ref.kind} ${ref.namespace}/${ref.name} is no kind istiod handles (Gateway, Service, ServiceEntry): it ignores the reference and writes no status for it (another controller may own it)`,
          `spec.parentRefs[${i}]`,
        ),
      );
      return;
    }
    const rank = (p: RouteParentReference) => RANK[p.denied!.reason as Denial];
    const best = Math.min(...mine.map(rank));
    const shown = mine.filter((p) => rank(p) === best);
    const reason = shown[0]!.denied!.reason as Denial;
    const message = [...new Set(shown.map((p) => p.denied!.message))].join('; ');
    out.push(
      diag(
        CODE_OF[reason],
        ref.source,
        who,
        `Accepted=False (${reason}) for parentRef ${ref.kind} ${ref.namespace}/${ref.name}: ${message}`,
        `spec.parentRefs[${i}]`,
      ),
    );
  });
}

const PROBLEM_CODE: Record<BackendProblem['reason'], Code> = {
  BackendNotFound: 'MSIM3124',
  RefNotPermitted: 'MSIM3125',
  InvalidKind: 'MSIM3126',
  InvalidFilter: 'MSIM3127',
  // Another hard conversion error (buildDestination's InvalidDestination): no routes either.
  InvalidDestination: 'MSIM3127',
};

/**
 * ResolvedRefs=False, once per reference: a backend's share of the requests is answered 500 (Gateway API
 * spec); an unsupported filter leaves the route without any generated routes.
 */
export function backendConditions(
  route: HTTPRouteConfig,
  list: readonly BackendProblem[],
  out: Diagnostic[],
): void {
  const who: Res = { kind: 'HTTPRoute', namespace: route.meta.namespace, name: route.meta.name };
  const seen = new Set<string>();
  for (const p of list) {
    const s = p.at;
    const key = `${s.line}:${s.column}:${p.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      diag(
        PROBLEM_CODE[p.reason],
        s,
        who,
        `ResolvedRefs=False (${p.reason}): ${p.message}; ${p.reason === 'InvalidFilter' || p.reason === 'InvalidDestination' ? 'istiod generates no routes for this HTTPRoute' : 'requests sent to it get 500'}`,
      ),
    );
  }
}
