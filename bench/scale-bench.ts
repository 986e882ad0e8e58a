import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { MeshParams } from './scale/generate-mesh.js';
import type { AllocationFigures } from './scale/allocation.js';
import type { IdleFigures, RetainedFigures, ScaleFigures } from './scale/run-case.js';

const CASE = fileURLToPath(new URL('./scale/run-case.ts', import.meta.url));

interface ScaleCase {
  name: string;
  params: MeshParams;
  /** Also measure the idle per-pair and per-pod heap, and the retained heap over time (in two more processes). */
  idle?: boolean;
}

const chain = (services: number, pods: number, clients: number, rate: number, durationMs: number) => ({
  services,
  podsPerService: pods,
  clientPods: clients,
  depth: services,
  fanOut: 1,
  ratePerSec: rate,
  durationMs,
  outlierDetection: false,
  retries: false,
});

const REFERENCE = 'reference-200svc-5000pods';

/**
 * The cases of issue #14. `scale` multiplies simulated time; `full` adds the reference large mesh at its
 * full 10 simulated minutes (else 20 s of it) and the 1,000-pod case at twice its time (memory must stay
 * flat once the working set is reached).
 */
export function scaleCases(scale: number, full: boolean): ScaleCase[] {
  const s = (ms: number) => Math.max(1000, Math.round(ms * scale));
  const cases: ScaleCase[] = [
    { name: 'base-3x10-c4', params: chain(3, 10, 4, 10_000, s(20_000)), idle: true },
    { name: 'pods-3x100-c4', params: chain(3, 100, 4, 10_000, s(20_000)), idle: true },
    { name: 'pods-3x1000-c4', params: chain(3, 1000, 4, 10_000, s(20_000)), idle: true },
    // Maglev keeps a Host per endpoint and a 65,537-slot table: its cost must not grow with the sidecars.
    {
      name: 'maglev-3x1000-c4',
      params: { ...chain(3, 1000, 4, 10_000, s(20_000)), loadBalancer: 'MAGLEV' },
    },
    { name: 'clients-3x10-c400', params: chain(3, 10, 400, 10_000, s(20_000)) },
    { name: 'chain-3x10-1k', params: chain(3, 10, 4, 1000, s(20_000)) },
    { name: 'chain-30x10-1k', params: chain(30, 10, 4, 1000, s(20_000)) },
    {
      name: 'base-od-retries',
      params: {
        ...chain(3, 10, 4, 10_000, s(20_000)),
        outlierDetection: true,
        retries: true,
        errorRate: 0.01,
      },
    },
    {
      name: REFERENCE,
      params: {
        services: 200,
        podsPerService: 25,
        clientPods: 100,
        depth: 4,
        fanOut: 2,
        callProbability: 0.6,
        ratePerSec: 20_000,
        durationMs: full ? 600_000 : s(20_000),
        outlierDetection: true,
        retries: true,
        errorRate: 0.001,
      },
    },
  ];
  if (full) cases.push({ name: 'pods-3x1000-c4-40s', params: chain(3, 1000, 4, 10_000, 40_000) });
  return cases;
}

