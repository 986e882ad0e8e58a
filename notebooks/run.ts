/**
 * `npm run notebook -- notebooks/<name> [--short] [--out FILE] [--workers N]`: runs a notebook and
 * writes a self-contained HTML report (default out/notebooks/<name>.html).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSettings, type Notebook, renderHtml } from './lib/notebook.js';

export async function runNotebook(dir: string, opts: { short: boolean; workers?: number }) {
  const mod = (await import(pathToFileURL(resolve(dir, 'notebook.ts')).href)) as { notebook: Notebook };
  const settings = { ...defaultSettings(opts.short), ...(opts.workers ? { workers: opts.workers } : {}) };
  const r = await mod.notebook.run(settings);
  return { ...r, html: renderHtml(mod.notebook, r.answer, r.sections, settings) };
}

if (process.argv[1]?.endsWith('run.ts')) {
  const args = process.argv.slice(2);
  const dir = args.find(
    (a) =>
      !a.startsWith('--') &&
      args[args.indexOf(a) - 1] !== '--out' &&
      args[args.indexOf(a) - 1] !== '--workers',
  );
  if (dir === undefined) {
    console.error('usage: npm run notebook -- notebooks/<name> [--short] [--out FILE] [--workers N]');
    process.exit(2);
  }
  const outAt = args.indexOf('--out');
  const wAt = args.indexOf('--workers');
  const out = outAt >= 0 ? args[outAt + 1]! : `out/notebooks/${basename(resolve(dir))}.html`;
  const t0 = performance.now();
  const r = await runNotebook(dir, {
    short: args.includes('--short'),
    ...(wAt >= 0 ? { workers: Number(args[wAt + 1]) } : {}),
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, r.html);
  console.log(
    `${out} written in ${((performance.now() - t0) / 1000).toFixed(1)} s\nAnswer: ${r.answer.replace(/\*\*/g, '')}`,
  );
}
