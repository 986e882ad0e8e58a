import { describe, expect, it } from 'vitest';
import type { HpaScalingRules } from '../../src/config/types.js';
import { ScalingBehavior } from '../../src/mesh/autoscaling/scaling-behavior.js';

const UP: HpaScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
  tolerance: undefined,
};
const DOWN: HpaScalingRules = {
  stabilizationWindowSeconds: undefined,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  tolerance: undefined,
};

describe('normalizeDesiredReplicas without a behavior (legacy)', () => {
  it('caps a scale-up at max(2 x current, 4) and at maxReplicas', () => {
    const b = new ScalingBehavior(undefined, 300_000, 1, 100);
    expect(b.normalize(0, 1, 10)).toMatchObject({ replicas: 4, limited: 'ScaleUpLimit', isLimited: true });
    expect(b.normalize(15_000, 5, 10)).toMatchObject({ replicas: 10, limited: 'DesiredWithinRange' });
    expect(b.normalize(30_000, 10, 21)).toMatchObject({ replicas: 20, limited: 'ScaleUpLimit' });
    const small = new ScalingBehavior(undefined, 300_000, 1, 6);
    expect(small.normalize(0, 4, 9)).toMatchObject({ replicas: 6, limited: 'TooManyReplicas' });
  });

  it('keeps the highest recommendation of the 5-minute window before scaling down', () => {
    const b = new ScalingBehavior(undefined, 300_000, 1, 100);
    expect(b.normalize(0, 8, 8).replicas).toBe(8);
    expect(b.normalize(15_000, 8, 3)).toMatchObject({ replicas: 8, ableToScale: 'ScaleDownStabilized' });
    // Exactly 300 s after the 8 it still counts (only a recommendation strictly before the cutoff is
    // dropped); 1 ms later the 3 is the highest left, and 15 s later the 2.
    expect(b.normalize(300_000, 8, 2).replicas).toBe(8);
    expect(b.normalize(300_001, 8, 2).replicas).toBe(3);
    expect(b.normalize(315_001, 8, 2).replicas).toBe(2);
  });
});

describe('normalizeDesiredReplicasWithBehaviors', () => {
  it('default scale-up: 4 pods or 100 % per 15 s, whichever is more, counting scale events in the period', () => {
    const b = new ScalingBehavior({ scaleUp: UP, scaleDown: DOWN }, 300_000, 1, 100);
    expect(b.normalize(0, 2, 50)).toMatchObject({ replicas: 6, limited: 'ScaleUpLimit' }); // 2 + 4 > 2 x 2
    b.recordScale(0, 2, 6);
    // 10 s later the period started at 2 replicas: the limit is still 6.
    expect(b.normalize(10_000, 6, 50)).toMatchObject({ replicas: 6 });
    // 15 s later the event is outside the period (strictly after the cutoff counts): 6 x 2 = 12.
    expect(b.normalize(15_000, 6, 50)).toMatchObject({ replicas: 12, limited: 'ScaleUpLimit' });
  });

  it('a Min select policy takes the smaller change; Disabled never scales that way', () => {
    const min = new ScalingBehavior(
      { scaleUp: { ...UP, selectPolicy: 'Min' }, scaleDown: DOWN },
      300_000,
      1,
      100,
    );
    expect(min.normalize(0, 10, 50).replicas).toBe(14); // min(10 + 4, 20)
    const off = new ScalingBehavior(
      { scaleUp: UP, scaleDown: { ...DOWN, selectPolicy: 'Disabled', stabilizationWindowSeconds: 0 } },
      300_000,
      1,
      100,
    );
    expect(off.normalize(0, 10, 2)).toMatchObject({ replicas: 10, limited: 'ScaleDownLimit' });
  });

  it('scale-down: the window of the behavior, then the percent policy rounded down', () => {
    const rules = {
      ...DOWN,
      stabilizationWindowSeconds: 60,
      policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }],
    };
    const b = new ScalingBehavior({ scaleUp: UP, scaleDown: rules }, 300_000, 1, 100);
    expect(b.normalize(0, 9, 9).replicas).toBe(9);
    expect(b.normalize(30_000, 9, 2)).toMatchObject({ replicas: 9, ableToScale: 'ScaleDownStabilized' });
    // At 60 s the first 9 is exactly at the cutoff (not after it): the stabilized value is 2; 50 % of 9 = 4.5 -> 4.
    expect(b.normalize(60_000, 9, 2)).toMatchObject({ replicas: 4, limited: 'ScaleDownLimit' });
    b.recordScale(60_000, 9, 4);
    // Within the 60 s period the period started at 9: 4 is already 9 x 50 % rounded down.
    expect(b.normalize(90_000, 4, 2)).toMatchObject({ replicas: 4 });
  });

  it('a scale-up stabilization window takes the lowest recent recommendation', () => {
    const b = new ScalingBehavior(
      { scaleUp: { ...UP, stabilizationWindowSeconds: 30 }, scaleDown: DOWN },
      300_000,
      1,
      100,
    );
    expect(b.normalize(0, 2, 3).replicas).toBe(3);
    expect(b.normalize(15_000, 2, 8)).toMatchObject({ replicas: 3, ableToScale: 'ScaleUpStabilized' });
    expect(b.normalize(30_000, 2, 8).replicas).toBe(6); // the 3 is at the cutoff: min(8, 8) = 8, then +4 = 6
  });
});
