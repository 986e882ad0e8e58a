import { type EventQueueKind, Exponential, RandomStreams } from '../src/engine/index.js';
import { handwrittenHold, handwrittenMmc } from './handwritten.js';
import { type Measurement, measureInChild } from './measure.js';
import { engineHold } from './models/hold.js';
import { runMgc } from './models/mgc.js';

/**
 * Engine figures (issue #2): M/M/c with c = 10, ρ = 0.9, 1e6 customers; the hold model with 1e3 and 1e5
 * pending events. Each case runs in its own process so that one queue implementation's code does not
 * make the kernel's call sites polymorphic for the next (a user's process only ever runs one).
 */
export const engineCases: Record<string, (scale: number) => number> = {
  'mmc/binary-heap': (scale) => mmc(scale, 'binary-heap'),
  'mmc/js-sdsl': (scale) => mmc(scale, 'js-sdsl'),
  'mmc/handwritten': (scale) => {
    const rs = new RandomStreams(1);
    return handwrittenMmc(
      0.9,
      10,
      10,
      Math.round(1_000_000 * scale),
      rs.stream('arrivals'),
      rs.stream('services'),
    );
  },
  'hold1k/binary-heap': (scale) =>
    engineHold(1000, holdTotal(scale), new RandomStreams(1).stream('hold'), 'binary-heap'),
  'hold1k/js-sdsl': (scale) =>
    engineHold(1000, holdTotal(scale), new RandomStreams(1).stream('hold'), 'js-sdsl'),
  'hold1k/handwritten': (scale) =>
    handwrittenHold(1000, holdTotal(scale), new RandomStreams(1).stream('hold')),
  'hold100k/binary-heap': (scale) =>
    engineHold(100_000, holdTotal(scale), new RandomStreams(1).stream('hold'), 'binary-heap'),
  'hold100k/js-sdsl': (scale) =>
    engineHold(100_000, holdTotal(scale), new RandomStreams(1).stream('hold'), 'js-sdsl'),
  'hold100k/handwritten': (scale) =>
    handwrittenHold(100_000, holdTotal(scale), new RandomStreams(1).stream('hold')),
};

function holdTotal(scale: number): number {
  return Math.round(2_000_000 * scale);
}

function mmc(scale: number, queue: EventQueueKind): number {
  const rs = new RandomStreams(1);
  return runMgc({
    arrivalRatePerMs: 0.9,
    service: new Exponential(10),
    servers: 10,
    customers: Math.round(1_000_000 * scale),
    arrivals: rs.stream('arrivals'),
    services: rs.stream('services'),
    sim: { queue },
  }).events;
}

export function engineBench(scale: number) {
  const section = (model: string) => {
    const e: Measurement = measureInChild(`${model}/binary-heap`, scale);
    const s: Measurement = measureInChild(`${model}/js-sdsl`, scale);
    const h: Measurement = measureInChild(`${model}/handwritten`, scale);
    return {
      events: e.events,
      engineEventsPerSec: e.perSec,
      engineSdslEventsPerSec: s.perSec,
      handwrittenEventsPerSec: h.perSec,
      ratioEngineToHandwritten: round3(e.perSec / h.perSec),
      ratioSdslToHandwritten: round3(s.perSec / h.perSec),
    };
  };
  return {
    mmc_c10_rho0_9: { customers: Math.round(1_000_000 * scale), ...section('mmc') },
    hold_1k: { pending: 1000, ...section('hold1k') },
    hold_100k: { pending: 100_000, ...section('hold100k') },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
