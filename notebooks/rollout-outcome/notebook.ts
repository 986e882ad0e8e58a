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

const CANARY_ERRORS = 'Scenario:spec.workloads["test/podinfo"].errors[0].rate';
const NAME = 'test/podinfo';
const METRICS = [
  `rolled_back(${NAME})`,
  `promoted(${NAME})`,
  `rollout_seconds(${NAME})`,
  'success_rate(users)',
  'count(503)',
];

export const notebook: Notebook = {
  title: 'Rollout outcome: how often Flagger rolls back the podinfo canary, by its error rate',
  question:
    "Flagger's Istio tutorial promotes podinfo when request-success-rate stays at or above 99 % (5 failed checks roll back). At which canary error rate does it start rolling back, how long does the decision take, and what do users see meanwhile?",
  async run(s) {
    const base = await readModel('models/progressive-delivery/flagger/podinfo-canary.scenario.yaml');
    const rates = s.short ? [0.004, 0.02] : [0.004, 0.007, 0.01, 0.013, 0.02];
    const points: Point[] = rates.map((r) => ({ label: `${r}`, set: { [CANARY_ERRORS]: r } }));
    const reps = s.short ? 2 : 8;
    const figs = await runPoints(base, points, METRICS, {
      replications: reps,
      durationMs: 15 * 60_000,
      seed: 11,
      workers: s.workers,
    });
    const share = figs.map((f) => f[`rolled_back(${NAME})`]!.mean ?? 0);
    const secs = figs.map((f) => f[`rollout_seconds(${NAME})`]!.mean ?? 0);
    const lowest = share[0]!;
    const highest = share[share.length - 1]!;
    const firstAlways = rates.find((_, i) => share[i] === 1);
    const answer = `At ${rates[0]! * 100} % canary errors Flagger rolls back in **${fmt(lowest * 100, 3)} %** of runs; at ${rates[rates.length - 1]! * 100} % in **${fmt(highest * 100, 3)} %**${
      firstAlways !== undefined ? ` (every run from ${firstAlways * 100} % on)` : ''
    }. A promotion takes ${fmt(secs[0]!, 3)} s on average at the lowest rate; each failed check holds the weight one more interval. Users behind the ingress gateway see far fewer errors than Flagger measures: the Canary's retry policy (gateway-error, 3 attempts) retries the 503s that request-success-rate counts at the canary pods. (${reps} replications per rate on common seeds.)`;
    return {
      answer,
      figures: { lowest, highest, promoteSeconds: secs[0]! },
      sections: [
        md(
          `The model (\`models/progressive-delivery/flagger\`) is Flagger's Istio tutorial as written: the podinfo Canary (interval 1m, threshold 5, stepWeight 10 up to maxWeight 50, request-success-rate ≥ 99 % over 1m, request-duration p99 ≤ 500 ms over 30s), 100 requests/s of users through the ingress gateway at app.example.com and the tutorial's load tester at 20 requests/s on podinfo-canary. We vary the canary's 503 rate with \`${CANARY_ERRORS}\`. Flagger's checks read Istio's reporter="destination" series, scraped every 15 s, with Prometheus' own rate().`,
        ),
        chart(
          lineChart({
            title: 'Share of runs rolled back',
            x: { label: 'canary 503 rate (%)' },
            y: { label: 'rolled back (share of runs)', min: 0, max: 1 },
            series: [{ name: 'rolled_back', points: rates.map((r, i) => [r * 100, share[i]!] as const) }],
          }),
        ),
        chart(
          lineChart({
            title: 'Time to the verdict',
            x: { label: 'canary 503 rate (%)' },
            y: { label: 'seconds from the new revision', min: 0 },
            series: [{ name: 'rollout_seconds', points: rates.map((r, i) => [r * 100, secs[i]!] as const) }],
          }),
        ),
        table(
          [
            'canary errors',
            'rolled back',
            'promoted',
            'verdict after (s)',
            'users success rate',
            "users' 503s",
          ],
          rates.map((r, i) => {
            const f = figs[i]!;
            return [
              `${r * 100} %`,
              withCi(f[`rolled_back(${NAME})`]),
              withCi(f[`promoted(${NAME})`]),
              withCi(f[`rollout_seconds(${NAME})`]),
              withCi(f['success_rate(users)']),
              withCi(f['count(503)']),
            ];
          }),
        ),
      ],
    };
  },
};
