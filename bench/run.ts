import { cpus } from 'node:os';
import { engineBench } from './engine-bench.js';
import { meshBench } from './mesh-bench.js';
import { scaleBench } from './scale-bench.js';
import { sweepBench } from './sweep-bench.js';
import { upstreamBench } from './upstream-bench.js';

/**
 * `npm run bench [-- section...] [--scale X]`: prints JSON figures. Sections: engine, mesh, upstream, sweep, scale (default: all;
 * `--full` makes scale run its reference mesh for 10 simulated minutes).
 * Figures are recorded with the machine in docs/performance.md.
 */
const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
const wanted = args.filter((a, i) => !a.startsWith('--') && !(scaleAt >= 0 && i === scaleAt + 1));
const all: Record<string, (scale: number) => unknown> = {
  engine: engineBench,
  mesh: meshBench,
  upstream: upstreamBench,
  sweep: sweepBench,
  scale: scaleBench,
};
const run = wanted.length > 0 ? wanted : Object.keys(all);

const out: Record<string, unknown> = {
  machine: {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: process.platform,
  },
  scale,
};
for (const name of run) {
  const fn = all[name];
  if (!fn) {
    console.error(`unknown bench section "${name}"; expected one of ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
  out[name] = await fn(scale);
}
console.log(JSON.stringify(out, null, 2));
