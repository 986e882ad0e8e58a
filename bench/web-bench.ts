import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { buildApp, CHROMIUM, launchBrowser, startPreview } from '../test/web/browser.js';

/**
 * `npm run bench:web`: the canary model (60 s simulated at 1,000 requests/s) re-simulated and redrawn in
 * the built app in Chromium. Clicks Run `--runs N` times (default 7) and reads the page's own timing
 * (performance.now around the worker round trip and the redraw up to the next animation frame).
 * Prints JSON; figures go to docs/performance.md ("Web app").
 */
const at = process.argv.indexOf('--runs');
const runs = at >= 0 ? Number(process.argv[at + 1]) : 7;

buildApp();
const { url, proc } = await startPreview();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  const done = (n: number) =>
    page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout: 120_000 });
  await done(1); // the default model runs on load (warms the worker's JIT too)
  const samples: { workerMs: number; roundTripMs: number; renderMs: number; totalMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    await page.click('#run');
    await done(i + 2);
    samples.push((await page.evaluate(() => window.__meshsim!.timing!))!);
  }
  const stat = (k: keyof (typeof samples)[number]) => {
    const v = samples.map((s) => s[k]).sort((a, b) => a - b);
    return { min: round(v[0]!), median: round(v[Math.floor(v.length / 2)]!), max: round(v.at(-1)!) };
  };
  const events = await page.locator('#status').textContent();
  console.log(
    JSON.stringify(
      {
        machine: {
          node: process.version,
          cpu: cpus()[0]?.model ?? 'unknown',
          cores: cpus().length,
          chromium: chromiumVersion(),
        },
        model: 'models/canary/canary.scenario.yaml',
        runs,
        status: events,
        workerMs: stat('workerMs'),
        redrawMs: stat('renderMs'),
        roundTripMs: stat('roundTripMs'),
        totalMs: stat('totalMs'),
        // Issue #14's target for the median total (issue #8's was 300 ms).
        targetMs: 150,
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  proc.kill('SIGTERM');
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
