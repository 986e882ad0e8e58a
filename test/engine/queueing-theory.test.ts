import { describe, expect, it } from 'vitest';
import { erlangCWait, pollaczekKhinchineWait, runMgc } from '../../bench/models/mgc.js';
import { batchMeans, Constant, Exponential, RandomStreams } from '../../src/engine/index.js';

/**
 * The engine against queueing theory. Waiting times of successive customers are autocorrelated, so the
 * tolerance comes from batch means (30 batches) over one long run: theory must lie within 1.5 times the
 * 95 % half-width of the batch-means interval. A model whose arrival or service sampling is 5 % off
 * must fall outside it (the "power" checks), so these tests would catch a broken sampler.
 */
interface Case {
  name: string;
  lambda: number; // per ms
  service: Exponential | Constant;
  servers: number;
  theoryWaitMs: number;
}

function check(c: Case, customers: number, seed: number) {
  const rs = new RandomStreams(seed);
  const r = runMgc({
    arrivalRatePerMs: c.lambda,
    service: c.service,
    servers: c.servers,
    customers,
    arrivals: rs.stream('arrivals'),
    services: rs.stream('services'),
    recordWaits: true,
  });
  const est = batchMeans(r.waits!, 30);
  return { r, est };
}

const mm1: Case = { name: 'M/M/1', lambda: 0.08, service: new Exponential(10), servers: 1, theoryWaitMs: 0 };
mm1.theoryWaitMs = erlangCWait(0.08, 10, 1); // = ρ/(μ-λ) = 0.8/(0.1-0.08) = 40 ms
const mmc: Case = {
  name: 'M/M/10',
  lambda: 0.9,
  service: new Exponential(10),
  servers: 10,
  theoryWaitMs: erlangCWait(0.9, 10, 10),
};
const md1: Case = {
  name: 'M/D/1',
  lambda: 0.08,
  service: new Constant(10),
  servers: 1,
  theoryWaitMs: pollaczekKhinchineWait(0.08, 10, 100), // ρ/(2μ(1-ρ)) = 20 ms
};

describe('queueing theory', () => {
  it('closed forms are right at known points', () => {
    expect(mm1.theoryWaitMs).toBeCloseTo(40, 9);
    expect(md1.theoryWaitMs).toBeCloseTo(20, 9);
    // M/M/10 at ρ = 0.9: Erlang C probability of waiting 0.6687 (tables), Wq = C/(cμ-λ) = 0.6687/0.1
    expect(mmc.theoryWaitMs).toBeCloseTo(6.687, 2);
  });

  for (const c of [mm1, mmc, md1]) {
    it(`${c.name}: mean wait matches theory and Little's law holds for the queue`, () => {
      const { r, est } = check(c, 400_000, 11);
      expect(r.served).toBe(400_000);
      expect(Math.abs(est.mean - c.theoryWaitMs)).toBeLessThan(1.5 * est.halfWidth);
      // Lq = λ Wq (Little), both measured from the same run: time-weighted queue length vs waits.
      const lq = c.lambda * r.meanWaitMs;
      expect(Math.abs(r.meanQueueLength - lq) / lq).toBeLessThan(0.01);
    });
  }

  it('detects a 5 % error in the service sampler (the test has power)', () => {
    const off = { ...mm1, service: new Exponential(10.5) };
    const { est } = check(off, 400_000, 11);
    expect(Math.abs(est.mean - mm1.theoryWaitMs)).toBeGreaterThan(1.5 * est.halfWidth);
  });

  it('detects a 5 % error in the arrival sampler', () => {
    const off = { ...md1, lambda: 0.084 };
    const { est } = check(off, 400_000, 11);
    expect(Math.abs(est.mean - md1.theoryWaitMs)).toBeGreaterThan(1.5 * est.halfWidth);
  });
});
