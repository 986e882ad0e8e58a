import {
  type Distribution,
  Exponential,
  type Rng,
  Simulation,
  type SimulationOptions,
  TimeWeightedGauge,
} from '../../src/engine/index.js';

/**
 * M/G/c: Poisson arrivals, `servers` identical servers, FIFO queue, service times from any distribution.
 * Used by the queueing-theory tests (against Erlang C and Pollaczek-Khinchine) and by the benchmark, so
 * the benchmarked model is the validated one. Per customer: one arrival and one departure event.
 */
export interface MgcOptions {
  arrivalRatePerMs: number;
  service: Distribution;
  servers: number;
  customers: number;
  arrivals: Rng;
  services: Rng;
  /** Keep every waiting time (tests); the benchmark only sums them. */
  recordWaits?: boolean;
  sim?: SimulationOptions;
}

export interface MgcResult {
  served: number;
  meanWaitMs: number;
  waits: Float64Array | undefined;
  /** Time-weighted mean number waiting in queue (Lq). */
  meanQueueLength: number;
  endMs: number;
  events: number;
}

class Mgc {
  readonly sim: Simulation;
  private readonly interarrival: Exponential;
  private busy = 0;
  private queue: Float64Array;
  private head = 0;
  private tail = 0;
  private arrived = 0;
  served = 0;
  waitSum = 0;
  readonly waits: Float64Array | undefined;
  readonly queueLength = new TimeWeightedGauge();

  constructor(private readonly o: MgcOptions) {
    this.sim = new Simulation(o.sim);
    this.interarrival = new Exponential(1 / o.arrivalRatePerMs);
    this.queue = new Float64Array(1024);
    this.waits = o.recordWaits ? new Float64Array(o.customers) : undefined;
  }

  start(): void {
    this.sim.schedule(this.interarrival.sample(this.o.arrivals), Mgc.onArrival, this);
  }

  private static onArrival(m: Mgc): void {
    const now = m.sim.now;
    if (++m.arrived < m.o.customers) m.sim.schedule(m.interarrival.sample(m.o.arrivals), Mgc.onArrival, m);
    if (m.busy < m.o.servers) {
      m.busy++;
      m.begin(now);
    } else {
      m.enqueue(now);
    }
  }

  private static onDeparture(m: Mgc): void {
    if (m.head < m.tail) {
      const arrivedAt = m.queue[m.head++ & (m.queue.length - 1)]!;
      m.queueLength.add(m.sim.now, -1);
      m.begin(arrivedAt);
    } else {
      m.busy--;
    }
  }

  private begin(arrivedAt: number): void {
    const wait = this.sim.now - arrivedAt;
    if (this.waits) this.waits[this.served] = wait;
    this.waitSum += wait;
    this.served++;
    this.sim.schedule(this.o.service.sample(this.o.services), Mgc.onDeparture, this);
  }

  private enqueue(now: number): void {
    if (this.tail - this.head === this.queue.length) {
      const bigger = new Float64Array(this.queue.length * 2);
      for (let i = this.head; i < this.tail; i++)
        bigger[i - this.head] = this.queue[i & (this.queue.length - 1)]!;
      this.tail -= this.head;
      this.head = 0;
      this.queue = bigger;
    }
    this.queue[this.tail++ & (this.queue.length - 1)] = now;
    this.queueLength.add(now, 1);
  }
}

export function runMgc(o: MgcOptions): MgcResult {
  const m = new Mgc(o);
  m.start();
  m.sim.run();
  return {
    served: m.served,
    meanWaitMs: m.waitSum / m.served,
    waits: m.waits,
    meanQueueLength: m.queueLength.mean(m.sim.now),
    endMs: m.sim.now,
    events: m.sim.executed,
  };
}

/** Erlang C: mean wait in queue of M/M/c with offered load a = λ/μ < c. */
export function erlangCWait(lambdaPerMs: number, meanServiceMs: number, c: number): number {
  const a = lambdaPerMs * meanServiceMs;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / c) * (c / (c - a));
  const pWait = top / (sum + top);
  return pWait / (c / meanServiceMs - lambdaPerMs);
}

/** Pollaczek-Khinchine: mean wait in queue of M/G/1 = λ E[S²] / (2 (1 - ρ)). */
export function pollaczekKhinchineWait(
  lambdaPerMs: number,
  meanServiceMs: number,
  secondMomentMs2: number,
): number {
  const rho = lambdaPerMs * meanServiceMs;
  return (lambdaPerMs * secondMomentMs2) / (2 * (1 - rho));
}
