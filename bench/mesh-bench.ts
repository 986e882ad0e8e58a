import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../src/config/scenario/fs-load.js';
import { runScenario } from '../src/run/index.js';
import { peakRssMiB } from './measure.js';

const MODEL = fileURLToPath(new URL('./models/three-tier.scenario.yaml', import.meta.url));

/**
 * Mesh figures (issue #4): the 3-tier, 30-pod mesh simulating 1,000,000 client requests. One warm-up run
 * at a tenth of the duration, then one measured run (they take seconds, not milliseconds).
 */
export async function meshBench(scale: number) {
  const load = await loadScenarioFile(MODEL);
  if (!load.loaded) throw new Error(`bench model does not load: ${JSON.stringify(load.diagnostics)}`);
  const durationMs = 100_000 * scale;
  runScenario(load.loaded, { durationMs: durationMs / 10 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runScenario(load.loaded, { durationMs });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // User + system CPU of this process (GC threads included): on a shared machine the wall clock also
  // counts waiting for a core, CPU time does not.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const clientRequests = r.clients.reduce((s, c) => s + c.requests, 0);
  const upstream = r.services.reduce((s, c) => s + c.requests, 0);
  return {
    pods: 30,
    clientRequests,
    upstreamRequests: upstream,
    events: r.events,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    simulatedRequestsPerSec: Math.round(clientRequests / (wallMs / 1000)),
    upstreamRequestsPerSec: Math.round(upstream / (wallMs / 1000)),
    engineEventsPerSec: Math.round(r.events / (wallMs / 1000)),
    clientRequestsPerCpuSec: Math.round(clientRequests / (cpuMs / 1000)),
    upstreamRequestsPerCpuSec: Math.round(upstream / (cpuMs / 1000)),
    peakRssMiB: peakRssMiB(),
  };
}
