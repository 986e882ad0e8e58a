import { mkdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMesh } from '../../bench/scale/generate-mesh.js';
import { chartData, timeAxis } from '../../web/src/charts/series.js';
import { checkModel } from '../../web/src/worker/check.js';
import type { ModelInput, RunOutput } from '../../web/src/worker/protocol.js';
import { simulate } from '../../web/src/worker/simulate.js';
import { startApp, waitForRuns, watchedPage } from './browser.js';

/**
 * Scale events in the app: the Replicas By Workload panel and the timeline markers every panel draws on
 * the shared x axis, for the HPA ramp model (small) and a ~200-pod generated mesh with chaos events.
 * Screenshots go to test-artifacts/web/autoscaling-*.png.
 */
const SHOTS = 'test-artifacts/web';
const RAMP: ModelInput = {
  scenario: {
    file: 'ramp.scenario.yaml',
    text: readFileSync('models/autoscaling/ramp.scenario.yaml', 'utf8'),
  },
  manifests: [{ file: 'checkout.yaml', text: readFileSync('models/autoscaling/checkout.yaml', 'utf8') }],
};

/** The generated mesh of panels.test.ts, with a chaos scale-up, a crash that reverts, and a zone going down. */
function bigMesh() {
  const mesh = generateMesh({
    services: 20,
    podsPerService: 10,
    clientPods: 4,
    depth: 3,
    fanOut: 1,
    ratePerSec: 1000,
    durationMs: 10_000,
    outlierDetection: true,
    retries: true,
    errorRate: 0.02,
  });
  const events = `  events:
    - { at: 3s, target: scale/svc-0, scale: { replicas: 14 } }
    - { at: 5s, target: scale/svc-1, crash: { pods: 3 }, for: 2s }
    - { at: 8s, target: scale/svc-2, scale: { replicas: 4 } }
`;
  return { ...mesh, scenario: { ...mesh.scenario, text: `${mesh.scenario.text.trimEnd()}\n${events}` } };
}

async function run(input: ModelInput): Promise<RunOutput> {
  const checked = checkModel(input);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return simulate(checked.loaded!, checked.size!, undefined);
}

/** [seconds, replicas] wherever the line changes, its first point included. */
function steps(points: readonly [number, number][]): [number, number][] {
  return points.filter((p, i) => i === 0 || p[1] !== points[i - 1]![1]);
}

describe('Replicas By Workload and the timeline markers (panel data)', () => {
  it('ramp: 2 -> 4 -> 8 -> 3 pods, stepping at each rescale; three rescale markers', async () => {
    const out = await run(RAMP);
    const replicas = chartData(out).find((c) => c.id === 'replicas')!;
    expect([replicas.title, replicas.unit]).toEqual(['Replicas By Workload', 'pods']);
    expect(replicas.lines.map((l) => l.label)).toEqual(['checkout.shop']);
    expect(out.timeline.intervalMs).toBe(1000);
    // A gauge at each interval's end, from the warm-up's end (10 s); the worker runs the events at an
    // interval's last instant before it samples, so a rescale on a boundary (every sync is) shows at its time.
    expect(steps(replicas.lines[0]!.points)).toEqual([
      [10, 2],
      [75, 4],
      [135, 8],
      [675, 3],
    ]);
    expect(timeAxis(out).markers.map((m) => [m.s, m.kind])).toEqual([
      [75, 'rescale'],
      [135, 'rescale'],
      [675, 'rescale'],
    ]);
    expect(timeAxis(out).markers[0]!.title).toBe(
      '75 s · HorizontalPodAutoscaler shop/checkout: SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );
  }, 120_000);

  it('200 pods: one line per Deployment; chaos scale and crash move only their workloads', async () => {
    const mesh = bigMesh();
    const out = await run({ scenario: mesh.scenario, manifests: [mesh.manifests] });
    const replicas = chartData(out).find((c) => c.id === 'replicas')!;
    expect(replicas.lines).toHaveLength(20);
    const line = (k: string) => steps(replicas.lines.find((l) => l.key === k)!.points).map((p) => p[1]);
    expect(line('scale/svc-0')).toEqual([10, 14]);
    // A crashed pod still exists (kube_deployment_status_replicas counts it): svc-1 stays at 10.
    expect(line('scale/svc-1')).toEqual([10]);
    expect(line('scale/svc-2')).toEqual([10, 4]);
    expect(line('scale/svc-3')).toEqual([10]);
    expect(timeAxis(out).markers.map((m) => [m.s, m.kind])).toEqual([
      [3, 'chaos'],
      [5, 'chaos'],
      [7, 'chaos-revert'],
      [8, 'chaos'],
    ]);
  }, 120_000);
});

let url = '';
let context: BrowserContext;
let close: (() => Promise<void>) | undefined;
const problems: string[] = [];

async function openWith(files: { file: string; text: string }[]): Promise<Page> {
  const page = await watchedPage(context, 'about:blank', problems);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(url);
  await waitForRuns(page, 1);
  await page
    .locator('#file-input')
    .setInputFiles(files.map((f) => ({ name: f.file, mimeType: 'text/yaml', buffer: Buffer.from(f.text) })));
  await waitForRuns(page, 2, 180_000);
  return page;
}

/** The results pane scrolls inside the page: a tall viewport shows all of it for a screenshot. */
async function shoot(page: Page, path: string): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 3600 });
  await page.locator('#charts').screenshot({ path });
  await page.setViewportSize({ width: 1400, height: 900 });
}

/** Per panel: the times of its markers (every panel, the ejection timeline included, has the same). */
async function markerTimes(page: Page): Promise<string[]> {
  return page
    .locator('#charts svg.plot')
    .evaluateAll((ss) =>
      ss.map((s) => [...s.querySelectorAll('g.marker')].map((g) => g.getAttribute('data-s')).join(',')),
    );
}

describe('the app (built, Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ url, context, close } = await startApp());
  }, 600_000);

  afterAll(async () => {
    await close?.();
  });

  it('ramp: the Replicas panel steps to 8 and every panel marks the three rescales', async () => {
    const page = await openWith([RAMP.scenario, ...RAMP.manifests]);
    const fig = page.locator('figure[data-id="replicas"]');
    expect(await fig.locator('h3').textContent()).toBe('Replicas By Workload');
    expect(await fig.locator('path.run').getAttribute('data-max')).toBe('8');
    expect(await fig.locator('ul.legend li.item').allTextContents()).toEqual(['checkout.shop']);
    expect(await fig.locator('li.base-note').textContent()).toContain('blue HPA rescale');
    const times = await markerTimes(page);
    expect(times.length).toBe(await page.locator('#charts figure').count());
    expect(new Set(times)).toEqual(new Set(['75,135,675']));
    expect(await page.locator('#charts g.marker.rescale title').first().textContent()).toContain(
      'SuccessfulRescale New size: 4',
    );
    await shoot(page, `${SHOTS}/autoscaling-ramp-charts.png`);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('200 pods: 20 replica lines, chaos markers on every panel', async () => {
    const mesh = bigMesh();
    const page = await openWith([mesh.scenario, mesh.manifests]);
    const fig = page.locator('figure[data-id="replicas"]');
    expect(await fig.locator('path.run').count()).toBe(20);
    expect(await fig.locator('ul.legend li.item').count()).toBe(20);
    const times = await markerTimes(page);
    expect(new Set(times)).toEqual(new Set(['3,5,7,8']));
    expect(await page.locator('#charts figure[data-id="volume"] g.marker.chaos-revert').count()).toBe(1);
    await shoot(page, `${SHOTS}/autoscaling-200-pods-charts.png`);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
