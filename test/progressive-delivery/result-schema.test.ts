import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/index.js';
import { resultSchema } from '../../src/report/result-schema.js';
import { runModel } from '../support/run-model.js';

describe('docs/result.schema.json: progressiveDelivery and timelineEvents', () => {
  it.each([
    'models/progressive-delivery/flagger/podinfo-canary-faulty.scenario.yaml',
    'models/progressive-delivery/argo/guestbook.scenario.yaml',
  ])('%s conforms exactly (no undocumented or missing fields)', async (model) => {
    const r = JSON.parse(renderJson(await runModel(model)));
    expect(r.progressiveDelivery.length).toBe(1);
    expect(r.timelineEvents.length).toBeGreaterThan(3);
    expect(resultSchema.safeParse(r).error?.issues ?? []).toEqual([]);
  });
});