function runChild<T>(c: ScaleCase, mode: 'run' | 'idle' | 'retained' | 'alloc'): T {
  const args = ['--expose-gc', '--import', 'tsx', CASE, JSON.stringify(c.params)];
  if (mode !== 'run') args.push(mode);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`scale case ${c.name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

/**
 * What the reference mesh's 10 simulated minutes would take on one core, from a shorter run at its
 * steady rate (hops per simulated second as run, CPU per hop of quarters 2-4): the target is
 * 10 CPU minutes. `--full` measures it instead.
 */
function extrapolateReference(f: ScaleFigures | undefined, simulatedMs: number | undefined) {
  if (f === undefined || simulatedMs === undefined || f.steadyHopsPerCpuSec === 0) return null;
  const hops = (f.hops / simulatedMs) * 600_000;
  return { hops: Math.round(hops), cpuMinutes: Math.round((hops / f.steadyHopsPerCpuSec / 60) * 10) / 10 };
}

/**
 * Scaling figures (issue #14): each generated mesh in its own Node process (peak RSS and GC are per
 * case), then the ratios the targets are stated in. `MESHSIM_BENCH_FULL=1` or `--full` runs
 * the reference large mesh for its full 10 simulated minutes; `--cases=a,b` runs only the cases named;
 * `--repeat=N` runs every case N times, round robin (so a slow spell of a shared machine spreads over
 * the cases), and reports each case's run of median hops per CPU second, with every run's rate.
 */
export async function scaleBench(scale: number) {
  const full = process.argv.includes('--full') || process.env.MESHSIM_BENCH_FULL === '1';
  const only = process.argv
    .find((a) => a.startsWith('--cases='))
    ?.slice('--cases='.length)
    .split(',');
  const repeatArg = process.argv.find((a) => a.startsWith('--repeat='));
  const repeat = repeatArg === undefined ? 1 : Number(repeatArg.slice('--repeat='.length));
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 15) {
    console.error(`bench scale: --repeat expects a whole number from 1 to 15, got '${repeatArg}'`);
    process.exit(2);
  }
  const out: Record<string, ScaleFigures> = {};
  const cases = scaleCases(scale, full).filter((c) => only === undefined || only.includes(c.name));
  const runs = new Map<string, ScaleFigures[]>();
  for (let r = 0; r < repeat; r++)
    for (const c of cases) {
      const list = runs.get(c.name) ?? [];
      list.push(runChild<ScaleFigures>(c, 'run'));
      runs.set(c.name, list);
    }
  for (const c of cases) {
    const all = [...runs.get(c.name)!].sort((a, b) => a.hopsPerCpuSec - b.hopsPerCpuSec);
    const f = all[(all.length - 1) >> 1]!;
    if (repeat > 1) f.runsHopsPerCpuSec = runs.get(c.name)!.map((x) => x.hopsPerCpuSec);
    f.allocation = runChild<AllocationFigures>(c, 'alloc');
    if (c.idle) {
      const idle = runChild<IdleFigures>(c, 'idle');
      f.idleBytesPerPair = idle.idleBytesPerPair;
      f.bytesPerPod = idle.bytesPerPod;
      f.retained = runChild<RetainedFigures>(c, 'retained');
    }
    out[c.name] = f;
  }
  const ratios = (rate: (f: ScaleFigures | undefined) => number | undefined) => ({
    pods1000VsPods10: ratio(rate(out['pods-3x1000-c4']), rate(out['base-3x10-c4'])),
    pods100VsPods10: ratio(rate(out['pods-3x100-c4']), rate(out['base-3x10-c4'])),
    maglev1000VsPods1000: ratio(rate(out['maglev-3x1000-c4']), rate(out['pods-3x1000-c4'])),
    clients400VsClients4: ratio(rate(out['clients-3x10-c400']), rate(out['base-3x10-c4'])),
    chain30VsChain3: ratio(rate(out['chain-30x10-1k']), rate(out['chain-3x10-1k'])),
    odRetriesVsBase: ratio(rate(out['base-od-retries']), rate(out['base-3x10-c4'])),
  });
  return {
    full,
    repeat,
    cases: out,
    /** Ratios of hops per CPU second (robust to waiting for a core on a shared machine)... */
    ratios: ratios((f) => f?.hopsPerCpuSec),
    /** ...and of hops per wall second... */
    wallRatios: ratios((f) => f?.hopsPerSec),
    /** ...and of hops per CPU second once warmed up (quarters 2-4 of simulated time). */
    steadyRatios: ratios((f) => f?.steadyHopsPerCpuSec),
    referenceTenMinutes: full
      ? null
      : extrapolateReference(out[REFERENCE], cases.find((c) => c.name === REFERENCE)?.params.durationMs),
    loadAverage1m: loadavg()[0],
  };
}
