import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultJsonSchema, scenarioJsonSchema } from '../../scripts/gen-schema.js';
import { resultSchema } from '../../src/report/result-schema.js';
import { renderJson } from '../../src/report/index.js';
import { runModel } from '../support/run-model.js';

describe('docs/scenario.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync('docs/scenario.schema.json', 'utf8')).toBe(scenarioJsonSchema());
  });
  it('describes the fields editors complete', () => {
    const s = JSON.parse(scenarioJsonSchema());
    expect(s.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(s.properties.spec.properties)).toContain('traffic');
    expect(s.properties.spec.additionalProperties).toBe(false);
  });
});

describe('docs/result.schema.json', () => {
  it('is up to date', () => {
    expect(readFileSync('docs/result.schema.json', 'utf8')).toBe(resultJsonSchema());
  });
  it('a real run conforms to it exactly (no undocumented or missing fields)', async () => {
    const r = JSON.parse(
      renderJson(await runModel('models/canary/canary.scenario.yaml', { durationMs: 8000 })),
    );
    const parsed = resultSchema.safeParse(r);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
