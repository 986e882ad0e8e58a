import { describe, expect, it } from 'vitest';
import type { CanaryConfig, CanaryMetricConfig } from '../../src/config/resolve/rollout-types.js';
import type { PromExpr } from '../../src/config/resolve/rollout-promql.js';
import type { VirtualServiceConfig } from '../../src/config/types.js';
import {
  CanaryPhase,
  FlaggerCanaryController,
  evaluateCheck,
} from '../../src/mesh/progressive-delivery/flagger-canary.js';
import { FakeHost } from './fake-host.js';

const INTERVAL = 60_000;
const PRIMARY = 'podinfo-primary.test.svc.cluster.local';
const CANARY = 'podinfo-canary.test.svc.cluster.local';

function metric(
  name: string,
  kind: CanaryMetricConfig['kind'],
  range: { min?: number; max?: number },
): CanaryMetricConfig {
  const query: PromExpr = { kind: 'number', value: 0 };
  return { name, kind, intervalMs: 60_000, queryText: name, query, ...range };
}

function canary(over: Partial<CanaryConfig> = {}): CanaryConfig {
  return {
    meta: {
      name: 'podinfo',
      namespace: 'test',
      labels: {},
      annotations: {},
      source: { file: 'c.yaml', line: 1, column: 1 },
    },
    target: 'test/podinfo',
    primary: 'test/podinfo-primary',
    apexHost: 'podinfo.test.svc.cluster.local',
    primaryHost: PRIMARY,
    canaryHost: CANARY,
    virtualService: { name: 'podinfo', namespace: 'test' },
    intervalMs: INTERVAL,
    threshold: 5,
    maxWeight: 50,
    stepWeight: 10,
    stepWeights: [],
    stepWeightPromotion: 0,
    iterations: 0,
    strategy: 'canary',
    skipAnalysis: false,
    metrics: [metric('request-success-rate', 'request-success-rate', { min: 99 })],
    ...over,
  };
}

const vs = {
  meta: { name: 'podinfo', namespace: 'test' },
  http: [
    {
      route: [
        { destination: { host: PRIMARY }, weight: 100 },
        { destination: { host: CANARY }, weight: 0 },
      ],
    },
  ],
} as unknown as VirtualServiceConfig;

/** Runs the controller tick by tick (every interval from t = interval) until it stops. */
function run(cfg: CanaryConfig, values: (call: number) => number | null) {
  const host = new FakeHost((_e, n) => values(n), [vs]);
  const ctl = new FlaggerCanaryController(cfg, host);
  let t = cfg.intervalMs;
  for (let i = 0; i < 100; i++) {
    const next = ctl.reconcile(t);
    if (next === null) break;
    t += next;
  }
  const weights = host.pushes.map((p) => p[0]!.http[0]!.route.map((d) => d.weight).join('/'));
  return {
    ctl,
    host,
    weights,
    trail: ctl.decisions.map((d) => `${d.timeMs / 1000}:${d.verdict}:${d.weight}`),
  };
}

