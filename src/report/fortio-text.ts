import type { Result } from '../run/result.js';
import { renderAutoscaling } from './autoscaling-text.js';
import { cpuThrottlingBlock } from './cpu-throttling-text.js';
import { clientBlock } from './fortio-client.js';
import { progressiveDeliveryBlock } from './progressive-delivery.js';
import { renderTimeline } from './timeline-text.js';
import { codes, fmtSecs, pct, table } from './text-table.js';

/**
 * The default text report: the measurement window, per client a fortio block (fortio-client.ts), then
 * requests by hop as the source sidecars saw them, upstream tries by service and subset, the workloads'
 * queues, ejections, the timeline of chaos events, rescales and rollout decisions, the HPAs and
 * rollouts, and the Envoy stats that moved.
 */
export function renderText(r: Result): string {
  const out: string[] = [
    `meshsim ${r.meshsim}: scenario ${r.scenario}, seed ${r.seed}, ${fmtSecs(r.simulatedMs)} simulated, ${r.events} events`,
    `assuming Istio ${r.versions.istio} (Envoy ${r.versions.envoy})`,
    windowLine(r),
  ];
  for (const c of r.clients) out.push('', ...clientBlock(c));
  if (r.hops.length > 0) {
    out.push('', "Requests by hop (source sidecar's view: final code and response flags):");
    const rows = [['SOURCE', 'SERVICE', 'SUBSET', 'REQUESTS', 'CODES', 'FLAGS']];
    for (const h of r.hops)
      rows.push([h.source, h.service, h.subset, String(h.requests), codes(h.byStatus), flags(h.byFlag)]);
    out.push(...table(rows));
  }
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
  if (r.workloads.length > 0) {
    out.push('', 'Workloads (app containers: queue wait before service, busy slots over slots):');
    const rows = [
      ['WORKLOAD', 'PODS', 'SERVED', 'REJECTED', 'WAIT AVG', 'WAIT P99', 'MAX QUEUE', 'SATURATION'],
    ];
    for (const w of r.workloads)
      rows.push([
        w.workload,
        String(w.pods),
        String(w.served),
        String(w.rejected),
        `${w.queueWaitMs.mean}ms`,
        `${w.queueWaitMs.p99}ms`,
        String(w.maxQueueLength),
        pct(w.saturation),
      ]);
    out.push(...table(rows));
  }
  out.push(...cpuThrottlingBlock(r));
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
  out.push(...renderTimeline(r));
  out.push(...renderAutoscaling(r));
  if (r.progressiveDelivery) out.push(...progressiveDeliveryBlock(r.progressiveDelivery));
  const moved = r.clusters.flatMap((c) =>
    Object.entries(c.stats)
      .filter(([k, v]) => v !== 0 && INTERESTING.test(k))
      .map(([k, v]) => `cluster.${c.name}.${k}: ${v}`),
  );
  if (moved.length > 0)
    out.push('', 'Envoy cluster stats that moved (summed over client sidecars, same window):', ...moved);
  if (r.timing)
    out.push(
      '',
      `wall time ${r.timing.wallMs} ms, ${r.timing.eventsPerSec} events/s, ${r.timing.simulatedRequestsPerSec} simulated requests/s`,
    );
  return `${out.join('\n')}\n`;
}

/** "measured: requests started 5s..60s, drained until 60.457s", plus what the drain limit cut off. */
export function windowLine(r: Result): string {
  const w = r.window;
  const cut = r.clients.reduce((n, c) => n + c.unfinished.count, 0);
  const tail =
    cut === 0
      ? ''
      : `; drain limit reached: ${cut} request${cut === 1 ? '' : 's'} unfinished (reported per client)`;
  return `measured: requests started ${fmtSecs(w.fromMs)}..${fmtSecs(w.toMs)}, drained until ${fmtSecs(w.drainedUntilMs)}${tail}`;
}

const INTERESTING =
  /overflow|retry|timeout|pending|outlier_detection|connect_fail|cx_total|cx_none_healthy|rq_total|rq_5xx|panic|max_requests/;

function flags(m: Record<string, number>): string {
  const shown = Object.entries(m).filter(([f]) => f !== '-');
  return shown.length === 0 ? '-' : shown.map(([f, n]) => `${f}:${n}`).join(' ');
}
