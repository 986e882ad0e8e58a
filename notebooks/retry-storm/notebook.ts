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

const SERVICES = ['svc-a', 'svc-b', 'svc-c'] as const;

/** The Envoy circuit breaker Istio exposes as a retry budget: concurrent retries per client sidecar. */
const budgetRules = SERVICES.map(
  (s) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${s}, namespace: storm}
spec:
  host: ${s}
  trafficPolicy:
    connectionPool:
      http: {maxRetries: 2147483647}
`,
).join('---\n');

/** Depth d: the d-th service fails and calls nothing further; every layer retries `attempts` times. */
function point(attempts: number, depth: number, maxRetries?: number): Point {
  const failing = SERVICES[depth - 1]!;
  const set: Point['set'] = {
    'Scenario:spec.warmup': '10s',
    'Scenario:spec.events[0].target': `storm/${failing}`,
    [`Scenario:spec.workloads["storm/${failing}"].calls`]: [],
  };
  for (const s of SERVICES) set[`VirtualService/storm/${s}:spec.http[0].retries.attempts`] = attempts;
  if (maxRetries !== undefined)
    for (const s of SERVICES)
      set[`DestinationRule/storm/${s}:spec.trafficPolicy.connectionPool.http.maxRetries`] = maxRetries;
  return { label: `${attempts}/${depth}/${maxRetries ?? '-'}`, set };
}

export const notebook: Notebook = {
  title: 'Retry storm: amplification versus retry attempts and call depth, and where a retry budget stops it',
  question:
    'When the deepest service of a call chain fails, how many requests does it receive per user request for a given number of retry attempts per hop and call depth, and which maxRetries stops the storm?',
  async run(s) {
    const base = await readModel('models/retry-storm/retry-storm.scenario.yaml', [
      { file: 'retry-budget.yaml', text: budgetRules },
    ]);
    const attempts = s.short ? [1, 2] : [1, 2, 3];
    const depths = s.short ? [1, 3] : [1, 2, 3];
    const o = {
      replications: s.short ? 1 : 3,
      durationMs: s.short ? 14_000 : 20_000,
      seed: 11,
      workers: s.workers,
    };
    const gridPts = depths.flatMap((d) => attempts.map((a) => point(a, d)));
    const metricsOf = (d: number) => `amplification(${SERVICES[d - 1]})`;
    const metrics = [...SERVICES.map((x) => `amplification(${x})`), 'success_rate(frontend)'];
    const grid = await runPoints(base, gridPts, metrics, o);
    const amp = (d: number, a: number) =>
      grid[depths.indexOf(d) * attempts.length + attempts.indexOf(a)]![metricsOf(d)]!.mean!;
    const budgets = s.short ? [1, 1000] : [1, 2, 5, 10, 50, 1000];
    const budgetFigs = await runPoints(
      base,
      budgets.map((b) => point(2, 3, b)),
      [...metrics, 'stat(upstream_rq_retry_overflow)'],
      o,
    );
    const deepest = Math.max(...depths);
    const worst = amp(deepest, 2);
    const budgeted = budgetFigs.map((f) => f['amplification(svc-c)']!.mean!);
    const stop = budgets.find((_, i) => budgeted[i]! < 2) ?? null;
    const answer = `With 2 retries per hop the failing service at depth ${deepest} receives **${fmt(worst, 3)}** requests per user request (about 3^${deepest} = ${3 ** deepest}), and ${fmt(amp(1, 2), 3)} at depth 1: amplification grows as (attempts + 1)^depth. ${
      stop === null
        ? `maxRetries does not stop it at this load: with maxRetries ${budgets[0]} svc-c still receives ${fmt(budgeted[0]!, 3)} requests per user request (${fmt(budgeted[budgeted.length - 1]!, 3)} with ${budgets[budgets.length - 1]}). It caps concurrent retries per client sidecar and cluster, and at 100 requests/s with 5 ms answers retries rarely overlap; it bites only when retries pile up (slow failures, high load).`
        : `A retry budget of maxRetries ${stop} concurrent retries per client sidecar (DestinationRule connectionPool.http.maxRetries) brings it down to ${fmt(budgeted[budgets.indexOf(stop)]!, 3)}; retries beyond the budget are refused (upstream_rq_retry_overflow) instead of multiplying load.`
    }`;
    return {
      answer,
      figures: { worst, depth1: amp(1, 2), budgetedMin: Math.min(...budgeted) },
      sections: [
        md(
          `The model (\`models/retry-storm\`) is a chain frontend → svc-a → svc-b → svc-c where every app propagates a failed call as its own 503 and every hop's VirtualService retries on 5xx. From t = 10 s the service at the chosen depth fails every request (the warm-up is set to 10 s, so figures cover the failure only). We vary \`retries.attempts\` on all three VirtualServices and the depth of the failing service, then add a DestinationRule per service with \`connectionPool.http.maxRetries\` (Envoy's \`max_retries\` circuit breaker, Istio's only retry budget).`,
        ),
        chart(
          lineChart({
            title: 'Requests reaching the failing service per user request',
            x: { label: 'retry attempts per hop' },
            y: { label: 'amplification', min: 0 },
            series: depths.map((d) => ({
              name: `depth ${d}`,
              points: attempts.map((a) => [a, amp(d, a)] as const),
            })),
          }),
        ),
        table(
          ['depth', ...attempts.map((a) => `attempts ${a}`), 'expected at 2'],
          depths.map((d) => [String(d), ...attempts.map((a) => fmt(amp(d, a), 4)), String(3 ** d)]),
        ),
        md('### The retry budget'),
        chart(
          lineChart({
            title: 'Amplification at svc-c (depth 3, 2 attempts) versus maxRetries',
            x: { label: 'maxRetries (concurrent retries per sidecar and cluster)', log: true },
            y: { label: 'amplification', min: 0 },
            series: [{ name: 'svc-c', points: budgets.map((b, i) => [b, budgeted[i]!] as const) }],
            rules: [{ y: 1, label: 'no retries' }],
          }),
        ),
        table(
          ['maxRetries', 'svc-a', 'svc-b', 'svc-c', 'retry overflows'],
          budgets.map((b, i) => [
            String(b),
            ...SERVICES.map((x) => withCi(budgetFigs[i]![`amplification(${x})`])),
            withCi(budgetFigs[i]!['stat(upstream_rq_retry_overflow)']),
          ]),
        ),
      ],
    };
  },
};
