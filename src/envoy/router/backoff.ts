import type { Rng } from '../../engine/index.js';

/**
 * Envoy's JitteredExponentialBackOffStrategy (Istio retry.go; Envoy retry_state_impl.cc, backoff_strategy.cc): keeps `next`
 * starting at the base interval; each call returns `random() % current` and doubles `next` until it
 * reaches the cap (max = 10 x base by default). So retry k waits a uniform whole number of ms in
 * [0, min(base x 2^(k-1), max) - 1]: 25, 50, 100, 200, 250, 250 ... ms bounds with Istio's defaults.
 */
export class JitteredExponentialBackOff {
  private next: number;

  constructor(
    baseMs: number,
    private readonly maxMs: number,
    private readonly rng: Rng,
  ) {
    this.next = baseMs;
  }

  nextBackOffMs(): number {
    const current = this.next;
    this.next = this.next < this.maxMs / 2 ? this.next * 2 : this.maxMs;
    return current > 0 ? this.rng.uint32() % current : 0;
  }
}
