import { describe, expect, it } from 'vitest';
import { renderClusters, renderSidecarStats } from '../../src/report/envoy-admin.js';
import { runWithViews } from '../../src/run/views-run.js';
import { cli } from '../support/cli.js';
import { loadModel } from '../support/run-model.js';

describe("one sidecar's Envoy admin views (--pod, -f envoy-clusters)", () => {
  it("/clusters flags exactly the hosts that sidecar's outlier detector still has ejected at the end", async () => {
    const loaded = await loadModel('models/outlier/one-bad-of-five.scenario.yaml');
    // The flaky pod answers 503 from 30 s on; at 60 s it is still bad, so each client keeps ejecting it.
    const ran = runWithViews(loaded, { durationMs: 60_000 }, { pod: 'productpage-0', sidecars: true });
    if (ran.kind !== 'ran') throw new Error('ran');
    const r = ran.observation.result;
    const view = [...ran.sidecars!];
    expect(view.map((v) => v.pod)).toEqual(['productpage-0']);
    const cluster = view[0]!.clusters.find(
      (c) => c.name === 'outbound|9080||ratings.shop.svc.cluster.local',
    )!;
    expect(cluster.hosts).toHaveLength(5);
    const stillEjected = r.ejections
      .filter((e) => e.client === 'productpage-0' && e.durationMs === null)
      .map((e) => e.host)
      .sort();
    const flagged = cluster.hosts
      .filter((h) => h.healthFlags === '/failed_outlier_check')
      .map((h) => h.address)
      .sort();
    expect(stillEjected.length).toBeGreaterThan(0);
    expect(flagged).toEqual(stillEjected);
    expect(cluster.stats['outlier_detection.ejections_active']).toBe(flagged.length);
    // Per-host counters add up to the cluster's own: every try attached to a host (no overflow, no
    // connect failure here) is one host request, answered 5xx (rq_error) or not (rq_success).
    const sum = (k: string) => cluster.hosts.reduce((s, h) => s + h.stats[k]!, 0);
    expect(sum('rq_total')).toBe(cluster.stats.upstream_rq_total);
    expect(sum('rq_error')).toBe(cluster.stats.upstream_rq_5xx);
    expect(sum('rq_success') + sum('rq_error')).toBe(sum('rq_total'));
    const flaky = cluster.hosts.find((h) => h.pod.startsWith('ratings-flaky'))!;
    expect(flaky.stats.rq_success).toBeLessThan(flaky.stats.rq_total!); // it answered 503 for half the window
    // The text views in Envoy's shapes.
    const text = renderClusters(view);
    expect(text).toContain(`${cluster.name}::${flaky.address}::health_flags::/failed_outlier_check\n`);
    expect(text).toContain(`${cluster.name}::outlier::success_rate_average::-1\n`);
    expect(text).toMatch(
      new RegExp(`^${reEscape(cluster.name)}::default_priority::max_connections::4294967295$`, 'm'),
    );
    expect(text).toMatch(
      new RegExp(
        `^${reEscape(cluster.name)}::${reEscape(flaky.address)}::rq_total::${flaky.stats.rq_total}$`,
        'm',
      ),
    );
    const stats = renderSidecarStats(view);
    expect(stats).toContain(
      `cluster.${cluster.name}.upstream_rq_total: ${cluster.stats.upstream_rq_total}\n`,
    );
    expect(stats).toMatch(
      new RegExp(
        `^cluster\\.${reEscape(cluster.name)}\\.upstream_rq_time: P0\\(nan,[\\d.]+\\) P25\\(nan,[\\d.]+\\) .* P100\\(nan,[\\d.]+\\)$`,
        'm',
      ),
    );
    // The selected pod's counters are its own, not the sum over the two clients.
    const summed = r.clusters.find((c) => c.name === cluster.name)!;
    expect(summed.sidecars).toBe(2);
    expect(cluster.stats.upstream_rq_total).toBeLessThan(summed.stats.upstream_rq_total!);
  });

  it('a host only one Envoy worker has used (one pool, not a list per worker) shows its connection', async () => {
    const loaded = await loadModel('models/outlier/one-bad-of-five.scenario.yaml');
    // 15 ms: productpage-0 has sent its first request, on one worker, to one ratings pod.
    const ran = runWithViews(loaded, { durationMs: 15 }, { pod: 'productpage-0', sidecars: true });
    if (ran.kind !== 'ran') throw new Error('ran');
    const [cluster] = [...ran.sidecars!][0]!.clusters;
    expect(cluster!.stats.upstream_cx_total).toBe(1);
    expect(cluster!.hosts.map((h) => [h.stats.cx_active, h.stats.rq_total])).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('an unknown --pod is MSIM3091 with close names, exit 1', async () => {
    const r = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '6s',
      '-f',
      'envoy-clusters',
      '--pod',
      'frontend',
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error MSIM3091 --pod frontend: no such pod in this run; close names: frontend-0, frontend-1, frontend-2',
    );
    expect(r.out).toBe('');
  });

  it('-f envoy-stats --pod prints that pod only; without --pod the sum stays as it was', async () => {
    const one = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '6s',
      '-f',
      'envoy-stats',
      '--pod',
      'frontend-1',
    );
    const all = await cli('run', 'models/canary/canary.scenario.yaml', '-d', '6s', '-f', 'envoy-stats');
    expect(one.code).toBe(0);
    const total = (t: string) =>
      Number(
        /^cluster\.outbound\|8080\|v1\|product-service\.production\.svc\.cluster\.local\.upstream_rq_total: (\d+)$/m.exec(
          t,
        )![1],
      );
    expect(total(one.out)).toBeGreaterThan(0);
    expect(total(one.out)).toBeLessThan(total(all.out));
    expect(one.out).toContain('.upstream_rq_time: P0(nan,');
    expect(all.out).not.toContain('.upstream_rq_time:');
  });
});

function reEscape(s: string): string {
  return s.replace(/[|.*+?^${}()[\]\\]/g, '\\$&');
}
