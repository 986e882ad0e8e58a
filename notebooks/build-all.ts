/**
 * `tsx notebooks/build-all.ts [--short] [--out DIR]`: renders every notebook to DIR/<name>.html and writes
 * DIR/index.json ({name, title, question, answer, file}[]) for the web app's Studies tab. `npm run
 * build:web` runs it (short settings) into web/public/notebooks, so the built app ships the reports.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Notebook } from './lib/notebook.js';
import { runNotebook } from './run.js';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1]! : 'out/notebooks';
const short = args.includes('--short');
const root = resolve('notebooks');
const names = readdirSync(root)
  .filter((n) => n !== 'lib' && statSync(join(root, n)).isDirectory())
  .sort();

mkdirSync(out, { recursive: true });
const index: {
  name: string;
  title: string;
  question: string;
  answer: string;
  file: string;
  short: boolean;
}[] = [];
for (const name of names) {
  const dir = join(root, name);
  const { notebook } = (await import(pathToFileURL(join(dir, 'notebook.ts')).href)) as { notebook: Notebook };
  const r = await runNotebook(dir, { short });
  writeFileSync(join(out, `${name}.html`), r.html);
  index.push({
    name,
    title: notebook.title,
    question: notebook.question,
    answer: r.answer.replace(/\*\*/g, ''),
    file: `${name}.html`,
    short,
  });
  console.log(`${join(out, name)}.html`);
}
writeFileSync(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
