import type { WorkloadConfig } from '../config/types.js';
import type { Simulation } from '../engine/index.js';
import { type CpuDone, CpuBandwidth, cfsQuotaMs } from './cpu-bandwidth.js';
import type { Pod } from './pod.js';
import type { InboundExchange } from './wire.js';

/**
 * The kubelet's CFS period (`--cpu-cfs-quota-period`, default 100 ms; kubernetes.io "Resource Management
 * for Pods and Containers": a CPU limit is enforced by CPU throttling through the CFS quota).
 */
export const CFS_PERIOD_MS = 100;

/**
 * Gives a workload's pod the CFS bandwidth of its containers' CPU limits: the app container's
 * (`resources.limits.cpu`) throttles the CPU work of its requests (each request in service is a thread of
 * its own); the istio-proxy's (`sidecar.istio.io/proxyCPULimit`) runs its CPU per request on Envoy's
 * `concurrency` worker threads. A limit of 0 sets no quota (MilliCPUToQuota).
 * NOTE: simplification: the app container is the pod template's first container; other containers are
 * not simulated. NOTE: simplification: the istio-proxy's throttling is counted but does not delay
 * requests (its CPU per request is a fraction of a millisecond).
 */
export function attachCpuLimits(
  pod: Pod,
  w: WorkloadConfig,
  sim: Simulation,
  proxyThreads: number,
  appDone: CpuDone<InboundExchange>,
): void {
  const app = w.containers[0]?.cpuLimitMilli;
  if (app !== undefined && app > 0)
    pod.appBandwidth = new CpuBandwidth(
      sim,
      cfsQuotaMs(app, CFS_PERIOD_MS),
      CFS_PERIOD_MS,
      Number.POSITIVE_INFINITY,
      appDone,
      (ms) => {
        pod.appCpuMs += ms;
      },
    );
  const proxy = w.proxyCpuLimitMilli;
  if (proxy !== undefined && proxy > 0)
    pod.proxyBandwidth = new CpuBandwidth<null>(
      sim,
      cfsQuotaMs(proxy, CFS_PERIOD_MS),
      CFS_PERIOD_MS,
      proxyThreads,
      null,
      (ms) => {
        pod.proxyCpuMs += ms;
      },
    );
}
