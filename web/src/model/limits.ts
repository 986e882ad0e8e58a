import type { LoadedScenario, RateSchedule } from '../../../src/index.js';

/**
 * Models too big to simulate in a browser tab are refused before running, with a message that says
 * which limit and by how much (issue #8: "absurd models are refused instead of freezing the tab").
 */
export const LIMITS = {
  pods: 100_000,
  simulatedMs: 24 * 3_600_000,
  expectedRequests: 50_000_000,
} as const;

export interface ModelSize {
  pods: number;
  simulatedMs: number;
  expectedRequests: number;
}

/** Requests an open-loop schedule sends over [0, durationMs). */
export function scheduledRequests(rate: RateSchedule, durationMs: number): number {
  switch (rate.kind) {
    case 'constant':
      return (rate.perSecond * durationMs) / 1000;
    case 'steps': {
      let n = 0;
      const steps = [...rate.steps].sort((a, b) => a.atMs - b.atMs);
      steps.forEach((s, i) => {
        const end = Math.min(durationMs, steps[i + 1]?.atMs ?? durationMs);
        if (end > s.atMs) n += (s.perSecond * (end - s.atMs)) / 1000;
      });
      return n;
    }
    case 'ramp': {
      const rampEnd = Math.min(durationMs, rate.startMs + rate.overMs);
      const rampMs = Math.max(0, rampEnd - rate.startMs);
      const reached =
        rate.fromPerSecond + ((rate.toPerSecond - rate.fromPerSecond) * rampMs) / Math.max(1, rate.overMs);
      const during = ((rate.fromPerSecond + reached) / 2) * (rampMs / 1000);
      const after = Math.max(0, durationMs - rampEnd) * (rate.toPerSecond / 1000);
      return during + after;
    }
  }
}

export function modelSize(loaded: LoadedScenario, durationMs = loaded.scenario.durationMs): ModelSize {
  const { scenario, config } = loaded;
  let pods = 0;
  for (const w of config.workloads) pods += w.replicas;
  for (const g of scenario.traffic) pods += g.replicas;
  for (const e of scenario.events) if (e.action.kind === 'scale') pods += e.action.replicas;
  let expectedRequests = 0;
  for (const g of scenario.traffic) {
    const span = Math.max(0, durationMs - g.startMs);
    let n: number;
    if (g.mode.kind === 'open') n = scheduledRequests(g.mode.rate, span);
    else {
      // Closed loop: at most qps per connection, or (qps 0) one request per millisecond per connection.
      const perConn = g.mode.qps > 0 ? (g.mode.qps * span) / 1000 : span;
      n = perConn * g.mode.connections * g.replicas;
    }
    expectedRequests += g.count > 0 ? Math.min(g.count, n) : n;
  }
  return { pods, simulatedMs: durationMs, expectedRequests: Math.round(expectedRequests) };
}

/** Undefined when the model may run; otherwise the message shown to the user. */
export function refusal(size: ModelSize): string | undefined {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  if (size.pods > LIMITS.pods)
    return `This model has ${fmt(size.pods)} pods; the browser simulates at most ${fmt(LIMITS.pods)}. Use the CLI (meshsim run) for it.`;
  if (size.simulatedMs > LIMITS.simulatedMs)
    return `This model simulates ${fmt(size.simulatedMs / 3_600_000)} hours; the browser simulates at most 24 hours. Shorten spec.duration or use the CLI.`;
  if (size.expectedRequests > LIMITS.expectedRequests)
    return `This model sends about ${fmt(size.expectedRequests)} requests; the browser simulates at most ${fmt(LIMITS.expectedRequests)}. Lower the rate or the duration, or use the CLI.`;
  return undefined;
}
