import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes.js';
import { checkWritable } from '../../src/cli/writable.js';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-writable-'));
const missing = (name: string) => join(dir, 'no-such-dir', name);

describe('checkWritable', () => {
  it('passes a new file in a writable directory and an existing file, and leaves both as they were', () => {
    const kept = join(dir, 'kept.json');
    writeFileSync(kept, 'earlier\n');
    checkWritable(kept);
    checkWritable(join(dir, 'new.json'));
    checkWritable(undefined);
    expect(readFileSync(kept, 'utf8')).toBe('earlier\n');
    expect(existsSync(join(dir, 'new.json'))).toBe(false);
  });

  it('refuses a missing directory and a directory, naming the path', () => {
    expect(() => checkWritable(missing('a.json'))).toThrow(UsageError);
    expect(() => checkWritable(missing('a.json'))).toThrow(`cannot write ${missing('a.json')}: ENOENT`);
    const d = join(dir, 'a-dir');
    mkdirSync(d);
    expect(() => checkWritable(d)).toThrow(`cannot write ${d}: is a directory`);
  });
});

// An unwritable output is refused before the work that would fill it: nothing of a long run is lost.
describe('output files are checked before the work', () => {
  it('run: an unwritable --out, --junit or --access-log ends at once (exit 2), the run never started', async () => {
    for (const flag of ['--out', '--junit', '--access-log']) {
      const log = join(dir, `run${flag}.log`);
      const other = flag === '--access-log' ? [] : ['--access-log', log];
      const r = await cli(
        'run',
        'models/canary/canary.scenario.yaml',
        '-d',
        '2s',
        flag,
        missing('x'),
        ...other,
      );
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `meshsim: cannot write ${missing('x')}: ENOENT: no such file or directory, access '${join(dir, 'no-such-dir')}'\n`,
      );
      expect(r.out).toBe('');
      // The access log is written while the run goes: none at all means the run did not start.
      expect(existsSync(log)).toBe(false);
    }
  });

  it('run --replications and sweep: --out is checked before any point runs (a bad point would be exit 1)', async () => {
    const sweep = join(dir, 'bad-point.sweep.yaml');
    writeFileSync(
      sweep,
      `apiVersion: meshsim.dev/v1alpha1
kind: Sweep
metadata: {name: bad-point}
spec:
  scenario: ${resolve('models/canary/canary.scenario.yaml')}
  parameters:
    - field: DestinationRule/production/product-service:spec.trafficPolicy.outlierDetection.consecutive5xxErrors
      values: [-1]
`,
    );
    const ok = await cli('sweep', sweep, '-w', '1', '-o', join(dir, 'sweep.json'));
    expect(ok.code).toBe(1); // the point does not load: the work ran and stopped there
    const s = await cli('sweep', sweep, '-w', '1', '-o', missing('sweep.json'));
    expect(s.code).toBe(2);
    expect(s.err).toContain(`cannot write ${missing('sweep.json')}: ENOENT`);
    const shard = await cli(
      'sweep',
      sweep,
      '-w',
      '1',
      '--shard',
      '0/2',
      '-o',
      join(dir, 'nope-{shard}', 's.json'),
    );
    expect(shard.code).toBe(2);
    expect(shard.err).toContain(`cannot write ${join(dir, 'nope-0', 's.json')}: ENOENT`);
    const r = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '1s',
      '-r',
      '2',
      '-w',
      '1',
      '-o',
      missing('r.json'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot write ${missing('r.json')}: ENOENT`);
  });

  it('tune: --out is checked before the scenarios load (an unknown metric would be exit 1)', async () => {
    const tune = join(dir, 'bad.tune.yaml');
    writeFileSync(
      tune,
      `apiVersion: meshsim.dev/v1alpha1
kind: Tune
metadata: {name: bad}
spec:
  scenarios: [${resolve('models/outlier/one-bad-of-three.scenario.yaml')}]
  parameters:
    - field: DestinationRule/shop/ratings:spec.trafficPolicy.outlierDetection.consecutive5xxErrors
      values: [2]
  objective: {maximize: success_rate(productpage)}
  constraints: ["p98(productpage) < 1ms"]
`,
    );
    const ok = await cli('tune', tune, '-w', '1', '-o', join(dir, 'tune.txt'));
    expect(ok.code).toBe(1);
    const t = await cli('tune', tune, '-w', '1', '-o', missing('tune.txt'));
    expect(t.code).toBe(2);
    expect(t.err).toContain(`cannot write ${missing('tune.txt')}: ENOENT`);
  });
});
