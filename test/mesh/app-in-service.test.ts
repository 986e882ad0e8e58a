import { describe, expect, it } from 'vitest';
import type { WorkloadBehaviour } from '../../src/config/scenario/index.js';
import { Simulation } from '../../src/engine/index.js';
import { WorkloadAggregate } from '../../src/mesh/aggregates.js';
import { AppContainer } from '../../src/mesh/app-container.js';
import type { Pod } from '../../src/mesh/pod.js';
import type { InboundExchange } from '../../src/mesh/wire.js';
import type { World } from '../../src/mesh/world.js';

/**
 * The container's in-service list (an intrusive list through the exchanges): requests finish out of
 * arrival order, so members leave from its head, middle and tail; a crash resets exactly those still in
 * service, in the order they entered service.
 */
function harness(serviceTimesMs: number[]) {
  const sim = new Simulation();
  const world = {
    sim,
    opts: { scenario: { warmupMs: 0, sidecar: { cpuPerRequestMs: 0 } } },
  } as unknown as World;
  // A pod without a CPU limit (appBandwidth null: no CFS throttling); only the counters the app touches.
  const pod = {
    proxyCpuMs: 0,
    appCpuMs: 0,
    requestsIn: 0,
    appBandwidth: null,
    chargeProxyCpu(this: { proxyCpuMs: number }, ms: number) {
      this.proxyCpuMs += ms;
    },
  } as unknown as Pod;
  let next = 0;
  const behaviour = {
    concurrency: 100,
    cpu: { perRequestMs: 0, idleMilli: 0 },
    queueLimit: 0,
    latency: { sample: () => serviceTimesMs[next++]! },
    errors: [],
    calls: [],
    callMode: 'parallel',
    zones: [],
  } as unknown as WorkloadBehaviour;
  const app = new AppContainer(pod, world, behaviour, { next: () => 0.5 } as never, new WorkloadAggregate());
  const log: string[] = [];
  const exchange = (id: number) => {
    const x = {
      arrivedMs: 0,
      app,
      inService: false,
      prevInService: null,
      nextInService: null,
      callFailure: 0,
      respond: (r: { status: number }) => log.push(`${sim.now} answer ${id} ${r.status}`),
      reset: () => log.push(`${sim.now} reset ${id}`),
    };
    return x as unknown as InboundExchange;
  };
  return { sim, app, log, exchange };
}

describe('app container: requests in service', () => {
  it('finishes out of order (head, middle, tail leave), then a crash resets the rest in service order', () => {
    // Requests 0..5 enter at t=0, request 6 at t=4 (after the tail and the head left); the crash is at t=6.
    const h = harness([3, 8, 1, 9, 2, 2.5, 10, 4, 2]);
    for (let i = 0; i < 6; i++) {
      h.app.handle(h.exchange(i));
      h.sim.runUntil(0);
    }
    h.sim.runUntil(4);
    h.app.handle(h.exchange(6));
    h.sim.runUntil(6);
    h.app.crash();
    // The scheduled service ends of the reset requests (1 at 8, 3 at 9, 6 at 14) must answer nothing.
    h.sim.runUntil(20);
    expect(h.log).toEqual([
      '1 answer 2 200', // from the middle
      '2 answer 4 200', // from the middle
      '2.5 answer 5 200', // the tail
      '3 answer 0 200', // the head
      '6 reset 1', // the rest, oldest first, with the one that came after
      '6 reset 3',
      '6 reset 6',
    ]);
    expect(h.app.busy).toBe(0);
    // The emptied list takes new requests: one finishing before a second crash, one reset by it.
    h.app.resume();
    h.app.handle(h.exchange(6)); // 4 ms: ends at 24
    h.app.handle(h.exchange(7)); // 2 ms: ends at 22
    h.sim.runUntil(23);
    h.app.crash();
    h.sim.runUntil(40);
    expect(h.log.slice(7)).toEqual(['22 answer 7 200', '23 reset 6']);
  });
});
