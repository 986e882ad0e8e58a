import type { ControllerResult } from '../mesh/progressive-delivery/timeline.js';
import { fmtSecs, pct, table } from './text-table.js';

/**
 * The progressive-delivery section of the text report: per Canary or Rollout its decision timeline
 * (time, step, canary weight, metric values, verdict, the controller's message), its outcome and what
 * the two versions served until the verdict.
 */
export function progressiveDeliveryBlock(results: readonly ControllerResult[]): string[] {
  const out: string[] = [];
  for (const c of results) {
    const done =
      c.finishedAtMs === null ? 'still in progress at the end of the run' : `at ${fmtSecs(c.finishedAtMs)}`;
    out.push('', `${c.kind} ${c.name} (${c.controller}): ${c.outcome.toUpperCase()} ${done}`);
    const rows = [['TIME', 'STEP', 'WEIGHT', 'PHASE', 'VERDICT', 'METRICS', 'MESSAGE']];
    for (const d of c.decisions)
      rows.push([
        fmtSecs(d.timeMs),
        String(d.step),
        `${d.weight}%`,
        d.phase,
        d.verdict,
        d.metrics.length === 0
          ? '-'
          : d.metrics
              .map((m) => `${m.name}=${m.value === null ? 'none' : round(m.value)} ${m.verdict}`)
              .join(', '),
        d.message,
      ]);
    out.push(...table(rows));
    const i = c.impact;
    out.push(`Served until ${fmtSecs(i.toMs)} (reporter=destination):`);
    const served = [['WORKLOAD', 'REQUESTS', '5XX', 'ERROR RATE', 'P99']];
    for (const s of i.served)
      served.push([
        s.workload,
        String(s.requests),
        String(s.errors5xx),
        pct(s.errorRate),
        s.p99Ms === null ? '-' : `${s.p99Ms}ms`,
      ]);
    served.push([
      'callers got (reporter=source)',
      String(i.callers.requests),
      String(i.callers.errors5xx),
      pct(i.callers.errorRate),
      i.callers.p99Ms === null ? '-' : `${i.callers.p99Ms}ms`,
    ]);
    out.push(...table(served));
  }
  return out;
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
