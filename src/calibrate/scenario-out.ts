import { formatDurationMs } from '../engine/index.js';
import { Z99 } from '../engine/normal-quantile.js';
import type { FittedDistribution } from './fit.js';
import type { CalibratedModel, CalibratedWorkload } from './model.js';

/**
 * Port of every generated Service. NOTE: simplification: Istio's metrics carry no port, so one is chosen;
 * timeouts, retries and pool limits are not inferred either.
 */
export const CALIBRATED_PORT = 8080;

export interface ScenarioOptions {
  name: string;
  /** spec.manifests entries (relative to the scenario file); none: the caller inlines the manifests. */
  manifests: string[];
  durationMs: number;
  warmupMs: number;
}

/** The `kind: Scenario` document (docs/scenario.md) of a calibrated model, as plain data. */
export function scenarioDocument(m: CalibratedModel, o: ScenarioOptions): Record<string, unknown> {
  const workloads: Record<string, unknown> = {};
  for (const w of sortedWorkloads(m)) workloads[w.key] = behaviour(m, w);
  const traffic = m.generators.map((g) => ({
    name: g.name,
    namespace: g.namespace,
    rate: `${round(g.ratePerS, 3)}/s`,
    requests: g.requests.map((r) => ({
      // Weights are integers (like route weights): parts per million of the generator's rate, at least 1.
      weight: Math.max(1, Math.round((r.ratePerS / g.ratePerS) * 1_000_000)),
      url: serviceUrl(m, r.service),
    })),
  }));
  return {
    apiVersion: 'meshsim.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name: o.name },
    spec: {
      ...(o.manifests.length > 0 ? { manifests: o.manifests } : {}),
      duration: formatDurationMs(o.durationMs),
      warmup: formatDurationMs(o.warmupMs),
      workloads,
      traffic,
    },
  };
}

function behaviour(m: CalibratedModel, w: CalibratedWorkload): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const meanS = (w.fit ? meanMs(w.fit.distribution) + w.downstreamMs : 0) / 1000;
  // Queueing seen in the data is already in the fitted latency: give the app room enough not to add more
  // (Little's law, 4x the mean requests in flight per pod), never fewer than the default 64.
  const inFlight = (w.inboundPerS * meanS) / w.replicas;
  if (4 * inFlight > 64) out.concurrency = Math.ceil(4 * inFlight);
  if (w.fit) out.latency = distributionYaml(w.fit.distribution);
  const errors = w.errors
    .filter((e) => e.rate > 0)
    .map((e) => ({ status: e.status, rate: round(e.rate, 6) }));
  if (errors.length > 0) out.errors = errors;
  const calls = [];
  for (const c of w.calls) {
    // More than one call per request: several calls, the last with the fractional remainder.
    let p = c.probability;
    while (p > 1e-6 && calls.length < 100) {
      const one = Math.min(1, p);
      // onFailure: ignore: the caller's own error mix already holds the errors it propagated.
      calls.push({
        url: serviceUrl(m, c.service),
        ...(one < 1 ? { probability: round(one, 6) } : {}),
        onFailure: 'ignore',
      });
      p -= one;
    }
  }
  if (calls.length > 0) out.calls = calls;
  return out;
}

export function serviceUrl(m: CalibratedModel, service: string): string {
  const s = m.services.get(service);
  const [ns, name] = service.split('/');
  return `http://${s?.name ?? name}.${s?.namespace ?? ns}:${CALIBRATED_PORT}/`;
}

export function sortedWorkloads(m: CalibratedModel): CalibratedWorkload[] {
  return [...m.workloads.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A fitted distribution in the scenario's syntax: {lognormal: {median, p99}} and friends. */
export function distributionYaml(d: FittedDistribution): unknown {
  switch (d.kind) {
    case 'lognormal': {
      const median = formatDurationMs(Math.exp(d.mu));
      const p99 = formatDurationMs(Math.exp(d.mu + Z99 * d.sigma));
      // Rounded to the microsecond the two may meet for a very narrow fit: the exact form then.
      return median === p99
        ? { lognormal: { mu: round(d.mu, 6), sigma: round(d.sigma, 6) } }
        : { lognormal: { median, p99 } };
    }
    case 'exponential':
      return { exponential: { mean: formatDurationMs(d.meanMs) } };
    case 'constant':
      return formatDurationMs(d.valueMs);
  }
}

export function meanMs(d: FittedDistribution): number {
  switch (d.kind) {
    case 'lognormal':
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'exponential':
      return d.meanMs;
    case 'constant':
      return d.valueMs;
  }
}

export function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
