import type { Scenario } from '../config/scenario/index.js';
import type { MeshConfig } from '../config/types.js';
import type { EnvoyObserver } from '../envoy/index.js';
import { HorizontalController } from '../mesh/autoscaling/horizontal-controller.js';
import { ChaosTimeline } from '../mesh/chaos.js';
import { ProgressiveDelivery } from '../mesh/progressive-delivery/progressive-delivery.js';
import type { InboundLayerSource } from '../mesh/inbound-listener.js';
import { Recorder } from '../mesh/recorder.js';
import { World } from '../mesh/world.js';
import { VERSION } from '../version.js';
import { collectResult } from './collect.js';
import type { Result } from './result.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's duration (ms). */
  durationMs?: number;
  /** Extra subscriber to domain events (web app, tests). */
  observer?: EnvoyObserver;
  /** The MeshConfig / Sidecar layers of the server pods' inbound connection pools (mesh/inbound-listener.ts). */
  inboundLayers?: InboundLayerSource;
  /** Called about every `progressEveryMs` of simulated time with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
  progressEveryMs?: number;
}

export interface LoadedScenario {
  scenario: Scenario;
  config: MeshConfig;
}

/**
 * Runs a scenario to its Result. Pure in (inputs, seed): no wall clock, no global randomness; the same
 * inputs give the same bytes in Node and the browser.
 */
export function runScenario(loaded: LoadedScenario, opts: RunOptions = {}): Result {
  const { world, recorder } = buildRun(loaded, opts);
  runToEnd(world, opts);
  return collectResult(world, recorder, loaded.scenario, VERSION);
}

/**
 * Runs a built world to its end in steps of simulated time, reporting progress between steps: the load
 * until the scenario's duration, then the drain (drainWorld).
 */
export function runToEnd(world: World, opts: Pick<RunOptions, 'onProgress' | 'progressEveryMs'> = {}): void {
  const end = world.endMs;
  const step = opts.progressEveryMs ?? Math.max(1000, end / 100);
  world.start();
  for (let t = step; t < end; t += step) {
    world.sim.runUntil(t);
    opts.onProgress?.(t / end);
  }
  world.sim.runUntil(end);
  drainWorld(world);
  opts.onProgress?.(1);
}

/**
 * The load has stopped (the clock is at the world's endMs): requests in flight run to completion, and the
 * run ends at the instant the last one finishes, or at the drain limit (duration + drainTimeout) with the
 * rest unfinished. Returns the time the drain ended (endMs when nothing was in flight).
 */
export function drainWorld(world: World): number {
  if (world.beginDrain()) world.sim.runUntil(world.drainLimitMs);
  return world.sim.now;
}

/** Builds the world without running it (for stepping from the web app or tests). */
export function buildRun(
  loaded: LoadedScenario,
  opts: RunOptions = {},
): { world: World; recorder: Recorder } {
  const { scenario, config } = loaded;
  const recorder = new Recorder(scenario.warmupMs, scenario.seriesIntervalMs);
  const world = new World({
    scenario,
    config,
    seed: opts.seed ?? scenario.seed,
    durationMs: opts.durationMs ?? scenario.durationMs,
    recorder,
    ...(opts.observer ? { observer: opts.observer } : {}),
    ...(opts.inboundLayers ? { inboundLayers: opts.inboundLayers } : {}),
  });
  new ChaosTimeline(world).schedule(scenario.events);
  const hpas = config.horizontalPodAutoscalers ?? [];
  new HorizontalController(world, hpas, scenario.kubernetes.hpa, recorder.autoscaling).start();
  // Flagger Canaries and Argo Rollouts reconcile on the same clock (mesh/progressive-delivery).
  if (config.progressiveDelivery) world.progressiveDelivery = new ProgressiveDelivery(world);
  return { world, recorder };
}
