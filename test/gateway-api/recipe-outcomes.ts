import type { EnvoyObserver } from '../../src/envoy/index.js';
import type { Result } from '../../src/run/index.js';
import { runModel } from '../support/run-model.js';

/**
 * What a run routed, independent of cluster names (a VirtualService routes to a DestinationRule subset, an
 * HTTPRoute to a per-version Service): upstream tries counted by client sidecar, destination workload, try
 * kind (first try, retry, mirror) and status; the same by pod; the codes each client got; requests each
 * workload served. Per pod the two versions agree only when they use the same cluster: a sidecar's load
 * balancer draws from the stream `lb/<sidecar>/<cluster name>`, and `outbound|9080|v1|reviews...` is another
 * name than `outbound|9080||reviews-v1...`, so which pod of a version serves a request differs (the counts
 * per version do not).
 */
export interface RoutingOutcome {
  /** `<client pod> -> <workload> <try|retry|mirror> <status>` → tries. */
  readonly tries: Record<string, number>;
  /** `<client pod> -> <pod> <try|retry|mirror> <status>` → tries. */
  readonly byPod: Record<string, number>;
  /** Every measured try, in order (copied: the observer's event may be reused). */
  readonly events: readonly {
    timeMs: number;
    sidecar: string;
    pod: string;
    attempt: number;
    status: number;
  }[];
  readonly clientCodes: Record<string, Record<string, number>>;
  readonly served: Record<string, number>;
  readonly result: Result;
}

/** `reviews-v1-ds86q-0` → `reviews-v1`: a Deployment's pods are `<deployment>-<hash>-<index>`. */
const workloadOf = (pod: string) => pod.replace(/-[a-z0-9]+-\d+$/, '');

const kind = (attempt: number) => (attempt === 0 ? 'mirror' : attempt === 1 ? 'try' : 'retry');

export async function routingOutcome(path: string): Promise<RoutingOutcome> {
  const tries: Record<string, number> = {};
  const byPod: Record<string, number> = {};
  const events: { timeMs: number; sidecar: string; pod: string; attempt: number; status: number }[] = [];
  const observer: EnvoyObserver = {
    onRequestComplete() {},
    onEjection() {},
    onUnejection() {},
    onUpstreamAttempt(e) {
      if (!e.measured) return;
      const what = `${kind(e.attempt)} ${e.status}`;
      const key = `${e.sidecar} -> ${workloadOf(e.pod)} ${what}`;
      tries[key] = (tries[key] ?? 0) + 1;
      const podKey = `${e.sidecar} -> ${e.pod} ${what}`;
      byPod[podKey] = (byPod[podKey] ?? 0) + 1;
      events.push({ timeMs: e.timeMs, sidecar: e.sidecar, pod: e.pod, attempt: e.attempt, status: e.status });
    },
  };
  const result = await runModel(path, { observer });
  return {
    tries,
    byPod,
    events,
    clientCodes: Object.fromEntries(result.clients.map((c) => [c.name, c.byStatus])),
    served: Object.fromEntries(result.workloads.map((w) => [w.workload, w.served])),
    result,
  };
}

/** Sum of the counts whose key matches `re` (`tries` by default). */
export function count(o: RoutingOutcome, re: RegExp, by: 'tries' | 'byPod' = 'tries'): number {
  let n = 0;
  for (const [k, v] of Object.entries(o[by])) if (re.test(k)) n += v;
  return n;
}

/**
 * Two runs whose random draws diverge (every pod's network latency comes from one `network` stream, so a
 * different pod pick anywhere reorders all later draws) agree on a rate, not on counts: the difference of
 * two binomial counts of n trials has standard deviation sqrt(2·n·p·(1-p)); z = 4.5 as binomialBand.
 */
export function sameRateBand(n: number, p: number, z = 4.5): number {
  return z * Math.sqrt(2 * n * p * (1 - p));
}
