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

const OD = 'DestinationRule/shop/ratings:spec.trafficPolicy.outlierDetection';
const METRICS = ['success_rate(productpage)', 'ejections(ratings)', 'ejected_healthy()', 'count(503)'];

function point(pods: number, c5xx: number, maxPct: number, interval = '10s'): Point {
  return {
    label: `${pods} pods, c=${c5xx}, max=${maxPct}%, interval=${interval}`,
    set: {
      'Deployment/shop/ratings-stable:spec.replicas': pods - 1,
      [`${OD}.consecutive5xxErrors`]: c5xx,
      [`${OD}.maxEjectionPercent`]: maxPct,
      [`${OD}.interval`]: interval,
    },
  };
}

export const notebook: Notebook = {
  title: 'Outlier ejection outcomes versus consecutive5xxErrors, interval and maxEjectionPercent',
  question:
    'When one ratings pod fails every request for 70 s, how many errors reach users for each consecutive5xxErrors, maxEjectionPercent and interval, with 3, 10 and 50 pods?',
  async run(s) {
    const base = await readModel('models/outlier/one-bad-of-three.scenario.yaml');
    const pods = s.short ? [3, 10] : [3, 10, 50];
    const c5 = s.short ? [2, 10] : [1, 2, 5, 10, 20];
    const maxPcts = s.short ? [10, 100] : [10, 34, 100];
    const o = {
      replications: s.short ? 1 : 3,
      durationMs: s.short ? 60_000 : 100_000,
      seed: 5,
      workers: s.workers,
    };
    const pts = pods.flatMap((n) => maxPcts.flatMap((m) => c5.map((c) => point(n, c, m))));
    const figs = await runPoints(base, pts, METRICS, o);
    const at = (n: number, m: number, c: number) =>
      figs[(pods.indexOf(n) * maxPcts.length + maxPcts.indexOf(m)) * c5.length + c5.indexOf(c)]!;
    const intervals = s.short ? ['1s', '30s'] : ['1s', '5s', '10s', '30s'];
    const ivFigs = await runPoints(
      base,
      pods.flatMap((n) => intervals.map((iv) => point(n, 5, 100, iv))),
      METRICS,
      o,
    );
    const sr = (f: (typeof figs)[number]) => f['success_rate(productpage)']!.mean!;
    // The bad pod is 1/n of the pool: maxEjectionPercent below 100/n forbids ejecting it (semantics §3.4).
    const blocked = pods.filter((n) => at(n, 10, c5[0]!)['ejections(ratings)']!.mean === 0);
    const best = pods.map((n) => {
      const f = at(n, 100, c5[0]!);
      return { n, sr: sr(f), none: sr(at(n, 100, c5[c5.length - 1]!)) };
    });
    const answer = `${best
      .map(
        (b) =>
          `With ${b.n} pods users see a success rate of **${fmt(b.sr)}** at consecutive5xxErrors ${c5[0]} (vs ${fmt(b.none)} at ${c5[c5.length - 1]}).`,
      )
      .join(' ')} ${
      blocked.length > 0
        ? `With maxEjectionPercent 10 the bad pod is never ejected with ${blocked.join(' or ')} pods: one pod is more than 10 % of the pool, and Envoy refuses an ejection that would exceed the limit.`
        : 'maxEjectionPercent 10 allows the ejection at every size tried.'
    } Lower thresholds eject sooner and cost fewer errors; healthy pods were ejected in ${
      figs.some((f) => (f['ejected_healthy()']!.mean ?? 0) > 0) ? 'some' : 'none'
    } of the settings tried.`;
    return {
      answer,
      figures: {
        sr3: best[0]!.sr,
        none3: best[0]!.none,
        blockedAt3: blocked.includes(3) ? 1 : 0,
      },
      sections: [
        md(
          `The model (\`models/outlier/one-bad-of-three\`) has productpage calling ratings at 200 requests/s; one ratings pod answers 503 to everything from 30 s to 100 s. We scale the healthy Deployment (\`Deployment/shop/ratings-stable:spec.replicas\`) to get 3, 10 and 50 pods and vary the DestinationRule's outlier detection. Each client sidecar has its own detector.`,
        ),
        ...pods.map((n) =>
          chart(
            lineChart({
              title: `${n} pods: user success rate`,
              x: { label: 'consecutive5xxErrors' },
              y: { label: 'success rate (productpage)' },
              series: maxPcts.map((m) => ({
                name: `maxEjectionPercent ${m}`,
                points: c5.map((c) => [c, sr(at(n, m, c))] as const),
              })),
            }),
          ),
        ),
        table(
          ['pods', 'maxEjection %', 'consecutive5xx', 'success rate', 'ejections', 'healthy ejected', '503s'],
          pods.flatMap((n) =>
            maxPcts.flatMap((m) =>
              c5.map((c) => {
                const f = at(n, m, c);
                return [
                  String(n),
                  String(m),
                  String(c),
                  withCi(f['success_rate(productpage)']),
                  withCi(f['ejections(ratings)']),
                  withCi(f['ejected_healthy()']),
                  withCi(f['count(503)']),
                ];
              }),
            ),
          ),
        ),
        md('### The interval (consecutive5xxErrors 5, maxEjectionPercent 100)'),
        md(
          '`interval` is how often each detector sweeps: it returns hosts whose ejection time is over. A long interval keeps a recovered pod out longer and an ejected bad pod out longer too.',
        ),
        chart(
          lineChart({
            title: 'User success rate versus interval',
            x: { label: 'interval', categories: intervals },
            y: { label: 'success rate (productpage)' },
            series: pods.map((n, pi) => ({
              name: `${n} pods`,
              points: intervals.map((_, i) => [i, sr(ivFigs[pi * intervals.length + i]!)] as const),
            })),
          }),
        ),
      ],
    };
  },
};
