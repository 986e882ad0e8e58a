import { Exponential, type EventQueueKind, type Rng, Simulation } from '../../src/engine/index.js';

/** Classic hold model on the engine: `pending` events, each reschedules itself until `total` have fired. */
export function engineHold(pending: number, total: number, rng: Rng, queue: EventQueueKind): number {
  const sim = new Simulation({ queue, maxEvents: total });
  const d = new Exponential(pending);
  const state = { sim, d, rng };
  const hold = (s: typeof state) => {
    s.sim.schedule(s.d.sample(s.rng), hold, s);
  };
  for (let i = 0; i < pending; i++) sim.schedule(d.sample(rng), hold, state);
  return sim.run().events;
}
