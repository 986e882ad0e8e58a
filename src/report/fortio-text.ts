import { formatResponseFlags } from '../envoy/index.js';
import type { ClientResult, LatencyMs, Result } from '../run/result.js';

/**
 * The default text report: per client a fortio-like block (count, qps, percentiles, codes, flags), then
 * per service the upstream view by subset, ejections, and the Envoy stats that moved.
 */
export function renderText(r: Result): string {
  const out: string[] = [];
  const secs = (r.simulatedMs - r.warmupMs) / 1000;
  out.push(
    `meshsim ${r.meshsim}: scenario ${r.scenario}, seed ${r.seed}, ${fmtSecs(r.simulatedMs)} simulated (warm-up ${fmtSecs(r.warmupMs)}), ${r.events} events`,
  );
  for (const c of r.clients) out.push('', ...clientBlock(c, secs));
  if (r.services.length > 0) {
    out.push('', 'Upstream requests by service (every try, retries and mirrors included):');
    const rows = [['SERVICE', 'SUBSET', 'REQUESTS', 'SHARE', 'CODES']];
    for (const s of r.services) {
      for (const [subset, v] of Object.entries(s.bySubset)) {
        rows.push([
          s.host,
          subset,
          String(v.requests),
          pct(v.requests / Math.max(1, s.requests)),
          codes(v.byStatus),
        ]);
      }
    }
    out.push(...table(rows));
  }
  if (r.ejections.length > 0) {
    out.push('', 'Outlier ejections:');
    const rows = [['TIME', 'CLIENT', 'CLUSTER', 'POD', 'REASON', 'FOR']];
    for (const e of r.ejections)
      rows.push([
        fmtSecs(e.timeMs),
        e.client,
        e.cluster,
        e.pod,
        e.reason,
        e.durationMs === null ? 'until end' : fmtSecs(e.durationMs),
      ]);
    out.push(...table(rows));
  }
  const moved = r.clusters.flatMap((c) =>
    Object.entries(c.stats)
      .filter(([k, v]) => v !== 0 && INTERESTING.test(k))
      .map(([k, v]) => `cluster.${c.name}.${k}: ${v}`),
  );
  if (moved.length > 0)
    out.push('', 'Envoy cluster stats that moved (summed over client sidecars):', ...moved);
  if (r.timing)
    out.push(
      '',
      `wall time ${r.timing.wallMs} ms, ${r.timing.eventsPerSec} events/s, ${r.timing.simulatedRequestsPerSec} simulated requests/s`,
    );
  return `${out.join('\n')}\n`;
}

const INTERESTING =
  /overflow|retry|timeout|pending|outlier_detection|connect_fail|cx_total|rq_total|rq_5xx|panic|max_requests/;

function clientBlock(c: ClientResult, secs: number): string[] {
  const l = c.latencyMs;
  const lines = [
    `Client ${c.name}: ${c.requests} requests in ${secs}s, ${c.qps.toFixed(1)} qps, success ${(c.successRate * 100).toFixed(3)} %`,
    `Aggregated Function Time : count ${c.requests} avg ${ms(l.mean)} min ${ms(l.min)} max ${ms(l.max)}`,
    ...percentiles(l),
  ];
  for (const [code, n] of Object.entries(c.byStatus)) {
    lines.push(
      `Code ${code === '0' ? '-1 (client timeout)' : code} : ${n} (${pct(n / Math.max(1, c.requests))})`,
    );
  }
  const flags = Object.entries(c.byFlag).filter(([f]) => f !== formatResponseFlags(0));
  if (flags.length > 0) lines.push(`Response flags : ${flags.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  return lines;
}

function percentiles(l: LatencyMs): string[] {
  return [
    `# target 50% ${ms(l.p50)}`,
    `# target 75% ${ms(l.p75)}`,
    `# target 90% ${ms(l.p90)}`,
    `# target 99% ${ms(l.p99)}`,
    `# target 99.9% ${ms(l.p999)}`,
  ];
}

/** Latencies in seconds with fortio's precision. */
function ms(v: number): string {
  return (v / 1000).toFixed(6);
}

function fmtSecs(msv: number): string {
  return `${+(msv / 1000).toFixed(3)}s`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function codes(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
