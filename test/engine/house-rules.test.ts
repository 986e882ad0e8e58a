import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without type declarations
import { checkLayers } from '../../scripts/check-layers.mjs';

interface Problem {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

describe('house rules (scripts/check-layers.mjs)', () => {
  it('the real source tree passes', () => {
    expect(checkLayers('src')).toEqual([]);
  });

  it('flags wall-clock time, global randomness and upward imports in the fixture, and nothing else', () => {
    const problems = (checkLayers('test/fixtures/lint/src') as Problem[]).map(
      (p) => `${p.file.replace(/^.*fixtures\/lint\//, '')}:${p.line}:${p.column} ${p.rule}`,
    );
    expect(problems).toEqual([
      'src/engine/bad.ts:3:13 no-wall-clock-or-global-random',
      'src/engine/bad.ts:4:13 no-wall-clock-or-global-random',
      'src/engine/bad.ts:5:13 no-wall-clock-or-global-random',
      'src/engine/bad.ts:6:3 no-wall-clock-or-global-random',
      'src/engine/bad.ts:7:3 no-wall-clock-or-global-random',
      'src/engine/bad.ts:8:13 no-wall-clock-or-global-random',
      'src/mesh/upward.ts:1:1 layer-direction',
    ]);
  });
});
