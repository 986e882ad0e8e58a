import { mkdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, watchProblems } from './browser.js';

/**
 * The web app in Chromium: the built app (vite build) served by `vite preview` on 127.0.0.1, with the
 * page's Content-Security-Policy in force. Screenshots go to test-artifacts/web/.
 */
const SHOTS = 'test-artifacts/web';
let url = '';
let context: BrowserContext;
let close: (() => Promise<void>) | undefined;
const problems: string[] = [];

async function openPage(at = url): Promise<Page> {
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(at);
  return page;
}

async function waitForRuns(page: Page, n: number): Promise<void> {
  await page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout: 60_000 });
}

const splitLines = (page: Page) =>
  page
    .locator('figure[data-id="split"] path.run')
    .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-key')));

/** The client table's figures by column (Δ columns left out: they depend on the baseline). */
function clientFigures(page: Page): Promise<Record<string, string>> {
  return page.locator('#tables table[data-table="clients"]').evaluate((t) => {
    const head = [...t.querySelectorAll('th')].map((th) => th.textContent ?? '');
    const cells = [...t.querySelectorAll('tbody tr:first-child td')].map((td) => td.textContent ?? '');
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']).filter(([h]) => h !== 'Δ'));
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ url, context, close } = await startApp());
}, 600_000); // the app build (notebook reports + vite) takes minutes on a loaded machine

afterAll(async () => {
  await close?.();
});

