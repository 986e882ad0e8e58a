import { mkdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMesh } from '../../bench/scale/generate-mesh.js';
import { startApp, waitForRuns, watchedPage } from './browser.js';

/**
 * The dashboard panels and the tables in Chromium (the built app, its own build directory so it can run
 * beside app.test.ts). Screenshots go to test-artifacts/web/panels-*.png and tables-*.png.
 */
const SHOTS = 'test-artifacts/web';
let url = '';
let context: BrowserContext;
let close: (() => Promise<void>) | undefined;
const problems: string[] = [];

async function openPage(width = 1400): Promise<Page> {
  const page = await watchedPage(context, 'about:blank', problems);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(url);
  return page;
}

/** The results pane scrolls inside the page: a tall viewport shows all of it for a screenshot. */
async function shoot(page: Page, selector: string, path: string): Promise<void> {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 3400 });
  await page.locator(selector).screenshot({ path });
  await page.setViewportSize(size);
}

async function paste(page: Page, text: string, runs: number): Promise<void> {
  await page.click('#paste-open');
  await page.fill('#paste-text', text);
  await page.click('#paste-add');
  await waitForRuns(page, runs);
}

const queueModel = () => readFileSync('test/web/fixtures/canary-queue.scenario.yaml', 'utf8');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ url, context, close } = await startApp());
  // Two builds (this file's and app.test.ts's) share the machine when the suite runs in parallel.
}, 600_000);

afterAll(async () => {
  await close?.();
});

