import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BucketCdf,
  buildModel,
  type CalibratedModel,
  compareModels,
  parseInput,
  toRates,
} from '../../src/calibrate/index.js';
import { main } from '../../src/cli/main.js';
import { lineChart } from '../lib/charts.js';
import { chart, fmt, md, type Notebook, table } from '../lib/notebook.js';

const MODEL = 'models/calibration/shop.scenario.yaml';
/** What the model itself says (models/calibration/shop.scenario.yaml), to set beside the fits. */
const TRUTH: Record<string, string> = {
  'shop/web': 'lognormal 8 ms / 40 ms',
  'shop/catalog': 'lognormal 5 ms / 30 ms',
  'shop/reviews': 'lognormal 12 ms / 80 ms',
  'shop/db': 'exponential mean 2 ms',
};

/** `meshsim <args>` in-process; throws on a non-zero exit (a notebook has no user to tell). */
async function meshsim(...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['node', 'meshsim', ...args], {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    isTty: false,
  });
  if (code !== 0) throw new Error(`meshsim ${args.join(' ')}: exit ${code}: ${err}`);
  return out;
}

function observe(file: string): CalibratedModel {
  const parsed = parseInput({ file, text: readFileSync(file, 'utf8') });
  return buildModel(toRates([{ file, parsed }], undefined), 'destination');
}

const cdfPoints = (h: BucketCdf | undefined) =>
  (h?.le ?? []).filter((le) => le <= 1000).map((le, i) => [le, h!.cum[i]! / h!.total] as const);

/** One workload's duration CDF at the bucket bounds, in the original run and in the replay. */
function cdfChart(workload: string, a: CalibratedModel, b: CalibratedModel) {
  return chart(
    lineChart({
      title: `${workload.split('/')[1]}: duration CDF at the bucket bounds, original run and replay`,
      x: { label: 'le (ms)', log: true },
      y: { label: 'share of requests at most le', min: 0, max: 1 },
      series: [
        { name: 'original', points: cdfPoints(a.workloads.get(workload)?.histogram) },
        { name: 'replay of the calibration', points: cdfPoints(b.workloads.get(workload)?.histogram) },
      ],
    }),
  );
}

interface Report {
  workloads: {
    workload: string;
    requestsPerSecond: number;
    errors: { status: number; share: number }[];
    latency: {
      distribution: unknown;
      ks: number;
      observedMs: Record<string, number>;
      fittedMs: Record<string, number>;
      maxRelativeError: number;
    } | null;
  }[];
}

export const notebook: Notebook = {
  title: 'Calibrate and replay: a scenario from Prometheus data, checked against the run it came from',
  question:
    'Given only the Istio metrics Prometheus scraped from a mesh, how close does the scenario `meshsim calibrate` writes come to the mesh that produced them: its call graph, latencies and errors?',
  async run(s) {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-calibrate-notebook-'));
    const first = join(dir, 'first.prom');
    const duration = s.short ? ['-d', '12s'] : ['-d', '60s'];
    await meshsim('run', MODEL, ...duration, '-f', 'prometheus', '-o', first);
    const calibrated = join(dir, 'calibrated.scenario.yaml');
    const report = JSON.parse(await meshsim('calibrate', first, '-o', calibrated, '-f', 'json')) as Report;
    const second = join(dir, 'second.prom');
    await meshsim('run', calibrated, ...duration, '-f', 'prometheus', '-o', second);
    const a = observe(first);
    const b = observe(second);
    const comparisons = compareModels(a, b);
    const passed = comparisons.filter((c) => c.ok).length;
    const worstKs = Math.max(...report.workloads.map((w) => w.latency?.ks ?? 0));
    const web = report.workloads.find((w) => w.workload === 'shop/web')!;
    const answer = `From the metrics alone the calibrated scenario reproduces **${passed} of ${comparisons.length}** figures of the original run within their stated tolerances (edge rates within Poisson noise, p50/p99 within the histogram bucket, error shares within binomial noise); every fitted latency meets its histogram within a KS distance of ${fmt(worstKs, 3)}. web's own service time, with its calls to catalog and reviews taken out by convolution, comes out as ${JSON.stringify(web.latency?.distribution)} against the model's lognormal 8 ms / 40 ms.`;
    const q = (o: Record<string, number> | undefined) =>
      o ? `${fmt(o.p50!, 3)} / ${fmt(o.p90!, 3)} / ${fmt(o.p99!, 3)}` : '-';
    return {
      answer,
      figures: { passed, total: comparisons.length, worstKs },
      sections: [
        md(
          `The model (\`${MODEL}\`) is a three-tier shop: frontend → web → {catalog, reviews (30 %)}, catalog → db (1.5 queries per request); reviews answers 2 % 503s, which web propagates; web fails 0.5 % by itself. We run it with \`-f prometheus\` (Istio's \`istio_requests_total\` and \`istio_request_duration_milliseconds\` as a sidecar would expose them), calibrate a scenario from that file alone (\`meshsim calibrate first.prom -o calibrated.scenario.yaml\`), run the calibrated scenario with another seed and compare the two runs' metrics. docs/calibration.md explains the method.`,
        ),
        md('### The fits'),
        table(
          [
            'workload',
            'model',
            'fitted',
            'KS',
            'observed p50 / p90 / p99 ms',
            'fitted p50 / p90 / p99 ms',
            'errors',
          ],
          report.workloads.map((w) => [
            w.workload,
            TRUTH[w.workload] ?? '-',
            JSON.stringify(w.latency?.distribution ?? null),
            w.latency ? fmt(w.latency.ks, 3) : '-',
            q(w.latency?.observedMs),
            q(w.latency?.fittedMs),
            w.errors.map((e) => `${e.status}: ${fmt(100 * e.share, 3)} %`).join(', ') || '-',
          ]),
        ),
        cdfChart('shop/web', a, b),
        cdfChart('shop/catalog', a, b),
        md('### Original run versus the replay'),
        table(
          ['figure', 'of', 'original', 'replay', 'tolerance', 'within'],
          comparisons.map((c) => [
            c.figure,
            c.key,
            fmt(c.a, 4),
            fmt(c.b, 4),
            `± ${fmt(c.tolerance, 3)}`,
            c.ok ? 'yes' : 'NO',
          ]),
        ),
      ],
    };
  },
};
