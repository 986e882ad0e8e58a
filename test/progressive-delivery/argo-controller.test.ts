import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../src/config/resolve/argo-rollouts-condition.js';
import type { PromExpr } from '../../src/config/resolve/rollout-promql.js';
import type {
  AnalysisMetricConfig,
  RolloutConfig,
  RolloutStep,
} from '../../src/config/resolve/rollout-types.js';
import type { VirtualServiceConfig } from '../../src/config/types.js';
import { AnalysisPhase, AnalysisRun, judge } from '../../src/mesh/progressive-delivery/analysis-run.js';
import { ArgoRolloutController, RolloutPhase } from '../../src/mesh/progressive-delivery/argo-rollout.js';
import { ReconcileLoop } from '../../src/mesh/progressive-delivery/reconcile-loop.js';
import { FakeHost } from './fake-host.js';

function cond(text: string) {
  const c = parseCondition(text);
  if (!c.ok) throw new Error(c.message);
  return c.expr;
}

function metric(over: Partial<AnalysisMetricConfig> = {}): AnalysisMetricConfig {
  const query: PromExpr = { kind: 'number', value: 0 };
  return {
    name: 'success-rate',
    template: 'success-rate',
    intervalMs: 60_000,
    initialDelayMs: 0,
    count: null,
    successCondition: cond('result[0] >= 0.95'),
    successConditionText: 'result[0] >= 0.95',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    consecutiveSuccessLimit: 0,
    queryText: 'q',
    query,
    dryRun: false,
    ...over,
  };
}

const vs = {
  meta: { name: 'vsvc', namespace: 'default' },
  http: [
    {
      name: 'primary',
      route: [
        { destination: { host: 'svc.default.svc.cluster.local', subset: 'stable' }, weight: 100 },
        { destination: { host: 'svc.default.svc.cluster.local', subset: 'canary' }, weight: 0 },
      ],
    },
  ],
} as unknown as VirtualServiceConfig;

function rollout(steps: RolloutStep[], background?: RolloutConfig['background']): RolloutConfig {
  return {
    meta: {
      name: 'demo',
      namespace: 'default',
      labels: {},
      annotations: {},
      source: { file: 'r.yaml', line: 1, column: 1 },
    },
    replicas: 1,
    stableWorkload: 'default/demo-stable',
    canaryWorkload: 'default/demo-canary',
    steps,
    ...(background ? { background } : {}),
    virtualServices: [{ name: 'vsvc', namespace: 'default', routes: ['primary'], path: 'spec' }],
    split: {
      kind: 'subset',
      canarySubset: 'canary',
      stableSubset: 'stable',
      destinationRule: 'default/demo',
    },
  };
}

/** Runs the controller on the host's own clock through its reconcile loop. */
function run(cfg: RolloutConfig, values: (call: number) => number | null, untilMs = 3_600_000) {
  const host = new FakeHost((_e, n) => values(n), [vs]);
  const ctl = new ArgoRolloutController(cfg, host);
  new ReconcileLoop(host.sim, (now) => ctl.reconcile(now)).wakeAt(0);
  host.sim.runUntil(untilMs);
  const weights = host.pushes.map((p) => p[0]!.http[0]!.route.map((d) => d.weight).join('/'));
  return {
    ctl,
    host,
    weights,
    trail: ctl.decisions.map((d) => `${d.timeMs / 1000}:${d.verdict}:${d.weight}`),
  };
}