describe('dashboard panels (built app, Chromium)', () => {
  it('draws the canary with Grafana panel names, units, a capped success axis, one x axis and the warm-up', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    const titles = await page.locator('#charts figure h3').allTextContents();
    for (const t of [
      'Request Volume',
      'Request Success Rate (non-5xx responses)',
      'Request Duration',
      'Incoming Requests By Source And Response Code',
      'Requests By Response Flag (%RESPONSE_FLAGS%)',
      'App Queue Length By Workload',
      'Ejections (outlier detection)',
    ])
      expect(titles).toContain(t);
    expect(titles.some((t) => t.startsWith('In-flight Requests (upstream_rq_active'))).toBe(true);
    // The success axis never passes 100 %: its domain ends at 100 and so does its top tick.
    const success = page.locator('figure[data-id="success"] svg.plot');
    const [lo, hi] = (await success.getAttribute('data-y-domain'))!.split(',').map(Number);
    expect(hi).toBe(100);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThan(100);
    const successTicks = await success.locator('g.y .tick text').allTextContents();
    expect(successTicks.at(-1)).toBe('100 %');
    // Duration ticks carry their unit (ms or s), never a bare SI number such as "12k".
    const latencyTicks = await page.locator('figure[data-id="latency"] g.y .tick text').allTextContents();
    expect(latencyTicks.length).toBeGreaterThan(2);
    for (const t of latencyTicks) expect(t).toMatch(/^(0|[\d.]+ (ms|s))$/);
    // Every panel, the ejection timeline included, has the same x domain: the whole simulated run.
    const domains = await page
      .locator('#charts svg.plot')
      .evaluateAll((ss) => ss.map((s) => s.getAttribute('data-x-domain')));
    const simulatedS = (await page.locator('#time').getAttribute('max'))!;
    expect(new Set(domains)).toEqual(new Set([`0,${Number(simulatedS) / 1000}`]));
    // The warm-up (5 s) is shaded and labelled in every panel, no line has a point inside it, and every
    // panel has the cursor.
    const figures = await page.locator('#charts figure').count();
    expect(await page.locator('#charts rect.warmup').count()).toBe(figures);
    expect(await page.locator('#charts text.warmup').first().textContent()).toBe('warm-up');
    expect(await page.locator('#charts line.cursor').count()).toBe(figures);
    const inside = await page.locator('#charts svg.plot').evaluateAll((ss) =>
      ss.flatMap((s) => {
        const band = s.querySelector('rect.warmup');
        if (!band) return ['no band'];
        const edge = Number(band.getAttribute('x')) + Number(band.getAttribute('width'));
        return [...s.querySelectorAll('path.run')].flatMap((p) => {
          const xs = [...(p.getAttribute('d') ?? '').matchAll(/[ML]([\d.-]+),/g)].map((m) => Number(m[1]));
          return xs.filter((x) => x < edge - 0.01).map((x) => `${p.getAttribute('data-key')} at ${x}`);
        });
      }),
    );
    expect(inside).toEqual([]);
    const firsts = await page
      .locator('#charts path.run')
      .evaluateAll((ps) => ps.map((p) => Number(p.getAttribute('data-first-s'))));
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: `${SHOTS}/panels-canary-1400.png` });
    await shoot(page, '#charts', `${SHOTS}/panels-canary-charts.png`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('exports a panel as SVG and PNG with its title, legend and units inside the image', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    const fig = page.locator('figure[data-id="latency"]');
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      fig.getByRole('button', { name: 'Export latency chart as SVG' }).click(),
    ]);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg).toContain('<text class="title"');
    expect(svg).toContain('>Request Duration</text>');
    for (const legend of ['P50', 'P90', 'P99']) expect(svg).toContain(`>${legend}</text>`);
    expect(svg).toMatch(/>\d+(\.\d+)? (ms|s)<\/text>/);
    expect(svg).toContain('>warm-up</text>');
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      fig.getByRole('button', { name: 'Export latency chart as PNG' }).click(),
    ]);
    await pngDownload.saveAs(`${SHOTS}/panels-export-latency.png`);
    const png = readFileSync((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 2x the panel: wider than the plot's 420 px viewBox and taller than its 190 px (title and legend).
    const w = png.readUInt32BE(16);
    const h = png.readUInt32BE(20);
    const width = 420 + 16;
    expect(w).toBe(2 * width);
    expect(h).toBeGreaterThan(2 * (190 + 20));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the v2 app queue while v2 is slow, labels knobs by resource and route, resets the cursor', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    // The canary's cursor moved back to 10 s; the next model must not inherit it.
    await page.locator('#time').fill('10000');
    await paste(page, queueModel(), 2);
    // The cursor is at the new run's end (40 s + drain) in every panel, not at the old model's 10 s.
    const end = Number(await page.locator('#time').getAttribute('max')) / 1000;
    expect(end).toBeGreaterThan(40);
    const cursors = await page
      .locator('#charts line.cursor')
      .evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-s'))));
    expect(new Set(cursors)).toEqual(new Set([end]));
    expect(await page.locator('#time-out').textContent()).toBe(`${end.toFixed(1)} s`);
    const queue = page.locator('figure[data-id="queue"] path.run[data-key="shop/reviews-v2"]');
    expect(Number(await queue.getAttribute('data-max'))).toBeGreaterThan(100);
    const v1 = page.locator('figure[data-id="queue"] path.run[data-key="shop/reviews-v1"]');
    expect(Number(await v1.getAttribute('data-max'))).toBeLessThan(10);
    // The client sidecars hold those requests too: upstream_rq_active rises with the queue.
    const active = page.locator('figure[data-id="inflight"] path.run[data-key="active"]');
    expect(Number(await active.getAttribute('data-max'))).toBeGreaterThan(100);
    await shoot(page, '#charts', `${SHOTS}/panels-queue-charts.png`);
    await page.click('#tab-whatif');
    const labels = await page.locator('#knobs label').allTextContents();
    expect(labels).toContain("VirtualService reviews, route 'canary' (http[0]) weight → v2");
    expect(await page.locator('#knobs fieldset legend').allTextContents()).toContain(
      'VirtualService shop/reviews',
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('tables and Compare stay readable', () => {
  for (const width of [1400, 800]) {
    it(`at ${width} px: no letter-per-line cells, Δ columns fit, both runs visible in Compare`, async () => {
      const page = await openPage(width);
      await waitForRuns(page, 1);
      await paste(page, queueModel(), 2);
      await page.click('#tab-whatif');
      const knob = page.getByLabel("VirtualService reviews, route 'canary' (http[0]) weight → v2");
      await knob.fill('40');
      await knob.press('Enter');
      await waitForRuns(page, 3);
      expect(await page.locator('#tables table[data-table="clients"] th.delta').count()).toBeGreaterThan(0);
      // Every cell of every table at least 40 px wide and one line tall (no wrapping).
      const cells = await page.locator('#tables td, #tables th, #compare td, #compare th').evaluateAll((cs) =>
        cs.map((c) => {
          const r = c.getBoundingClientRect();
          return { w: r.width, h: r.height, text: c.textContent ?? '' };
        }),
      );
      expect(cells.length).toBeGreaterThan(50);
      const narrow = cells.filter((c) => c.w < 40);
      expect(narrow).toEqual([]);
      const tall = cells.filter((c) => c.h > 24);
      expect(tall).toEqual([]);
      // The client name is on one line in full.
      const name = page.locator('#tables table[data-table="clients"] tbody td').first();
      expect(await name.textContent()).toBe('frontend');
      // A table wider than its box scrolls inside the box; the page itself does not scroll sideways.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // Compare: both runs' columns are inside the viewport; side by side when wide, stacked when narrow.
      const cols = await page.locator('#compare .compare-col').evaluateAll((cs) =>
        cs.map((c) => {
          const r = c.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
      );
      expect(cols).toHaveLength(2);
      const vw = await page.evaluate(() => document.documentElement.clientWidth);
      for (const c of cols) {
        expect(c.left).toBeGreaterThanOrEqual(0);
        expect(c.right).toBeLessThanOrEqual(vw);
      }
      if (width === 800) expect(cols[1]!.top).toBeGreaterThanOrEqual(cols[0]!.bottom);
      else expect(cols[1]!.top).toBe(cols[0]!.top);
      // Run B's Δ columns are there and inside its scroll box (reachable, not cut off by the page).
      const runB = page.locator('#compare .compare-col').nth(1);
      expect(await runB.locator('table[data-table="clients"] th.delta').count()).toBeGreaterThan(0);
      await shoot(page, '#tables', `${SHOTS}/tables-${width}.png`);
      await shoot(page, '#compare', `${SHOTS}/tables-compare-${width}.png`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('a ~200-pod generated mesh', () => {
  it('runs and draws every panel with readable legends', async () => {
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
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.locator('#file-input').setInputFiles([
      { name: mesh.scenario.file, mimeType: 'text/yaml', buffer: Buffer.from(mesh.scenario.text) },
      { name: mesh.manifests.file, mimeType: 'text/yaml', buffer: Buffer.from(mesh.manifests.text) },
    ]);
    await waitForRuns(page, 2);
    expect(await page.locator('#status').textContent()).toMatch(/^Run #\d+: 10(\.\d+)? s simulated/);
    const volume = await page.locator('figure[data-id="volume"] path.run').count();
    expect(volume).toBe(20);
    expect(await page.locator('figure[data-id="queue"] ul.legend li.item').count()).toBe(20);
    await page.screenshot({ path: `${SHOTS}/panels-200-pods.png` });
    await shoot(page, '#charts', `${SHOTS}/panels-200-pods-charts.png`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
