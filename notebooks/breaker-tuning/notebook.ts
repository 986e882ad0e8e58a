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

const POOL = 'DestinationRule/default/httpbin:spec.trafficPolicy.connectionPool';
const METRICS = ['success_rate(fortio)', 'p99(fortio)', 'count(UO)', 'qps(fortio)'];
const SLO = { success: 0.999, p99Ms: 50 };
const QPS_PER_CONNECTION = 100;

function point(connections: number, pending: number, maxConnections: number): Point {
  return {
    label: `c=${connections} pending=${pending} maxConnections=${maxConnections}`,
    set: {
      'Scenario:spec.traffic[0].connections': connections,
      'Scenario:spec.traffic[0].qps': QPS_PER_CONNECTION,
      'Scenario:spec.traffic[0].count': 100_000_000,
      [`${POOL}.http.http1MaxPendingRequests`]: pending,
      [`${POOL}.tcp.maxConnections`]: maxConnections,
      [`${POOL}.http.maxRequestsPerConnection`]: 0,
    },
  };
}

export const notebook: Notebook = {
  title: 'Breaker tuning: http1MaxPendingRequests and maxConnections against offered load and an SLO',
  question: `Which http1MaxPendingRequests and maxConnections keep httpbin's clients within an SLO of ${SLO.success * 100} % success and p99 < ${SLO.p99Ms} ms as the offered load grows?`,
  async run(s) {
    const base = await readModel('models/circuit-breaker/fortio-c2.scenario.yaml');
    const loads = s.short ? [2, 16] : [1, 2, 4, 8, 16, 32];
    const pendings = s.short ? [1, 100] : [1, 10, 100];
    const maxConns = s.short ? [1, 10] : [1, 4, 16];
    const o = {
      replications: s.short ? 1 : 3,
      durationMs: s.short ? 10_000 : 30_000,
      seed: 11,
      workers: s.workers,
    };
    const pts = maxConns.flatMap((mc) => pendings.flatMap((p) => loads.map((c) => point(c, p, mc))));
    const figs = await runPoints(base, pts, METRICS, o);
    const at = (mc: number, p: number, c: number) =>
      figs[(maxConns.indexOf(mc) * pendings.length + pendings.indexOf(p)) * loads.length + loads.indexOf(c)]!;
    const meets = (f: (typeof figs)[number]) =>
      (f['success_rate(fortio)']!.mean ?? 0) >= SLO.success &&
      (f['p99(fortio)']!.mean ?? Infinity) < SLO.p99Ms;
    // The smallest limits (by maxConnections, then pending) that meet the SLO at each load.
    const choice = loads.map((c) => {
      for (const mc of maxConns) for (const p of pendings) if (meets(at(mc, p, c))) return { c, mc, p };
      return { c, mc: null, p: null };
    });
    const top = loads[loads.length - 1]!;
    const answer = `${choice
      .map((x) =>
        x.mc === null
          ? `At ${x.c * QPS_PER_CONNECTION} requests/s (${x.c} connections) no setting tried meets the SLO.`
          : `At ${x.c * QPS_PER_CONNECTION} requests/s (${x.c} connections) the smallest setting meeting it is maxConnections ${x.mc} with http1MaxPendingRequests ${x.p}.`,
      )
      .join(
        ' ',
      )} With the recipe's limits (1 and 1) at ${top * QPS_PER_CONNECTION} requests/s users get a success rate of ${fmt(at(maxConns[0]!, pendings[0]!, top)['success_rate(fortio)']!.mean)}: the rest overflow as 503 UO.`;
    return {
      answer,
      figures: {
        recipeSuccessAtTop: at(maxConns[0]!, pendings[0]!, top)['success_rate(fortio)']!.mean!,
        roomySuccessAtTop: at(maxConns[maxConns.length - 1]!, pendings[pendings.length - 1]!, top)[
          'success_rate(fortio)'
        ]!.mean!,
        overflowAtTop: at(maxConns[0]!, pendings[0]!, top)['count(UO)']!.mean!,
      },
      sections: [
        md(
          `The model (\`models/circuit-breaker\`) is Istio's circuit-breaking task: fortio calling httpbin through a DestinationRule with \`maxConnections: 1\` and \`http1MaxPendingRequests: 1\`. We turn fortio into a paced load (${QPS_PER_CONNECTION} requests/s per connection, so offered load = connections x ${QPS_PER_CONNECTION}), allow connection reuse (\`maxRequestsPerConnection: 0\`), and vary both limits. Requests over the limits are refused at once by the client sidecar with 503 and the UO flag.`,
        ),
        ...maxConns.map((mc) =>
          chart(
            lineChart({
              title: `maxConnections ${mc}: success rate versus offered load`,
              x: { label: 'offered load (requests/s)', log: true },
              y: { label: 'success rate (fortio)', max: 1 },
              series: pendings.map((p) => ({
                name: `pending ${p}`,
                points: loads.map(
                  (c) => [c * QPS_PER_CONNECTION, at(mc, p, c)['success_rate(fortio)']!.mean] as const,
                ),
              })),
              rules: [{ y: SLO.success, label: `SLO ${SLO.success * 100} %` }],
            }),
          ),
        ),
        chart(
          lineChart({
            title: `p99 versus offered load (maxConnections ${maxConns[maxConns.length - 1]})`,
            x: { label: 'offered load (requests/s)', log: true },
            y: { label: 'p99 (ms)', min: 0 },
            series: pendings.map((p) => ({
              name: `pending ${p}`,
              points: loads.map(
                (c) =>
                  [
                    c * QPS_PER_CONNECTION,
                    at(maxConns[maxConns.length - 1]!, p, c)['p99(fortio)']!.mean,
                  ] as const,
              ),
            })),
            rules: [{ y: SLO.p99Ms, label: `SLO ${SLO.p99Ms} ms` }],
          }),
        ),
        table(
          ['load rps', 'maxConnections', 'pending', 'success rate', 'p99 ms', 'UO', 'meets SLO'],
          maxConns.flatMap((mc) =>
            pendings.flatMap((p) =>
              loads.map((c) => {
                const f = at(mc, p, c);
                return [
                  String(c * QPS_PER_CONNECTION),
                  String(mc),
                  String(p),
                  withCi(f['success_rate(fortio)']),
                  withCi(f['p99(fortio)']),
                  withCi(f['count(UO)']),
                  meets(f) ? 'yes' : 'no',
                ];
              }),
            ),
          ),
        ),
      ],
    };
  },
};
