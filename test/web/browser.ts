import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Test and bench support: serve the built app with `vite preview` and drive Debian's Chromium. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `vite preview` on the built app (web-dist/, or `outDir` as buildApp wrote it); resolves with its
 * URL once it answers.
 */
export async function startPreview(outDir?: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    './node_modules/.bin/vite',
    [
      'preview',
      '--host',
      '127.0.0.1',
      '--strictPort',
      '--port',
      String(port),
      ...(outDir ? ['--outDir', resolve(outDir)] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  proc.stdout?.on('data', (d) => (log += String(d)));
  proc.stderr?.on('data', (d) => (log += String(d)));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`vite preview exited: ${log}`);
    try {
      const r = await fetch(url);
      if (r.ok) return { url, proc };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGTERM');
  throw new Error(`vite preview did not answer on ${url}: ${log}`);
}

/**
 * Builds the app as `npm run build:web` does: notebook reports (CI settings), then vite. A test file that
 * runs beside app.test.ts builds into its own `outDir` without the reports, so parallel builds never
 * write the same files.
 */
export function buildApp(opts: { outDir?: string } = {}): void {
  if (opts.outDir) {
    const r = spawnSyncOk('./node_modules/.bin/vite', [
      'build',
      '--logLevel',
      'warn',
      '--outDir',
      resolve(opts.outDir),
    ]);
    if (r !== 0) throw new Error('vite build failed');
    return;
  }
  const n = spawnSyncOk('./node_modules/.bin/tsx', [
    'notebooks/build-all.ts',
    '--short',
    '--out',
    'web/public/notebooks',
  ]);
  if (n !== 0) throw new Error('notebook reports failed');
  const r = spawnSyncOk('./node_modules/.bin/vite', ['build', '--logLevel', 'warn']);
  if (r !== 0) throw new Error('vite build failed');
}

function spawnSyncOk(cmd: string, args: string[]): number {
  return spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
}

/** A fresh Chromium profile per launch (Playwright refuses --user-data-dir in args). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built app served on 127.0.0.1 and a fresh Chromium: what a browser test file starts once. */
export async function startApp(opts: { outDir?: string } = {}): Promise<{
  url: string;
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  buildApp(opts);
  const server = await startPreview(opts.outDir);
  const b = await launchBrowser();
  return {
    url: server.url,
    context: b.context,
    close: async () => {
      await b.close();
      server.proc.kill('SIGTERM');
    },
  };
}

/** A new page that records page errors, console errors and CSP reports into `problems`. */
export async function watchedPage(context: BrowserContext, at: string, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  await page.goto(at);
  return page;
}

/** Waits until the page has finished `n` runs (window.__meshsim.runs). */
export async function waitForRuns(page: Page, n: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout });
}
