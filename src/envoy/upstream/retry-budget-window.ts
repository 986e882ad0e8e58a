/**
 * The retry budget's request window when `budget_interval` is set (Envoy 1.39, envoyproxy/envoy PR #44147;
 * Istio 1.31 DestinationRule `retryBudget.budgetInterval`, istio/api PR #3716, istio/istio PR #60435).
 *
 * Envoy [E:source/common/upstream/resource_manager_impl.h `RetryBudgetImpl`]: every time a request takes
 * a `max_requests` slot (`requests_.inc()`, retries included, pending requests not counted), `writeRequest`
 * adds one to `req_in_interval` and to the slot being filled (`req_to_expire`). A main-dispatcher timer
 * fires every `budget_interval / 10` ms (`NumSlots = 10`, integer division) from the cluster's creation;
 * `expireRequests` closes the slot into a deque and, once the deque holds 10 slots, subtracts the oldest.
 * So the budget counts the requests of the slot being filled plus the 9 slots before it: a window of 9 to
 * 10 slot lengths. `max()` is then `max(budget_percent / 100 × req_in_interval, min_retry_concurrency)`,
 * truncated to an integer, and still compared with the retries in flight.
 *
 * Here the same window is kept lazily (no timer events): slot k covers [k·slot, (k+1)·slot) of simulated
 * time and a ring of 10 counters holds the slots k-9..k. Allocation-free after construction.
 * NOTE: simplification: the slot timer's phase is the start of the simulation (every sidecar receives its
 * clusters at start-up), and a slot boundary takes effect before requests of the same instant.
 * NOTE: simplification: an interval under 10 ms (Envoy's slot length 0 re-arms the timer on every event
 * loop pass) uses 1 ms slots.
 */
export const RETRY_BUDGET_SLOTS = 10;

export class RetryBudgetWindow {
  readonly slotMs: number;
  private readonly counts = new Float64Array(RETRY_BUDGET_SLOTS);
  /** The slot index each ring entry holds (-1: never written). */
  private readonly slotOf = new Float64Array(RETRY_BUDGET_SLOTS).fill(-1);

  constructor(
    intervalMs: number,
    private readonly clock: { readonly now: number },
  ) {
    this.slotMs = Math.max(1, Math.floor(intervalMs / RETRY_BUDGET_SLOTS));
  }

  /** `writeRequest`: one more request in the slot being filled. */
  write(): void {
    const k = Math.floor(this.clock.now / this.slotMs);
    const i = k % RETRY_BUDGET_SLOTS;
    if (this.slotOf[i] !== k) {
      this.slotOf[i] = k;
      this.counts[i] = 0;
    }
    this.counts[i]!++;
  }

  /** `req_in_interval`: requests in the slot being filled and the 9 before it. */
  requests(): number {
    const k = Math.floor(this.clock.now / this.slotMs);
    let n = 0;
    for (let i = 0; i < RETRY_BUDGET_SLOTS; i++) {
      const s = this.slotOf[i]!;
      if (s > k - RETRY_BUDGET_SLOTS && s <= k) n += this.counts[i]!;
    }
    return n;
  }
}
