import { lineChart } from '../lib/charts.js';
import {
  chart,
  fmt,
  md,
  type Notebook,
  type Point,
  readModel,
  runPoints,
  table,
  withCi,
} from '../lib/notebook.js';

const V2_ERRORS = 'Scenario:spec.workloads["production/product-service-v2"].errors[0].rate';
const OD = 'DestinationRule/production/product-service:spec.trafficPolicy.outlierDetection';
const WITH_OD = {
  [`${OD}.consecutive5xxErrors`]: 5,
  [`${OD}.interval`]: '1s',
  [`${OD}.baseEjectionTime`]: '30s',
  [`${OD}.maxEjectionPercent`]: 100,
};
const METRICS = [
  'success_rate(frontend)',
  'p99(frontend)',
  'count(503)',
  'ejections(product-service)',
  'count(UH)',
];

export const notebook: Notebook = {
  title: 'Canary impact: a bad v2 behind a 10 % split, with and without outlier detection',
  question:
    'What do users of frontend see when the 10 % canary of product-service answers errors, and does outlier detection on the DestinationRule protect them?',
  async run(s) {
    const base = await readModel('models/canary/canary.scenario.yaml');
    const rates = s.short ? [0.05, 0.2] : [0.01, 0.05, 0.1, 0.2, 0.4];
    const points: Point[] = rates.flatMap((r) => [
      { label: `${r} without`, set: { [V2_ERRORS]: r } },
      { label: `${r} with`, set: { [V2_ERRORS]: r, ...WITH_OD } },
    ]);
    const reps = s.short ? 2 : 5;
    const figs = await runPoints(base, points, METRICS, {
      replications: reps,
      durationMs: s.short ? 15_000 : 60_000,
      seed: 7,
      workers: s.workers,
    });
    const without = rates.map((_, i) => figs[2 * i]!);
    const withOd = rates.map((_, i) => figs[2 * i + 1]!);
    const sr = (f: (typeof figs)[number]) => f['success_rate(frontend)']!.mean!;
    const ej = (f: (typeof figs)[number]) => f['ejections(product-service)']!.mean ?? 0;
    // An ejection made during the warm-up is outside the window's ejection list (it matches Envoy's
    // ejections_enforced_total after the warm-up reset) but still answers v2's requests 503 UH in it.
    const fired = (f: (typeof figs)[number]) => ej(f) > 0 || (f['count(UH)']!.mean ?? 0) > 0;
    const quiet = rates.filter((_, i) => !fired(withOd[i]!));
    const k = rates.length - 1;
    const srWithout = sr(without[k]!);
    const srWith = sr(withOd[k]!);
    const series = (metric: string) => [
      {
        name: 'no outlier detection',
        points: rates.map((r, i) => [r * 100, without[i]![metric]!.mean] as const),
      },
      {
        name: 'consecutive5xxErrors 5',
        points: rates.map((r, i) => [r * 100, withOd[i]![metric]!.mean] as const),
      },
    ];
    const low =
      quiet.length > 0
        ? `Up to ${Math.max(...quiet) * 100} % errors outlier detection never fires (five 5xx in a row from one pod has probability p^5), so users see the same success rate either way. `
        : '';
    const high = fired(withOd[k]!)
      ? `At ${rates[k]! * 100} % the canary pod is ejected (${fmt(ej(withOd[k]!), 3)} ejections in the measurement window and ${fmt(withOd[k]!['count(UH)']!.mean, 3)} responses flagged UH per run) and the success rate goes from **${fmt(srWithout)}** without outlier detection to **${fmt(srWith)}** with it. ${
          srWith < srWithout && (withOd[k]!['count(UH)']!.mean ?? 0) > 0
            ? 'Ejection makes it worse: v2 is its own subset, so its cluster holds only the canary pod; ejecting it leaves that cluster with no healthy host, and Istio disables panic mode (minHealthPercent 0), so every request routed to v2 fails with 503 UH until the pod returns. Protect users from a bad canary by shifting the VirtualService weight back, not by ejection inside its subset.'
            : 'Ejecting the canary removes most of its errors from what users see.'
        }`
      : `Even at ${rates[k]! * 100} % errors the canary is not ejected: success rate ${fmt(srWithout)} without and ${fmt(srWith)} with outlier detection.`;
    const answer = `${low}${high} (Means of ${reps} replications on common seeds.)`;
    return {
      answer,
      figures: { srWithout, srWith },
      sections: [
        md(
          `The model (\`models/canary\`) sends 1,000 requests/s from three frontend pods through a VirtualService that routes 90 % to v1 and 10 % (plus beta testers) to v2. We vary the error rate of v2 with the field \`${V2_ERRORS}\` and compare the recipe's DestinationRule as is against one with outlier detection (consecutive5xxErrors 5, interval 1s, baseEjectionTime 30s, maxEjectionPercent 100). Every configuration runs on the same seeds, so differences come from the configuration.`,
        ),
        chart(
          lineChart({
            title: 'User-visible success rate',
            x: { label: 'v2 error rate (%)' },
            y: { label: 'success rate (frontend)' },
            series: series('success_rate(frontend)'),
          }),
        ),
        chart(
          lineChart({
            title: 'User-visible p99 latency',
            x: { label: 'v2 error rate (%)' },
            y: { label: 'p99 (ms)', min: 0 },
            series: series('p99(frontend)'),
          }),
        ),
        table(
          ['v2 errors', 'outlier detection', 'success rate', 'p99 ms', '503s', 'ejections'],
          rates.flatMap((r, i) =>
            [
              ['no', without[i]!],
              ['yes', withOd[i]!],
            ].map(([od, f]) => {
              const g = f as (typeof figs)[number];
              return [
                `${r * 100} %`,
                od as string,
                withCi(g['success_rate(frontend)']),
                withCi(g['p99(frontend)']),
                withCi(g['count(503)']),
                withCi(g['ejections(product-service)']),
              ];
            }),
          ),
        ),
      ],
    };
  },
};
