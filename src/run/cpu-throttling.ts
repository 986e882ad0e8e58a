import type { CfsStat } from '../mesh/cpu-bandwidth.js';
import type { Pod } from '../mesh/pod.js';
import type { WorkloadRuntime } from '../mesh/world.js';
import { round } from './collect.js';
import type { CpuThrottlingResult } from './result.js';

/** The istio-proxy's container name, as the injector names it (cAdvisor's `container` label). */
const PROXY_CONTAINER = 'istio-proxy';

/**
 * A workload's CFS counters per limited container (mesh/container-cpu.ts), brought up to `endMs`;
 * `{}` when no container has a CPU limit that metered CPU (a limit on an app the scenario gives no `cpu`
 * counts no period), so such results keep their shape.
 */
export function cpuThrottlingOf(
  rt: WorkloadRuntime,
  endMs: number,
): { cpuThrottling?: CpuThrottlingResult[] } {
  const out: CpuThrottlingResult[] = [];
  const app = rt.config.containers[0];
  if (app?.cpuLimitMilli !== undefined && app.cpuLimitMilli > 0)
    out.push(container(app.name, app.cpuLimitMilli, rt.pods, (p) => p.appBandwidth, endMs));
  const proxy = rt.config.proxyCpuLimitMilli;
  if (proxy !== undefined && proxy > 0)
    out.push(container(PROXY_CONTAINER, proxy, rt.pods, (p) => p.proxyBandwidth, endMs));
  // A quota that never metered any CPU (the scenario gives the container none) says nothing.
  const metered = out.filter((c) => c.periods > 0);
  return metered.length > 0 ? { cpuThrottling: metered } : {};
}

function container(
  name: string,
  limitMilli: number,
  pods: readonly Pod[],
  of: (p: Pod) => CfsStat | null,
  endMs: number,
): CpuThrottlingResult {
  const r: CpuThrottlingResult = {
    container: name,
    limitMilli,
    periods: 0,
    throttledPeriods: 0,
    throttledMs: 0,
    pods: [],
  };
  for (const p of pods) {
    const b = of(p);
    if (b === null) continue;
    b.settle(endMs);
    r.periods += b.nrPeriods;
    r.throttledPeriods += b.nrThrottled;
    r.throttledMs += b.throttledMs;
    r.pods.push({
      pod: p.name,
      periods: b.nrPeriods,
      throttledPeriods: b.nrThrottled,
      throttledMs: round(b.throttledMs, 3),
    });
  }
  r.throttledMs = round(r.throttledMs, 3);
  return r;
}
