import { formatResponseFlags } from '../envoy/index.js';
import type { ClientResult } from '../run/result.js';
import { goDuration, goG } from './go-format.js';
import { fmtSecs } from './text-table.js';

/**
 * One client's block in fortio's own shapes (fortio `periodic/periodic.go` "Ended after %v : %d calls.
 * qps=%.5g"; `stats/stats.go` HistogramData.Print: "%s : count %d avg %.8g +/- %.4g min %g max %g sum
 * %.9g", "# range, mid point, percentile, count", "%s %.6g <= %.6g , %.6g , %.2f, %d", "# target %g%%
 * %.6g"; `fhttp` "Code %d : %d (%.1f %%)"; fortio_main.go "All done %d calls (plus %d warmup) %.3f ms
 * avg, %.1f qps"). Durations in seconds, as fortio prints them. meshsim adds a header line, response
 * flags and the requests the drain limit cut off.
 * NOTE: simplification: the `# target` values are HDR's percentiles (3 significant digits, clamped into
 * the exact [min, max]), not fortio's linear interpolation inside its buckets.
 */
export function clientBlock(c: ClientResult): string[] {
  const l = c.latencyMs;
  // ms to s at Go's nanosecond resolution (so 668.229 ms prints 0.668229, not 0.6682290000000001).
  const s = (ms: number) => Math.round(ms * 1e6) / 1e9;
  const lines = [
    `Client ${c.name}: ${c.requests} requests in ${fmtSecs(c.elapsedMs)}, ${c.qps.toFixed(1)} qps, success ${(c.successRate * 100).toFixed(3)} %`,
    `Ended after ${goDuration(c.elapsedMs)} : ${c.requests} calls. qps=${goG(c.qps, 5)}`,
  ];
  if (c.requests === 0) lines.push('Aggregated Function Time : no data');
  else {
    lines.push(
      `Aggregated Function Time : count ${c.requests} avg ${goG(s(l.mean), 8)} +/- ${goG(s(l.stddev), 4)} min ${goG(s(l.min))} max ${goG(s(l.max))} sum ${goG(s(l.sum), 9)}`,
      '# range, mid point, percentile, count',
    );
    let seen = 0;
    c.histogram.forEach((b, i) => {
      seen += b.count;
      const from = s(b.fromMs);
      const to = s(b.toMs);
      lines.push(
        `${i === 0 ? '>=' : '>'} ${goG(from, 6)} <= ${goG(to, 6)} , ${goG((from + to) / 2, 6)} , ${((100 * seen) / c.requests).toFixed(2)}, ${b.count}`,
      );
    });
    for (const [p, v] of TARGETS) lines.push(`# target ${p}% ${goG(s(l[v]), 6)}`);
  }
  for (const [code, n] of Object.entries(c.byStatus))
    lines.push(`Code ${code} : ${n} (${((100 * n) / Math.max(1, c.requests)).toFixed(1)} %)`);
  const flags = Object.entries(c.byFlag).filter(([f]) => f !== formatResponseFlags(0));
  if (flags.length > 0) lines.push(`Response flags : ${flags.map(([f, n]) => `${f} ${n}`).join(', ')}`);
  if (c.unfinished.count > 0)
    lines.push(
      `Unfinished : ${c.unfinished.count} requests still in flight at the drain limit, oldest started ${fmtSecs(c.unfinished.oldestAgeMs)} before (not in the figures above)`,
    );
  lines.push(
    `All done ${c.requests} calls (plus ${c.warmupRequests} warmup) ${(c.latencyMs.mean).toFixed(3)} ms avg, ${c.qps.toFixed(1)} qps`,
  );
  return lines;
}

const TARGETS = [
  ['50', 'p50'],
  ['75', 'p75'],
  ['90', 'p90'],
  ['99', 'p99'],
  ['99.9', 'p999'],
] as const;
