import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import type { EnvoyObserver, UpstreamAttemptEvent } from '../../src/envoy/index.js';
import { NULL_OBSERVER } from '../../src/envoy/index.js';
import { runScenario } from '../../src/run/index.js';

/** Three `api` pods in two zones behind one Service, 300 requests/s from one client in zone-a. */
function scenario(events: string, extra = ''): string {
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: chaos}
spec:
  duration: 40s
  seed: 5
  zones:
    zone-a: {region: r1}
    zone-b: {region: r1}
  kubernetes: {readinessDelay: 2s, startupDelay: 3s}
  workloads:
    default/api: {concurrency: 32, latency: 5ms${extra}}
  traffic:
    - {name: client, rate: 300/s, zones: [zone-a], requests: [{url: "http://api/"}]}
  events:
${events}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api}]}}
`;
}

function run(text: string) {
  const load = loadScenarioFromTexts({ file: 'chaos.yaml', text }, []);
  if (!load.loaded) throw new Error(load.diagnostics.map(formatDiagnostic).join('\n'));
  const attempts: UpstreamAttemptEvent[] = [];
  const observer: EnvoyObserver = { ...NULL_OBSERVER, onUpstreamAttempt: (e) => attempts.push({ ...e }) };
  const result = runScenario(load.loaded, { observer });
  /**
   * Tries sent to `pod` that started within [fromMs, toMs). By start time: a try to a black-holed pod
   * started just before its endpoint was removed ends only when the connect timeout fires.
   */
  const to = (pod: string, fromMs: number, toMs: number) =>
    attempts.filter(
      (a) =>
        a.pod === pod && a.timeMs - a.latencyMs >= fromMs && a.timeMs - a.latencyMs < toMs && a.attempt > 0,
    ).length;
  const pods = [...new Set(attempts.map((a) => a.pod))].sort();
  return { result, attempts, to, pods };
}

describe('chaos timeline', () => {
  it('crash: the pod leaves endpoints after readinessDelay, restarts after `for`, rejoins after startupDelay', () => {
    const r = run(scenario('    - {at: 10s, target: default/api, crash: {pods: 1}, for: 10s}'));
    const victim = r.pods[0]!; // the first Running pod crashes
    expect(r.to(victim, 5_000, 10_000)).toBeGreaterThan(300); // ~1/3 of 300/s for 5 s
    // Crashed at 10 s, out of endpoints at 12 s (readinessDelay): nothing reaches it until it is back.
    expect(r.to(victim, 12_100, 23_000)).toBe(0);
    // Restarted at 20 s, ready at 23 s (startupDelay): traffic again.
    expect(r.to(victim, 23_100, 28_000)).toBeGreaterThan(300);
    // The others carried the load meanwhile.
    for (const p of r.pods.slice(1)) expect(r.to(p, 13_000, 20_000)).toBeGreaterThan(700);
  });

  it('zone down: its pods get nothing from readinessDelay until startupDelay after it is back', () => {
    const r = run(scenario('    - {at: 10s, zone: zone-b, down: true, for: 10s}'));
    // Pods alternate zone-a, zone-b, zone-a: the second pod is in zone-b.
    const inB = r.pods[1]!;
    expect(r.to(inB, 5_000, 10_000)).toBeGreaterThan(300);
    expect(r.to(inB, 12_100, 23_000)).toBe(0);
    expect(r.to(inB, 23_100, 30_000)).toBeGreaterThan(300);
  });

  it('delay between zones: cross-zone tries get slower by the extra delay each way, same-zone ones do not', () => {
    const r = run(scenario('    - {at: 10s, zones: [zone-a, zone-b], delay: 50ms, for: 10s}'));
    const mean = (pod: string, from: number, to: number) => {
      const xs = r.attempts.filter((a) => a.pod === pod && a.timeMs >= from && a.timeMs < to);
      return xs.reduce((s, a) => s + a.latencyMs, 0) / xs.length;
    };
    const cross = r.pods[1]!;
    const same = r.pods[0]!;
    expect(mean(cross, 12_000, 19_000) - mean(cross, 2_000, 9_000)).toBeGreaterThan(95); // +50 ms each way
    expect(mean(cross, 12_000, 19_000) - mean(cross, 2_000, 9_000)).toBeLessThan(110);
    expect(Math.abs(mean(same, 12_000, 19_000) - mean(same, 2_000, 9_000))).toBeLessThan(2);
    expect(mean(cross, 22_000, 30_000) - mean(cross, 2_000, 9_000)).toBeLessThan(2); // reverted
  });

  it('scale: new pods take traffic after startupDelay; scaling back removes the newest', () => {
    const r = run(scenario('    - {at: 10s, target: default/api, scale: {replicas: 5}, for: 15s}'));
    expect(r.pods.length).toBe(5);
    const added = r.pods.filter((p) => r.to(p, 0, 10_000) === 0);
    expect(added.length).toBe(2);
    for (const p of added) {
      expect(r.to(p, 10_000, 13_000)).toBe(0);
      expect(r.to(p, 13_100, 25_000)).toBeGreaterThan(300);
      expect(r.to(p, 25_200, 40_000)).toBe(0);
    }
  });

  it('set: the error mix changes at `at` and reverts after `for`', () => {
    const r = run(
      scenario('    - {at: 10s, target: default/api, set: {errors: [{status: 503, rate: 1}]}, for: 5s}'),
    );
    const errors = (from: number, to: number) =>
      r.attempts.filter((a) => a.timeMs >= from && a.timeMs < to && a.status === 503).length;
    expect(errors(0, 10_000)).toBe(0);
    // Every request served after 10 s fails (a few in service at 10 s finish with 200).
    expect(errors(10_100, 15_000)).toBeGreaterThan(0.95 * 300 * 4.9);
    expect(errors(15_100, 40_000)).toBe(0);
  });

  it('removeEndpoints: the pod keeps running but gets no new traffic until restored', () => {
    const r = run(scenario('    - {at: 10s, target: default/api, removeEndpoints: {pods: 1}, for: 5s}'));
    const victim = r.pods[0]!;
    expect(r.to(victim, 10_100, 15_000)).toBe(0);
    expect(r.to(victim, 15_100, 20_000)).toBeGreaterThan(300);
    expect(r.result.conservation.started).toBe(
      r.result.conservation.finished + r.result.conservation.inFlightAtEnd,
    );
  });
});