describe('Argo Rollouts canary steps', () => {
  it('setWeight and timed pauses: the next step starts exactly when the pause ends', () => {
    const r = run(
      rollout([
        { kind: 'setWeight', weight: 20 },
        { kind: 'pause', durationMs: 600_000 },
        { kind: 'setWeight', weight: 40 },
        { kind: 'pause', durationMs: 30_000 },
      ]),
      () => 1,
    );
    expect(r.trail).toEqual([
      '0:advance:20',
      '0:pause:20',
      '600:advance:40',
      '600:pause:40',
      '630:succeeded:0',
    ]);
    expect(r.weights).toEqual(['80/20', '60/40', '100/0']);
    expect(r.host.rollOuts).toEqual(['default/demo-canary->default/demo-stable']);
  });

  it('a pause one millisecond shorter ends one millisecond earlier', () => {
    const r = run(
      rollout([
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause', durationMs: 599_999 },
      ]),
      () => 1,
    );
    expect(r.ctl.finishedAtMs).toBe(599_999);
  });

  it('pause without a duration stays paused to the end of the run', () => {
    const r = run(
      rollout([
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause', durationMs: null },
        { kind: 'setWeight', weight: 50 },
      ]),
      () => 1,
    );
    expect(r.ctl.phase).toBe(RolloutPhase.Paused);
    expect(r.weights).toEqual(['90/10']);
    expect(r.ctl.finishedAtMs).toBeNull();
  });

  it.each([
    [2, 2, RolloutPhase.Healthy], // failures = failureLimit: tolerated
    [2, 3, RolloutPhase.Degraded], // failureLimit + 1: the run fails, the rollout aborts
    [0, 1, RolloutPhase.Degraded], // default failureLimit 0: the first failure aborts
  ])('inline analysis, failureLimit %d with %d failures: %s', (failureLimit, failures, phase) => {
    const r = run(
      rollout([
        { kind: 'setWeight', weight: 20 },
        { kind: 'analysis', run: { templates: ['t'], metrics: [metric({ failureLimit, count: 5 })] } },
        { kind: 'setWeight', weight: 60 },
      ]),
      (n) => (n <= failures ? 0.9 : 0.99),
    );
    expect(r.ctl.phase).toBe(phase);
    if (phase === RolloutPhase.Degraded) {
      expect(r.weights.at(-1)).toBe('100/0');
      expect(r.ctl.finishedAtMs).toBe((failureLimit + 1 - 1) * 60_000);
      expect(r.host.rollOuts).toEqual([]);
    } else {
      // five measurements a minute apart: Successful at the fifth (count reached), then weight 60
      expect(r.ctl.finishedAtMs).toBe(4 * 60_000);
      expect(r.weights).toEqual(['80/20', '40/60', '100/0']);
    }
  });

  it('background analysis from startingStep aborts the rollout mid-pause', () => {
    const r = run(
      rollout(
        [
          { kind: 'setWeight', weight: 20 },
          { kind: 'pause', durationMs: 600_000 },
          { kind: 'setWeight', weight: 40 },
          { kind: 'pause', durationMs: 600_000 },
        ],
        {
          startingStep: 2,
          run: { templates: ['t'], metrics: [metric({ intervalMs: 300_000, failureLimit: 1 })] },
        },
      ),
      () => 0.5,
    );
    // starts at 600 s (step index 2), measures at 600 and 900: 2 failures > 1
    expect(r.trail.at(-1)).toBe('900:abort:0');
    expect(r.ctl.phase).toBe(RolloutPhase.Degraded);
  });
});

describe('AnalysisRun measurements (evaluate.go, analysis.go)', () => {
  const host = (v: number | null) => new FakeHost(() => v);
  it.each([
    [0.95, 'pass'],
    [0.9499, 'fail'],
    [null, 'error'], // an empty vector: result[0] cannot be evaluated
  ])('successCondition result[0] >= 0.95 at %s: %s', (value, verdict) => {
    const m = metric();
    expect(judge(m, host(value).query(m.query!)).verdict).toBe(verdict);
  });

  it('both conditions false is Inconclusive', () => {
    const m = metric({ failureCondition: cond('result[0] < 0.5') });
    expect(judge(m, { kind: 'vector', samples: [{ labels: {}, value: 0.7 }] }).verdict).toBe('inconclusive');
    // a scalar result cannot be indexed: result[0] is an evaluation error
    expect(judge(m, { kind: 'scalar', value: 0.7 }).verdict).toBe('error');
  });

  it('consecutive errors beyond consecutiveErrorLimit end the run in Error', () => {
    const run = new AnalysisRun({ templates: ['t'], metrics: [metric({ consecutiveErrorLimit: 2 })] }, 0);
    const h = host(null);
    for (const t of [0, 60_000]) run.measure(t, h);
    expect(run.phase).toBe(AnalysisPhase.Running);
    run.measure(120_000, h);
    expect(run.phase).toBe(AnalysisPhase.Error);
  });

  it('no interval and no count: one measurement', () => {
    const run = new AnalysisRun({ templates: ['t'], metrics: [metric({ intervalMs: null, count: 1 })] }, 0);
    run.measure(0, host(0.99));
    expect(run.phase).toBe(AnalysisPhase.Successful);
    expect(run.nextAtMs()).toBeNull();
  });

  it('a dry-run metric never fails the run', () => {
    const run = new AnalysisRun({ templates: ['t'], metrics: [metric({ dryRun: true, count: 1 })] }, 0);
    run.measure(0, host(0.1));
    expect(run.terminate()).toBe(AnalysisPhase.Successful);
  });

  it('conditions: and/or, len, isNaN, default, arithmetic', () => {
    const m = (s: string) => metric({ successCondition: cond(s) });
    const vec = (...v: number[]) => ({
      kind: 'vector' as const,
      samples: v.map((value) => ({ labels: {}, value })),
    });
    expect(judge(m('len(result) == 2 && result[1] > result[0] * 2'), vec(1, 3)).verdict).toBe('pass');
    expect(judge(m('isNaN(result[0]) or result[0] < 1'), vec(Number.NaN)).verdict).toBe('pass');
    expect(judge(m('default(result[0], 0) >= 0'), vec()).verdict).toBe('pass');
    expect(judge(m('not (result >= 0.5)'), { kind: 'scalar', value: 0.2 }).verdict).toBe('pass');
  });

  it('unsupported condition syntax is a positioned parse result', () => {
    const c = parseCondition('result[0] >= 0.95 ?? 1');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.offset).toBe(18);
    const d = parseCondition('all(result, {# > 0})');
    expect(d.ok).toBe(false);
  });
});