describe('Flagger canary scheduler (advanceCanary)', () => {
  it('stepWeight reaching maxWeight exactly: 10..50, then promote, route to primary, succeed', () => {
    const r = run(canary(), () => 100);
    expect(r.trail).toEqual([
      '60:start:0',
      '120:start:0',
      '120:advance:10',
      '180:advance:20',
      '240:advance:30',
      '300:advance:40',
      '360:advance:50',
      '420:promote:50',
      '480:finalise:0',
      '540:succeeded:0',
    ]);
    expect(r.weights).toEqual(['90/10', '80/20', '70/30', '60/40', '50/50', '100/0']);
    expect(r.host.rollOuts).toEqual(['test/podinfo->test/podinfo-primary']);
    expect(r.ctl.phase).toBe(CanaryPhase.Succeeded);
    expect(r.ctl.finishedAtMs).toBe(540_000);
  });

  it('a stepWeight that overshoots maxWeight goes past it once (Flagger does not clamp): 20, 40, 60', () => {
    const r = run(canary({ stepWeight: 20 }), () => 100);
    expect(r.weights).toEqual(['80/20', '60/40', '40/60', '100/0']);
  });

  it('stepWeights walk the list; maxWeight is its last entry', () => {
    const r = run(canary({ stepWeight: 0, stepWeights: [1, 5, 25, 50] }), () => 100);
    expect(r.weights).toEqual(['99/1', '95/5', '75/25', '50/50', '100/0']);
  });

  it('threshold - 1 failed checks: the rollout still succeeds (failures hold the weight)', () => {
    // checks 1..4 fail (threshold 5), then every check passes
    const r = run(canary(), (n) => (n <= 4 ? 98 : 100));
    expect(r.ctl.phase).toBe(CanaryPhase.Succeeded);
    expect(r.ctl.failedChecks).toBe(4);
    expect(r.trail.slice(2, 7)).toEqual([
      '120:advance:10',
      '180:hold:10',
      '240:hold:10',
      '300:hold:10',
      '360:hold:10',
    ]);
  });

  it('threshold failed checks: the next tick rolls back to 100 % primary without querying again', () => {
    let queries = 0;
    const r = run(canary(), () => {
      queries++;
      return 98;
    });
    expect(r.ctl.phase).toBe(CanaryPhase.Failed);
    expect(r.ctl.failedChecks).toBe(5);
    expect(queries).toBe(5);
    expect(r.trail.slice(-2)).toEqual(['420:hold:10', '480:rollback:0']);
    expect(r.weights).toEqual(['90/10', '100/0']);
    expect(r.host.rollOuts).toEqual([]);
  });

  it('failed checks count over the whole analysis, not only consecutive ones (threshold + 1 checks taken)', () => {
    // fail, pass, fail, pass, fail with threshold 3: the sixth tick with checks rolls back
    const r = run(canary({ threshold: 3, maxWeight: 100 }), (n) => (n % 2 === 1 ? 98 : 100));
    expect(r.ctl.phase).toBe(CanaryPhase.Failed);
    expect(r.trail.filter((t) => t.includes(':hold:')).length).toBe(3);
    expect(r.trail.at(-1)).toBe('480:rollback:0');
  });

  it('no values (NaN or empty) is a failed check', () => {
    const r = run(canary({ threshold: 1 }), () => null);
    expect(r.ctl.decisions.find((d) => d.verdict === 'hold')!.metrics[0]!.verdict).toBe('no-data');
    expect(r.ctl.phase).toBe(CanaryPhase.Failed);
  });

  it('skipAnalysis promotes on the first tick after detection', () => {
    const r = run(canary({ skipAnalysis: true }), () => 0);
    expect(r.trail).toEqual(['60:start:0', '120:succeeded:0']);
    expect(r.host.rollOuts).toEqual(['test/podinfo->test/podinfo-primary']);
  });

  it('stepWeightPromotion shifts traffic back in steps', () => {
    const r = run(canary({ stepWeight: 50, maxWeight: 50, stepWeightPromotion: 20 }), () => 100);
    expect(r.weights).toEqual(['50/50', '70/30', '90/10', '100/0']);
  });
});

describe('one metric check at its thresholds (scheduler_metrics.go)', () => {
  const sr = metric('request-success-rate', 'request-success-rate', { min: 99 });
  const rd = metric('request-duration', 'request-duration', { max: 500 });
  const v = (value: number) => ({ kind: 'scalar' as const, value });
  it.each([
    [sr, 98.999, 'fail'],
    [sr, 99, 'pass'],
    [sr, 99.001, 'pass'],
    [rd, 499.9, 'pass'],
    [rd, 500.9, 'pass'], // truncated to 500 ms: not above the max
    [rd, 501, 'fail'],
  ])('%o at %d: %s', (m, value, verdict) => {
    expect(evaluateCheck(m, v(value)).verdict).toBe(verdict);
  });
  it('request-duration reports whole milliseconds', () => {
    expect(evaluateCheck(rd, v(500.9)).value).toBe(500);
  });
});
