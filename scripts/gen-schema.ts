import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { scenarioSchema } from '../src/config/scenario/schema.js';
import { resultSchema } from '../src/report/result-schema.js';

/** docs/scenario.schema.json: JSON Schema of the Scenario document, for editor completion. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, $id: 'https://meshsim.dev/schemas/scenario-v1alpha1.json', title: 'meshsim Scenario' }, null, 2)}\n`;
}

/** docs/result.schema.json: the JSON that `meshsim run --format json` prints. */
export function resultJsonSchema(): string {
  const schema = z.toJSONSchema(resultSchema) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, $id: 'https://meshsim.dev/schemas/result-v1alpha1.json', title: 'meshsim Result' }, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('gen-schema.ts')) {
  writeFileSync('docs/scenario.schema.json', scenarioJsonSchema());
  writeFileSync('docs/result.schema.json', resultJsonSchema());
  console.log('wrote docs/scenario.schema.json and docs/result.schema.json');
}
