import { ISTIO_DURATION_BUCKETS_MS } from '../mesh/recorder.js';
import type { Result } from '../run/result.js';

/**
 * Istio's standard metrics in the Prometheus exposition format: `istio_requests_total` and
 * `istio_request_duration_milliseconds` with Istio's label names (semantics §5.3).
 */
export function renderPrometheus(r: Result): string {
  const out: string[] = [
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
  return `${out.join('\n')}\n`;
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
