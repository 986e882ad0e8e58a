import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../scripts/gen-schema.js';

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
