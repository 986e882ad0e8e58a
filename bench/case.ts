import { engineCases } from './engine-bench.js';
import { best } from './measure.js';

/** Child-process entry of the bench: `case.ts <name> <scale>` prints one Measurement as JSON. */
const [name, scaleText] = process.argv.slice(2);
const cases: Record<string, (scale: number) => number> = { ...engineCases };
const fn = name ? cases[name] : undefined;
if (!fn) {
  console.error(`unknown case ${name}; expected one of ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
const scale = Number(scaleText ?? 1);
console.log(JSON.stringify(best(() => fn(scale))));