describe('the web app (built, in Chromium)', () => {
  it('opens the default canary model, runs it and draws the 90/10 split', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    // The CSP is in the built page and the page works under it (no violations were reported).
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(await splitLines(page)).toEqual([
      'product-service.production.svc.cluster.local/v1',
      'product-service.production.svc.cluster.local/v2',
    ]);
    // The subset table shows the split the VirtualService asks for: 90/10 plus the 5 % beta testers on v2.
    const rows = await page
      .locator('#tables table[data-table="subsets"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    const share = (subset: string) => Number.parseFloat(rows.find((r) => r[1] === subset)![3]!);
    expect(share('v1')).toBeGreaterThan(80);
    expect(share('v1')).toBeLessThan(90);
    expect(share('v2')).toBeGreaterThan(10);
    expect(share('v2')).toBeLessThan(20);
    // The graph (versioned app graph) has the client, the service and both versions.
    expect(await page.locator('#graph g.node.versionedApp').count()).toBe(2);
    expect(await page.locator('#graph g.node.service').count()).toBe(1);
    expect(await page.locator('#graph g.node.workload').count()).toBe(1);
    expect(await page.locator('#banner').isHidden()).toBe(true);
    // The window, the unfinished column, the hops (source sidecar's view) and the workloads' queues.
    const clients = await clientFigures(page);
    expect(clients.unfinished).toBe('0');
    expect(await page.locator('#tables table[data-table="clients"] caption').textContent()).toMatch(
      /measured: requests started 5s\.\.60s, drained until 60\.\d+s$/,
    );
    const cells = (id: string) =>
      page
        .locator(`#tables table[data-table="${id}"] tbody tr`)
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
        );
    const hops = await cells('hops');
    expect(hops.map((h) => [h[0], h[2]])).toEqual([
      ['production/frontend', 'v1'],
      ['production/frontend', 'v2'],
    ]);
    expect(hops[1]![4]).toMatch(/^200: \d+, 503: \d+$/);
    const workloads = await cells('workloads');
    expect(workloads.map((w) => w[0])).toEqual([
      'production/product-service-v1',
      'production/product-service-v2',
    ]);
    expect(workloads[0]![7]).toMatch(/^\d+\.\d %$/);
    await page.screenshot({ path: `${SHOTS}/canary.png` });
    await page.locator('#tables').screenshot({ path: `${SHOTS}/canary-tables.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('changing consecutive5xxErrors in the what-if panel changes the ejection timeline', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.click('#paste-open');
    await page.fill('#paste-text', readFileSync('test/web/fixtures/one-bad-pod.scenario.yaml', 'utf8'));
    await page.click('#paste-add');
    await waitForRuns(page, 2);
    const ejections = () =>
      page.locator('figure[data-id="ejections"] [data-chart="ejections"]').getAttribute('data-count');
    const before = Number(await ejections());
    expect(before).toBeGreaterThan(0);
    expect(await page.locator('figure[data-id="ejections"] rect.bar').count()).toBe(before);
    // The ejected pod is ringed in the graph at the slider's time (the end: still ejected).
    await page.check('#graph-expand');
    expect(await page.locator('#graph g.node.pod[data-ejected="1"]').count()).toBe(1);
    await page.uncheck('#graph-expand');
    await page.screenshot({ path: `${SHOTS}/outlier-before.png` });
    await page.click('#tab-whatif');
    const knob = page.locator('input[data-path="spec.trafficPolicy.outlierDetection.consecutive5xxErrors"]');
    expect(await knob.inputValue()).toBe('3');
    await knob.fill('50');
    await knob.press('Enter');
    await waitForRuns(page, 3);
    // 50 consecutive 503s at a 60 % error rate (0.6^50 ≈ 1e-11) never happen: no ejections.
    expect(Number(await ejections())).toBe(0);
    // The YAML was edited in place: the comment line survives, the value changed.
    await page.click('#tab-editor');
    const text = await page.evaluate(() => window.__meshsim?.text?.('pasted-1.scenario.yaml'));
    expect(text).toContain('# One bad pod behind a Service');
    expect(text).toContain('consecutive5xxErrors: 50');
    // The baseline (the first run of this model) is overlaid dashed, with deltas in the tables.
    expect(await page.locator('figure[data-id="success"] path.base').count()).toBe(1);
    expect(await page.locator('table[data-table="clients"] th', { hasText: 'Δ' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/outlier-after.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('marks latency intervals the drain limit cut off and reports the unfinished requests', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.click('#paste-open');
    await page.fill('#paste-text', readFileSync('test/web/fixtures/cut-off.scenario.yaml', 'utf8'));
    await page.click('#paste-add');
    await waitForRuns(page, 2);
    const clients = await clientFigures(page);
    expect(clients.unfinished).toMatch(/^\d+ \(oldest [\d.]+ s\)$/);
    expect(Number.parseInt(clients.unfinished!, 10)).toBeGreaterThan(0);
    expect(await page.locator('#tables table[data-table="clients"] caption').textContent()).toContain(
      'drained until 12s; drain limit reached:',
    );
    const marks = page.locator('figure[data-id="latency"] circle.incomplete');
    expect(await marks.count()).toBeGreaterThan(0);
    expect(await marks.first().locator('title').textContent()).toContain('cut off by the drain limit');
    await page.locator('figure[data-id="latency"]').screenshot({ path: `${SHOTS}/cut-off-latency.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a pasted broken manifest’s diagnostic at its line and does not run it', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.click('#paste-open');
    await page.fill(
      '#paste-text',
      [
        '# pasted',
        'apiVersion: networking.istio.io/v1beta1',
        'kind: DestinationRule',
        'metadata:',
        '  name: broken',
        '  namespace: production',
        'spec:',
        '  host: product-service',
        '  trafficPolicy:',
        '    outlierDetection:',
        '      consecutive5xxErrors: -3',
        '',
      ].join('\n'),
    );
    await page.click('#paste-add');
    const item = page.locator('#diagnostics li.error[data-file="pasted-1.yaml"]');
    await item.waitFor({ timeout: 20_000 });
    expect(await item.getAttribute('data-line')).toBe('11');
    expect(await item.textContent()).toContain('pasted-1.yaml:11:29 error IST0106');
    // Inline in the editor: the error range is on line 11 of the pasted file (the active tab).
    await page.locator('.cm-lintRange-error').first().waitFor();
    const line = await page.evaluate(() => {
      const mark = document.querySelector('.cm-lintRange-error')!;
      const lines = [...document.querySelectorAll('.cm-content > .cm-line')];
      return lines.findIndex((l) => l.contains(mark)) + 1;
    });
    expect(line).toBe(11);
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toBe('-3');
    expect(await page.evaluate(() => window.__meshsim?.runs)).toBe(1);
    await page.screenshot({ path: `${SHOTS}/diagnostic.png` });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an analysis error (route to an undefined subset) stops the run; the toggle simulates it on purpose', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.click('#paste-open');
    await page.fill(
      '#paste-text',
      [
        'apiVersion: networking.istio.io/v1',
        'kind: DestinationRule',
        'metadata: {name: product-service, namespace: production}',
        'spec:',
        '  host: product-service',
        '  subsets:',
        '    - {name: v1, labels: {version: v1}}',
        '',
      ].join('\n'),
    );
    await page.click('#paste-add');
    // The canary's VirtualService routes to v2, which this DestinationRule (the later one wins) drops.
    const item = page.locator('#diagnostics li.error[data-code="IST0101"]');
    await item.first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#status').textContent()).toContain('Simulate misconfiguration');
    expect(await page.evaluate(() => window.__meshsim?.runs)).toBe(1);
    await page.check('#simulate-misconfig');
    await waitForRuns(page, 2);
    expect(await page.locator('#banner').textContent()).toContain(
      'simulated on purpose (--simulate-misconfig)',
    );
    expect(await page.locator('#diag-count').textContent()).toMatch(/error.* \(simulated on purpose\)/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a share link with the same model and gets the same run', async () => {
    const page = await openPage();
    await waitForRuns(page, 1);
    await page.fill('#seed', '11');
    await page.click('#run');
    await waitForRuns(page, 2);
    const figures = await clientFigures(page);
    expect(figures.requests).toMatch(/^\d+$/);
    await page.click('#share');
    await page.waitForFunction(() => location.hash.startsWith('#run=z'));
    const link = page.url();
    await page.close();
    const shared = await openPage(link);
    await waitForRuns(shared, 1);
    expect(await shared.inputValue('#seed')).toBe('11');
    expect(await clientFigures(shared)).toEqual(figures);
    // A damaged link is refused with a message, never a blank page.
    const bad = await openPage(`${url}#run=zAAAA${'x'.repeat(10)}`);
    await bad.locator('#banner').waitFor();
    expect(await bad.locator('#banner').textContent()).toMatch(/share link is damaged/);
    expect(await bad.locator('#editor .cm-content').count()).toBe(1);
    await shared.close();
    await bad.close();
    expect(problems).toEqual([]);
  });

  it('the Studies tab lists the notebook reports and opens one in a sandboxed frame', async () => {
    const page = await openPage();
    await page.click('#tab-studies');
    const items = page.locator('#studies li');
    await items.first().waitFor();
    // One report per notebook: breaker-tuning, calibrate-replay, canary-impact, hpa-ramp,
    // outlier-ejection, retry-storm, rollout-outcome.
    expect(await items.count()).toBe(7);
    const titles = await page.locator('#studies li button').allTextContents();
    expect(titles.every((t) => t.length > 10)).toBe(true);
    await page.locator('#studies li button').first().click();
    const frame = page.locator('#study-frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.waitForFunction(() => {
      const f = document.getElementById('study-frame') as HTMLIFrameElement | null;
      return f !== null && !f.hidden && /notebooks\/[a-z-]+\.html$/.test(f.src);
    });
    // frameLocator waits for the frame to navigate and its content to appear (no race on load).
    const report = page.frameLocator('#study-frame');
    await report.locator('svg').first().waitFor();
    expect(await report.locator('h1').textContent()).toBe(titles[0]);
    await page.screenshot({ path: `${SHOTS}/studies.png` });
    expect(problems).toEqual([]);
    await page.close();
  });
});
