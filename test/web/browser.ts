import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Starts `vite preview` on the built app (web-dist/); resolves with its URL once it answers. */
export async function startPreview(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    './node_modules/.bin/vite',
    ['preview', '--host', '127.0.0.1', '--strictPort', '--port', String(port)],
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
 * Builds the app as `npm run build:web` does: notebook reports (CI settings), then vite. Once per process:
 * vitest runs the browser test files in worker threads of one process, and two builds writing web-dist/
 * at once would break each other; the first caller builds (an atomic mkdir is its lock), the others wait.
 */
export async function buildApp(): Promise<void> {
  const stamp = join('test-artifacts', `.web-built-${process.pid}`);
  const lock = join('test-artifacts', `.web-building-${process.pid}`);
  mkdirSync('test-artifacts', { recursive: true });
  let mine = false;
  try {
    mkdirSync(lock);
    mine = true;
  } catch {}
  if (mine) {
    try {
      const n = spawnSyncOk('./node_modules/.bin/tsx', [
        'notebooks/build-all.ts',
        '--short',
        '--out',
        'web/public/notebooks',
      ]);
      if (n !== 0) throw new Error('notebook reports failed');
      const r = spawnSyncOk('./node_modules/.bin/vite', ['build', '--logLevel', 'warn']);
      if (r !== 0) throw new Error('vite build failed');
      writeFileSync(stamp, 'ok');
    } catch (e) {
      writeFileSync(stamp, (e as Error).message);
      throw e;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
  for (;;) {
    if (existsSync(stamp)) {
      const v = readFileSync(stamp, 'utf8');
      if (v !== 'ok') throw new Error(`the app build failed: ${v}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
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

/** Collects a page's errors and CSP reports: the browser tests fail on any. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy|Refused to/i.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
}

/** The built app served on 127.0.0.1 and a fresh Chromium; close() stops both. */
export async function startApp(): Promise<{
  url: string;
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  await buildApp();
  const s = await startPreview();
  try {
    const b = await launchBrowser();
    return {
      url: s.url,
      context: b.context,
      close: async () => {
        await b.close();
        s.proc.kill('SIGTERM');
      },
    };
  } catch (e) {
    s.proc.kill('SIGTERM');
    throw e;
  }
}

/** A new page that records page errors, console errors and CSP reports into `problems`, opened at `at`. */
export async function watchedPage(context: BrowserContext, at: string, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(at);
  return page;
}

/** Waits until the page has finished `n` runs (window.__meshsim.runs). */
export async function waitForRuns(page: Page, n: number, timeout = 90_000): Promise<void> {
  await page.waitForFunction((k) => (window.__meshsim?.runs ?? 0) >= k, n, { timeout });
}
