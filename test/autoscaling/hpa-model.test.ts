import { describe, expect, it } from 'vitest';
import { runModel } from '../support/run-model.js';
import { cli } from '../support/cli.js';

const MODEL = 'models/autoscaling/ramp.scenario.yaml';

describe('models/autoscaling: an HPA on CPU behind a traffic ramp (golden)', () => {
  it('scales 2 -> 4 -> 8 on the ramp and back to 3 after the 5-minute downscale stabilization', async () => {
    const r = await runModel(MODEL);
    const a = r.autoscaling![0]!;
    expect(a.events.map((e) => [e.timeMs / 1000, e.from, e.to])).toEqual([
      [75, 2, 4],
      [135, 4, 8],
      [675, 8, 3],
    ]);
    // 300/s from 60 s: the first sync that sees a full window of it (75 s) scales.
    const at = (s: number) => a.syncs.find((x) => x.timeMs === s * 1000)!;
    expect(at(60).metrics[0]!.current).toBe('41%');
    expect(at(75).metrics[0]!.current).toBe('116%');
    // The new pods are ignored until a full metrics window after they became ready, so 90 s and 105 s hold.
    expect([at(90).desiredReplicas, at(105).desiredReplicas]).toEqual([4, 4]);
    // After the load drops at 360 s the recommendation falls at once but the 8 is held for 5 minutes.
    expect(at(420)).toMatchObject({
      currentReplicas: 8,
      desiredReplicas: 8,
      ableToScale: 'ScaleDownStabilized',
    });
    expect(r.conservation.started).toBe(r.conservation.finished + r.conservation.inFlightAtEnd);
  });

  it('the text report shows it as kubectl describe hpa does', async () => {
    const { code, out } = await cli('run', MODEL);
    expect(code).toBe(0);
    expect(out).toContain('HorizontalPodAutoscaler shop/checkout (reference: Deployment/checkout)');
    expect(out).toMatch(/675s\s+SuccessfulRescale\s+8\s+3\s+All metrics below target/);
  });
});
