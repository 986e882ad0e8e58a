import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchProblems } from './browser.js';
import { bigMesh, chainModel, missingSubsetModel } from './graph-models.js';

/**
 * The mesh graph in Chromium (built app, vite preview on 127.0.0.1): the call chain is connected, graph
 * types count the nodes Kiali would draw, edge labels show figures, the side panel shows the selected
 * edge, a missing subset says why, and a 200-pod mesh renders with labels that do not overlap and never
 * below 10 px. Screenshots: test-artifacts/web/graph-*.png.
 */
const SHOTS = 'test-artifacts/web';
let url = '';
let context: BrowserContext;
let close: (() => Promise<void>) | undefined;
const problems: string[] = [];

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(url);
  await page.waitForFunction(() => (window.__meshsim?.runs ?? 0) >= 1, null, { timeout: 60_000 });
  return page;
}

/** Pastes a scenario and waits for its run. */
async function paste(page: Page, yaml: string): Promise<void> {
  const n = (await page.evaluate(() => window.__meshsim?.runs ?? 0)) + 1;
  await page.click('#paste-open');
  await page.fill('#paste-text', yaml);
  await page.click('#paste-add');
  await page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout: 120_000 });
}

const nodeIds = (page: Page) =>
  page
    .locator('#graph g.node')
    .evaluateAll((gs) => gs.map((g) => (g as SVGGElement & { __data__: { id: string } }).__data__.id));
const edgePairs = (page: Page) =>
  page
    .locator('#graph g.edge')
    .evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-source')!, g.getAttribute('data-target')!]));
const edgeLabels = (page: Page) =>
  page
    .locator('#graph g.edge-label:not([data-hidden])')
    .evaluateAll((gs) => gs.map((g) => g.querySelector('text')!.textContent ?? ''));

/**
 * Every label's box on screen (node names and second lines, namespace titles, shown edge labels), its
 * on-screen font size, and whether it lies inside the graph's SVG.
 */
function labelBoxes(page: Page) {
  return page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('#graph svg.mesh-graph')!;
    const frame = svg.getBoundingClientRect();
    const texts = [
      ...svg.querySelectorAll<SVGTextElement>(
        'g.node text, text.ns-title, g.edge-label:not([data-hidden]) text',
      ),
    ].filter((t) => (t.textContent ?? '') !== '');
    return {
      frame: { x: frame.x, y: frame.y, w: frame.width, h: frame.height },
      boxes: texts.map((t) => {
        const r = t.getBoundingClientRect();
        const px =
          Number(t.getAttribute('font-size') ?? getComputedStyle(t).fontSize.replace('px', '')) *
          t.getScreenCTM()!.a;
        return { text: t.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height, px };
      }),
    };
  });
}

type Box = { text: string; x: number; y: number; w: number; h: number };
function overlapping(boxes: Box[]): string[] {
  const bad: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      // A pixel of anti-aliasing is not an overlap.
      if (a.x + 1 < b.x + b.w && b.x + 1 < a.x + a.w && a.y + 1 < b.y + b.h && b.y + 1 < a.y + a.h)
        bad.push(`${a.text} × ${b.text}`);
    }
  return bad;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ url, context, close } = await startApp());
}, 600_000); // the app build (notebook reports + vite) takes minutes on a loaded machine

afterAll(async () => {
  await close?.();
});

