import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { buildApp, CHROMIUM, launchBrowser, startPreview } from '../test/web/browser.js';

/**
 * `npm run bench:web`: the canary model (60 s simulated at 1,000 requests/s) re-simulated and redrawn in
 * the built app in Chromium. Clicks Run `--runs N` times (default 7) and reads the page's own timing
 * (performance.now around the worker round trip and the redraw up to the next animation frame), with
 * where the time went: the worker's model check, the result's hand-over, each part of the redraw.
 * `--vary-seed`: each rerun with another seed (other results, so every panel really changes);
 * `--no-build`: serve web-dist/ as it is (after a build of the same sources).
 * Prints JSON; figures go to docs/performance.md ("Web app").
 */
const arg = (name: string) => process.argv.indexOf(name);
const at = arg('--runs');
const runs = at >= 0 ? Number(process.argv[at + 1]) : 7;
const varySeed = arg('--vary-seed') >= 0;

if (arg('--no-build') < 0) await buildApp();
const { url, proc } = await startPreview();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  const done = (n: number) =>
    page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout: 120_000 });
  await done(1); // the default model runs on load (warms the worker's JIT too)
  const samples: Record<string, number>[] = [];
  let reused = 0;
  for (let i = 0; i < runs; i++) {
    if (varySeed) await page.fill('#seed', String(1000 + i));
    await page.click('#run');
    await done(i + 2);
    const t = (await page.evaluate(() => window.__meshsim!.timing!))!;
    if (t.checkReused) reused++;
    const { parts, checkReused: _, ...figures } = t;
    samples.push({
      ...figures,
      ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`redraw.${k}`, v])),
    });
  }
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  const stat = (k: string) => {
    const v = samples.map((s) => s[k] ?? 0).sort((a, b) => a - b);
    return { min: round(v[0]!), median: round(v[Math.floor(v.length / 2)]!), max: round(v.at(-1)!) };
  };
  const events = await page.locator('#status').textContent();
  const named: Record<string, string> = { renderMs: 'redrawMs' };
  console.log(
    JSON.stringify(
      {
        machine: {
          node: process.version,
          cpu: cpus()[0]?.model ?? 'unknown',
          cores: cpus().length,
          chromium: chromiumVersion(),
          loadAverage: loadavg().map((x) => round(x)),
        },
        model: 'models/canary/canary.scenario.yaml',
        runs,
        varySeed,
        status: events,
        ...Object.fromEntries(keys.map((k) => [named[k] ?? k, stat(k)])),
        checksReused: reused,
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
