import type { ClientResult, LatencyMs, Result, ServiceResult } from '../result.js';
import { isRolloutMetric, rolloutMetric } from '../progressive-delivery/rollout-metrics.js';
import type { MetricCall } from './metric-functions.js';

/** What a metric is evaluated on: one run's Result plus facts only the world knew (ground truth). */
export interface Observation {
  result: Result;
  /** Pods whose workload has no injected errors and is not targeted by any chaos event (sorted). */
  healthyPods: readonly string[];
}

export type MetricValue = { ok: true; value: number } | { ok: false; message: string };

const ok = (value: number): MetricValue => ({ ok: true, value });
const no = (message: string): MetricValue => ({ ok: false, message });

type Target = { kind: 'client'; c: ClientResult } | { kind: 'service'; s: ServiceResult };

/**
 * A client (load generator) by name, else a service by FQDN, `name.namespace` or short name. A short
 * name matching services in two namespaces is an error rather than a guess.
 */
function target(r: Result, name: string): Target | string {
  const c = r.clients.find((x) => x.name === name);
  if (c) return { kind: 'client', c };
  const hits = r.services.filter((s) => s.host === name || s.host.startsWith(`${name}.`));
  if (hits.length === 1) return { kind: 'service', s: hits[0]! };
  if (hits.length > 1) return `"${name}" matches ${hits.map((h) => h.host).join(' and ')}; use the FQDN`;
  const known = [...r.clients.map((x) => x.name), ...r.services.map((s) => s.host.split('.')[0]!)];
  return `no client or service "${name}" in this run (known: ${known.join(', ')})`;
}

function serviceHost(r: Result, name: string): string | undefined {
  const t = target(r, name);
  return typeof t !== 'string' && t.kind === 'service' ? t.s.host : undefined;
}

function fiveXx(byStatus: Record<string, number>): number {
  let n = 0;
  for (const [k, v] of Object.entries(byStatus)) if (Number(k) >= 500) n += v;
  return n;
}

/** The load's part of the measurement window (requests start in [fromMs, toMs)). */
function measuredSeconds(r: Result): number {
  return Math.max(1, r.window.toMs - r.window.fromMs) / 1000;
}

const LATENCY: Record<string, keyof LatencyMs> = {
  p50: 'p50',
  p75: 'p75',
  p90: 'p90',
  p99: 'p99',
  p999: 'p999',
  max: 'max',
  mean: 'mean',
  min: 'min',
};

/** Evaluates one metric call on one run. Never throws: unknown targets are a message. */
export function evaluateMetric(o: Observation, m: MetricCall): MetricValue {
  const r = o.result;
  const a0 = m.args[0] ?? '';
  const lat = LATENCY[m.fn];
  if (lat !== undefined) {
    const t = target(r, a0);
    if (typeof t === 'string') return no(t);
    return ok(t.kind === 'client' ? t.c.latencyMs[lat] : t.s.latencyMs[lat]);
  }
  switch (m.fn) {
    case 'success_rate':
    case 'error_rate': {
      const t = target(r, a0);
      if (typeof t === 'string') return no(t);
      let s: number;
      if (t.kind === 'client') s = t.c.successRate;
      else s = t.s.requests === 0 ? 1 : 1 - fiveXx(t.s.byStatus) / t.s.requests;
      return ok(m.fn === 'success_rate' ? s : 1 - s);
    }
    case 'requests':
    case 'qps': {
      const t = target(r, a0);
      if (typeof t === 'string') return no(t);
      const n = t.kind === 'client' ? t.c.requests : t.s.requests;
      return ok(m.fn === 'requests' ? n : n / measuredSeconds(r));
    }
    case 'timeouts': {
      const c = r.clients.find((x) => x.name === a0);
      return c ? ok(c.timeouts) : no(`no client "${a0}" in this run`);
    }
    case 'count':
      return countOf(r, a0, m.args[1]);
    case 'amplification': {
      const host = serviceHost(r, a0);
      if (host === undefined) return no(`no service "${a0}" in this run`);
      const s = r.services.find((x) => x.host === host)!;
      const started = r.clients.reduce((n, c) => n + c.requests, 0);
      return ok(started === 0 ? 0 : s.requests / started);
    }
    case 'ejections': {
      if (m.args.length === 0) return ok(r.ejections.length);
      const host = serviceHost(r, a0);
      if (host === undefined) return no(`no service "${a0}" in this run`);
      return ok(r.ejections.filter((e) => e.cluster.endsWith(`|${host}`)).length);
    }
    case 'ejected_healthy': {
      if (o.healthyPods.length === 0) return ok(0);
      const healthy = new Set(o.healthyPods);
      const hit = new Set(r.ejections.filter((e) => healthy.has(e.pod)).map((e) => e.pod));
      return ok(hit.size / healthy.size);
    }
    case 'stat': {
      let host: string | undefined;
      if (m.args[1] !== undefined) {
        host = serviceHost(r, m.args[1]);
        if (host === undefined) return no(`no service "${m.args[1]}" in this run`);
      }
      let n = 0;
      for (const c of r.clusters) {
        if (host !== undefined && !c.name.endsWith(`|${host}`)) continue;
        n += c.stats[a0] ?? 0;
      }
      return ok(n);
    }
  }
  if (isRolloutMetric(m.fn)) return rolloutMetric(r, m.fn, a0);
  return no(`unknown metric ${m.fn}`);
}

/** Responses with a flag (every combination containing it: URX counts "UF,URX") or a status code. */
function countOf(r: Result, what: string, client: string | undefined): MetricValue {
  const clients = client === undefined ? r.clients : r.clients.filter((c) => c.name === client);
  if (client !== undefined && clients.length === 0) return no(`no client "${client}" in this run`);
  let n = 0;
  if (/^\d{1,3}$/.test(what)) {
    for (const c of clients) n += c.byStatus[String(Number(what))] ?? 0;
    return ok(n);
  }
  for (const c of clients)
    for (const [flags, v] of Object.entries(c.byFlag)) if (flags.split(',').includes(what)) n += v;
  return ok(n);
}