describe('the mesh graph (built app, Chromium)', () => {
  it('draws client → frontend → backend → db as one connected chain; graph types count their nodes', async () => {
    const page = await openPage();
    // Move the cursor on the canary model, then open another model: the cursor goes to the new run's end.
    await page.locator('#time').evaluate((s: HTMLInputElement) => {
      s.value = '5000';
      s.dispatchEvent(new Event('input'));
    });
    await paste(page, chainModel());
    // The cursor is at the new run's end (the slider snaps to its 1 s step), not left at 5 s.
    const [value, max] = await page
      .locator('#time')
      .evaluate((s: HTMLInputElement) => [Number(s.value), Number(s.max)]);
    expect(max).toBeCloseTo(10_029.26, 1);
    expect(value).toBe(10_000);
    await page.selectOption('#graph select[aria-label="Graph type"]', 'workload');
    const pairs = await edgePairs(page);
    // Walk the edges from the client: every workload of the chain is reached, in order.
    const next = new Map<string, string[]>();
    for (const [s, t] of pairs) next.set(s!, [...(next.get(s!) ?? []), t!]);
    const path = ['wl:shop/client'];
    while (next.has(path.at(-1)!)) path.push(next.get(path.at(-1)!)![0]!);
    expect(path).toEqual([
      'wl:shop/client',
      'svc:frontend.shop.svc.cluster.local',
      'wl:shop/frontend-v1',
      'svc:backend.shop.svc.cluster.local',
      'wl:shop/backend-v1',
      'svc:db.data.svc.cluster.local',
      'wl:data/db-v1',
    ]);
    expect(
      await page
        .locator('#graph g.ns-box')
        .evaluateAll((b) => b.map((x) => x.getAttribute('data-namespace') ?? '').sort()),
    ).toEqual(['data', 'shop']);
    const counts: Record<string, number> = {};
    for (const v of ['app', 'versionedApp', 'workload', 'service']) {
      await page.selectOption('#graph select[aria-label="Graph type"]', v);
      counts[v] = (await nodeIds(page)).length;
    }
    // 3 services + client + 3 apps / versions / workloads; the service graph: 3 services + the client.
    expect(counts).toEqual({ app: 7, versionedApp: 7, workload: 7, service: 4 });
    await page.selectOption('#graph select[aria-label="Graph type"]', 'app');
    expect((await nodeIds(page)).sort()).toEqual([
      'app:data/db',
      'app:shop/backend',
      'app:shop/frontend',
      'svc:backend.shop.svc.cluster.local',
      'svc:db.data.svc.cluster.local',
      'svc:frontend.shop.svc.cluster.local',
      'wl:shop/client',
    ]);
    await page.check('#graph-expand');
    expect((await nodeIds(page)).filter((id) => id.startsWith('pod:'))).toHaveLength(3);
    await page.uncheck('#graph-expand');
    await page.locator('#graph').screenshot({ path: `${SHOTS}/graph-3-pods-chain.png` });
    expect(problems).toEqual([]);
  });

  it('edge labels show rps, distribution and p95; the side panel shows the selected edge', async () => {
    const page = await openPage();
    await paste(page, chainModel());
    await page.selectOption('#graph select[aria-label="Graph type"]', 'versionedApp');
    expect(await edgeLabels(page)).toEqual([]);
    await page.selectOption('#graph select[aria-label="Edge labels"]', 'rps');
    const rps = await edgeLabels(page);
    expect(rps).toHaveLength(6);
    for (const t of rps) expect(t).toMatch(/^\d+\.\d rps$/);
    await page.selectOption('#graph select[aria-label="Edge labels"]', 'percent');
    for (const t of await edgeLabels(page)) expect(t).toMatch(/^100\.0%( · \d+\.\d% err)?$/);
    await page.selectOption('#graph select[aria-label="Edge labels"]', 'p95');
    for (const t of await edgeLabels(page)) expect(t).toMatch(/^\d+(\.\d)?ms$/);
    // db answers 2 % 503s: its edge's codes in the panel. Keyboard: focus the edge, Enter.
    const edge = page.locator('#graph g.edge[data-target="va:data/db/v1"]');
    await edge.focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('#graph aside.side-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    const codes = await panel
      .locator('section[data-section="Response codes"] tr')
      .evaluateAll((trs) => trs.map((tr) => tr.querySelector('th')!.textContent));
    expect(codes).toEqual(['200', '503']);
    const rows = await panel
      .locator('section[data-section="HTTP requests"] tr')
      .evaluateAll((trs) =>
        Object.fromEntries(
          trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]),
        ),
      );
    expect(Object.keys(rows)).toEqual([
      'Requests',
      'Rate',
      'Errors (5xx)',
      'Errors (4xx)',
      'Health',
      'p50',
      'p95',
      'p99',
    ]);
    expect(Number(rows.Requests!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await panel.locator('section[data-section^="Envoy cluster stats"]').count()).toBe(0); // destination side
    await page.locator('#graph').screenshot({ path: `${SHOTS}/graph-3-pods-panel.png` });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible()).toBe(false);
    // A source → service edge carries the client sidecars' Envoy stats.
    // (keyboard again: at the 10 px minimum scale the chain is wider than the view, this edge is panned out)
    await page.locator('#graph g.edge[data-source="va:shop/backend/v1"]').focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => panel.locator('section[data-section^="Envoy cluster stats"] th').allTextContents())
      .toContain('Pending overflow (upstream_rq_pending_overflow)');
    await page.locator('#graph .side-panel-close').click();
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('draws a route to a subset without pods as a node that says why, with the 503 figures', async () => {
    const page = await openPage();
    await page.check('#simulate-misconfig');
    await paste(page, missingSubsetModel());
    const missing = page.locator('#graph g.node.missing');
    await expect.poll(() => missing.count()).toBe(1);
    expect(await missing.locator('text.name').textContent()).toBe('v3: no endpoints');
    expect(await missing.locator('text.badge').textContent()).toMatch(/^UH: 503 × \d+$/);
    expect(await missing.getAttribute('data-health')).toBe('failure');
    await page.locator('#graph').screenshot({ path: `${SHOTS}/graph-missing-subset.png` });
    expect(problems).toEqual([]);
  });

  it('renders a 200-pod mesh that fits, with no overlapping labels and none below 10 px', async () => {
    const page = await openPage();
    await paste(page, bigMesh());
    await page.selectOption('#graph select[aria-label="Edge labels"]', 'rps');
    expect(await nodeIds(page)).toHaveLength(41); // 20 services, 20 versioned apps, the client
    let l = await labelBoxes(page);
    expect(overlapping(l.boxes)).toEqual([]);
    for (const b of l.boxes) expect(b.px).toBeGreaterThanOrEqual(10 - 1e-9);
    // Fit to view: every label inside the SVG.
    for (const b of l.boxes) {
      expect(b.x).toBeGreaterThanOrEqual(l.frame.x);
      expect(b.x + b.w).toBeLessThanOrEqual(l.frame.x + l.frame.w);
      expect(b.y).toBeGreaterThanOrEqual(l.frame.y);
      expect(b.y + b.h).toBeLessThanOrEqual(l.frame.y + l.frame.h);
    }
    await page.locator('#graph').screenshot({ path: `${SHOTS}/graph-200-pods.png` });
    // Every pod: 200 pod nodes; labels still clear of each other and ≥ 10 px (the view pans beyond the fit).
    await page.selectOption('#graph select[aria-label="Graph type"]', 'workload');
    await page.check('#graph-expand');
    expect((await nodeIds(page)).filter((id) => id.startsWith('pod:'))).toHaveLength(200);
    l = await labelBoxes(page);
    expect(overlapping(l.boxes)).toEqual([]);
    for (const b of l.boxes) expect(b.px).toBeGreaterThanOrEqual(10 - 1e-9);
    await page.locator('#graph').screenshot({ path: `${SHOTS}/graph-200-pods-expanded.png` });
    expect(problems).toEqual([]);
  });
});
