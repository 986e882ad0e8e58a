import { ISTIO_DURATION_BUCKETS_MS } from '../mesh/recorder.js';
import type { Result } from '../run/result.js';
import { renderCadvisorCfs } from './cadvisor-cfs.js';

/**
 * Istio's standard metrics in the Prometheus exposition format: `istio_requests_total` and
 * `istio_request_duration_milliseconds` with Istio's label names (istio.io, "Istio Standard Metrics"),
 * as the sidecars report them (a request its client gave up on: response_code="0", response_flags="DC").
 * Containers with a CPU limit add cAdvisor's CFS counters (cadvisor-cfs.ts).
 * meshsim's own figures follow under `meshsim_`: the window and the requests the drain limit cut off.
 */
export function renderPrometheus(r: Result): string {
  const w = r.window;
  const out: string[] = [
    `# meshsim window: requests started ${w.fromMs}ms..${w.toMs}ms, drained until ${w.drainedUntilMs}ms`,
    '# HELP istio_requests_total Total requests.',
    '# TYPE istio_requests_total counter',
  ];
  for (const s of r.istio) out.push(`istio_requests_total{${labels(s.labels)}} ${s.count}`);
  out.push(
    '# HELP istio_request_duration_milliseconds Request duration in milliseconds.',
    '# TYPE istio_request_duration_milliseconds histogram',
  );
  for (const s of r.istio) {
    const l = labels(s.labels);
    let cumulative = 0;
    ISTIO_DURATION_BUCKETS_MS.forEach((le, i) => {
      cumulative += s.buckets[i] ?? 0;
      out.push(`istio_request_duration_milliseconds_bucket{${l},le="${le}"} ${cumulative}`);
    });
    out.push(`istio_request_duration_milliseconds_bucket{${l},le="+Inf"} ${s.count}`);
    out.push(`istio_request_duration_milliseconds_sum{${l}} ${s.sumMs}`);
    out.push(`istio_request_duration_milliseconds_count{${l}} ${s.count}`);
  }
  if (r.istioTcp !== undefined) {
    // ztunnel's L4 metrics (ambient mode): connections, no requests (ztunnel-metrics.ts).
    out.push('# HELP istio_tcp_connections_opened_total Total TCP connections opened.');
    out.push('# TYPE istio_tcp_connections_opened_total counter');
    for (const s of r.istioTcp)
      out.push(`istio_tcp_connections_opened_total{${labels(s.labels)}} ${s.opened}`);
    out.push('# HELP istio_tcp_connections_closed_total Total TCP connections closed.');
    out.push('# TYPE istio_tcp_connections_closed_total counter');
    for (const s of r.istioTcp)
      out.push(`istio_tcp_connections_closed_total{${labels(s.labels)}} ${s.closed}`);
  }
  // cAdvisor's CFS counters of containers with a CPU limit (none without limits).
  out.push(...renderCadvisorCfs(r, esc));
  out.push(
    '# HELP meshsim_client_unfinished_requests Requests started in the window and still in flight when the drain limit ended the run.',
    '# TYPE meshsim_client_unfinished_requests gauge',
  );
  for (const c of r.clients)
    out.push(`meshsim_client_unfinished_requests{client="${esc(c.name)}"} ${c.unfinished.count}`);
  out.push(
    '# HELP meshsim_client_unfinished_oldest_age_milliseconds Age of the oldest unfinished request at the end of the run.',
    '# TYPE meshsim_client_unfinished_oldest_age_milliseconds gauge',
  );
  for (const c of r.clients)
    out.push(
      `meshsim_client_unfinished_oldest_age_milliseconds{client="${esc(c.name)}"} ${c.unfinished.oldestAgeMs}`,
    );
  return `${out.join('\n')}\n`;
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',');
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
