import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SWEEP = join(ROOT, 'models/studies/canary-bench.sweep.yaml');
const CLI = join(ROOT, 'bin/meshsim.js');
const run = promisify(execFile);

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux); else null. */
function childrenCpuS(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime) are at 13 and 14 once pid and comm are cut off.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Case {
  wallS: number;
  cpuS: number | null;
  coresBusy: number | null;
}

/** Runs commands at once (each `meshsim` argv, optionally under a prefix such as taskset) and times them. */
async function timed(commands: string[][]): Promise<{ figures: Case; outs: string[] }> {
  const cpu0 = childrenCpuS();
  const t0 = performance.now();
  const outs = await Promise.all(
    commands.map(async ([cmd, ...args]) => (await run(cmd!, args, { maxBuffer: 1 << 28 })).stdout),
  );
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = childrenCpuS();
  const cpuS = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  const round = (x: number) => Number(x.toFixed(2));
  return {
    figures: {
      wallS: round(wallS),
      cpuS: cpuS === null ? null : round(cpuS),
      coresBusy: cpuS === null ? null : round(cpuS / wallS),
    },
    outs,
  };
}

/**
 * Sweep figures (issue #9): the 100 random points x 5 replications of the canary model (10 s simulated
 * each) through the compiled CLI, as users run it, each case in fresh processes: on one core
 * (`taskset -c 0`, where it exists), inline with `-w 1` (V8's own helper threads may use the second
 * core), with `-w 2`, and as a control two independent processes running half the sweep each
 * (`--shard 0/2` and `1/2`, merged). Speed-ups are ratios of walls measured in this one run; every case
 * must give the same bytes. `--scale 0.2` runs 20 points.
 */
export async function sweepBench(scale: number) {
  // The product is dist/ (npm ci's prepare builds it); rebuild so the figures are of these sources.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-sweep-bench-'));
  const points = Math.max(1, Math.round(100 * scale));
  const sweep = join(dir, 'bench.sweep.yaml');
  writeFileSync(
    sweep,
    readFileSync(SWEEP, 'utf8')
      .replace(
        'scenario: ../canary/canary.scenario.yaml',
        `scenario: ${join(ROOT, 'models/canary/canary.scenario.yaml')}`,
      )
      .replace('points: 100', `points: ${points}`),
  );
  const meshsim = (...args: string[]) => ['node', CLI, ...args, '-f', 'json', '--no-progress'];
  const pinned = existsSync('/usr/bin/taskset') ? ['taskset', '-c', '0'] : null;

  const oneCore = pinned ? await timed([[...pinned, ...meshsim('sweep', sweep, '-w', '1')]]) : null;
  const inline = await timed([meshsim('sweep', sweep, '-w', '1')]);
  const threads2 = await timed([meshsim('sweep', sweep, '-w', '2')]);
  const shards = [0, 1].map((i) => join(dir, `shard-${i}.json`));
  const twoProcesses = await timed(
    shards.map((out, i) => meshsim('sweep', sweep, '-w', '1', '--shard', `${i}/2`, '-o', out)),
  );
  const merged = (await run('node', [CLI, 'merge', ...shards, '-f', 'json'], { maxBuffer: 1 << 28 })).stdout;

  const reference = inline.outs[0]!;
  const ratio = (a: Case | undefined, b: Case) => (a ? Number((a.wallS / b.wallS).toFixed(2)) : null);
  return {
    points,
    replications: 5,
    units: points * 5,
    oneCore: oneCore?.figures ?? 'taskset not found',
    inline: inline.figures,
    threads2: threads2.figures,
    twoProcesses: twoProcesses.figures,
    sameBytes: {
      oneCore: oneCore === null ? null : oneCore.outs[0] === reference,
      threads2: threads2.outs[0] === reference,
      twoProcessesMerged: merged === reference,
    },
    speedUpThreads2VsOneCore: ratio(oneCore?.figures, threads2.figures),
    speedUpThreads2VsInline: ratio(inline.figures, threads2.figures),
    speedUpTwoProcessesVsOneCore: ratio(oneCore?.figures, twoProcesses.figures),
    threads2VsTwoProcesses: ratio(twoProcesses.figures, threads2.figures),
    loadAverage1m: loadavg()[0],
  };
}
