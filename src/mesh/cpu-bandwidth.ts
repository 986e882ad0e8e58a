import { NO_TIMER, type Simulation, type TimerHandle } from '../engine/index.js';

/**
 * CFS bandwidth control of one container's cgroup, as the Linux kernel applies a CPU limit (kernel docs
 * "CFS Bandwidth Control", Documentation/scheduler/sched-bwc.rst; kernel/sched/fair.c): within each
 * period (`cpu.cfs_period_us`, 100 ms) the group may run `quota` of CPU time summed over its threads;
 * once it is used up, every thread of the group is throttled until the period timer refills the quota.
 *
 * Work is submitted as CPU demand per thread (one request's CPU time). Runnable threads progress together:
 * each at one core while there are at most `threads` of them, sharing `threads` cores otherwise, and the
 * quota drains at the number of cores in use. One timer per group, at the next completion, exhaustion of
 * the quota or period boundary, and none while nothing is runnable: idle periods are counted lazily.
 *
 * Statistics as cpu.stat reports them (do_sched_cfs_period_timer): `nrPeriods` counts the period timer's
 * expirations while it is active, `nrThrottled` those whose period ended with the group throttled. The
 * timer is started when the group first runs and stops at an expiry that finds the group idle (no runtime
 * used since the previous expiry) and not throttled: the one idle period after activity is counted too.
 *
 * NOTE: simplification: the global quota pool is used directly; the kernel hands it to per-CPU run queues
 * in 5 ms slices (sched_cfs_bandwidth_slice_us) and returns unused slack, which can throttle a little
 * earlier. NOTE: simplification: the period timer's phase is the simulation's t = 0 (in the kernel it is
 * a multiple of the period from the clock's origin). NOTE: simplification: no cpu.cfs_burst_us (0 by
 * default) and the node has enough cores for `threads` (no contention with other pods).
 */
export enum BandwidthState {
  /** The period timer is not running: nothing has run since the last expiry. The quota is full. */
  Idle = 'Idle',
  /** The timer runs and the group has runtime left in this period (threads may or may not be runnable). */
  Running = 'Running',
  /** The period's quota is used up: runnable threads wait for the next period. */
  Throttled = 'Throttled',
}

/** Called when a piece of work has had all its CPU time; `tag` is what `submit` was given. */
export type CpuDone<T> = (token: T, tag: number) => void;

/** Below this a runtime or remaining CPU demand counts as zero (binary noise of sums of floats). */
const EPS = 1e-9;

/**
 * Kubernetes' conversion of a CPU limit to a CFS quota (kubelet pkg/kubelet/cm MilliCPUToQuota):
 * quota = limit in millicores x period / 1000, at least 1 ms (MinQuotaPeriod = 1000 µs).
 */
export function cfsQuotaMs(limitMilli: number, periodMs: number): number {
  return Math.max(1, (limitMilli * periodMs) / 1000);
}

/** The counters a report reads (cpu.stat), whatever the work's token type. */
export interface CfsStat {
  readonly nrPeriods: number;
  readonly nrThrottled: number;
  readonly throttledMs: number;
  settle(nowMs: number): void;
  periodsAt(nowMs: number): number;
}

export class CpuBandwidth<T> implements CfsStat {
  state = BandwidthState.Idle;
  /** Period timer expirations while active (cpu.stat nr_periods, container_cpu_cfs_periods_total). */
  nrPeriods = 0;
  /** Periods that ended throttled (nr_throttled, container_cpu_cfs_throttled_periods_total). */
  nrThrottled = 0;
  /** Wall time the group spent throttled (ms). */
  throttledMs = 0;
  /** CPU time the group's threads have run (ms). */
  usageMs = 0;
  /** CPU the container uses in the background (millicores): see setBackground. */
  private backgroundMilli = 0;

  private runtimeMs: number;
  private periodEndMs = 0;
  /** Runtime was used since the last expiry (the kernel's `cfs_b->idle` cleared). */
  private used = false;
  private throttledSinceMs = 0;
  /** CPU time each runnable thread has had since the start (they all progress at the same rate). */
  private progress = 0;
  private lastMs = 0;
  private timer: TimerHandle = NO_TIMER;
  // Runnable work as a binary min-heap on the progress at which it completes: parallel arrays, no records.
  private readonly keys: number[] = [];
  private readonly tokens: T[] = [];
  private readonly tags: number[] = [];
  private size = 0;

  constructor(
    private readonly sim: Simulation,
    /** CPU time per period (cpu.cfs_quota_us), ms. */
    readonly quotaMs: number,
    /** cpu.cfs_period_us, ms. */
    readonly periodMs: number,
    /** Threads that can run at once (the app's requests in service: Infinity; Envoy: its workers). */
    readonly threads: number,
    private readonly done: CpuDone<T> | null,
    /** Adds CPU time the group ran to the container's usage counter (what cAdvisor reads). */
    private readonly charge: (ms: number) => void,
  ) {
    this.runtimeMs = quotaMs;
  }

  /** Runnable pieces of work (threads with CPU demand left). */
  get runnable(): number {
    return this.size;
  }

  /** Starts `cpuMs` of CPU work on a thread of its own; `done(token, tag)` when it has all run. */
  submit(token: T, cpuMs: number, tag: number): void {
    const now = this.sim.now;
    this.settle(now);
    if (this.state === BandwidthState.Idle) {
      // start_cfs_bandwidth: the timer is forwarded to the next boundary; the quota is full.
      this.state = BandwidthState.Running;
      this.periodEndMs = (Math.floor(now / this.periodMs) + 1) * this.periodMs;
      this.lastMs = now;
    }
    this.used = true;
    this.push(this.progress + cpuMs, token, tag);
    this.reschedule(now);
  }

  /** The container's threads are gone (it crashed): their work is dropped; counters and quota stay. */
  clear(): void {
    this.settle(this.sim.now);
    this.keys.length = 0;
    this.tokens.length = 0;
    this.tags.length = 0;
    this.size = 0;
    this.reschedule(this.sim.now);
  }

  /**
   * Brings usage and period counters up to `nowMs` (a scrape, the end of the run). Running threads are
   * advanced along their current rate; idle periods since the last event are counted.
   */
  settle(nowMs: number): void {
    if (this.size > 0 || this.state === BandwidthState.Throttled) {
      this.advance(nowMs);
      return;
    }
    this.lastMs = nowMs;
    if (this.state === BandwidthState.Idle || nowMs < this.periodEndMs) return;
    // Nothing ran since the last event: the expiries up to now are counted as the timer would count them.
    while (this.periodEndMs <= nowMs) {
      this.nrPeriods++;
      this.periodEndMs += this.periodMs;
      if (!this.used && this.backgroundMilli === 0) {
        this.state = BandwidthState.Idle;
        break;
      }
      this.used = this.backgroundMilli > 0;
      if (this.used && this.periodEndMs <= nowMs) {
        // Background work keeps the group busy: every expiry up to now finds it active.
        const rest = Math.floor((nowMs - this.periodEndMs) / this.periodMs) + 1;
        this.nrPeriods += rest;
        this.periodEndMs += rest * this.periodMs;
      }
    }
    this.runtimeMs = this.refill();
  }

  /**
   * nr_periods as of `nowMs` without changing anything (a scrape that must not perturb the run): the
   * expiries since the last event that settle would count.
   */
  periodsAt(nowMs: number): number {
    if (this.size > 0 || this.state !== BandwidthState.Running || nowMs < this.periodEndMs)
      return this.nrPeriods;
    const crossed = Math.floor((nowMs - this.periodEndMs) / this.periodMs) + 1;
    if (this.backgroundMilli > 0) return this.nrPeriods + crossed;
    return this.nrPeriods + Math.min(crossed, this.used ? 2 : 1);
  }

  /**
   * CPU the container uses all the time (the app's idle CPU), in millicores: it keeps the period timer
   * running and takes its share off each period's quota. 0 when the container stops.
   */
  setBackground(milli: number): void {
    const now = this.sim.now;
    this.settle(now);
    this.backgroundMilli = milli;
    if (milli > 0 && this.state === BandwidthState.Idle) {
      this.state = BandwidthState.Running;
      this.periodEndMs = (Math.floor(now / this.periodMs) + 1) * this.periodMs;
      this.lastMs = now;
      this.runtimeMs = this.refill();
      this.used = true;
      this.reschedule(now);
    }
  }

  private refill(): number {
    return Math.max(0, this.quotaMs - (this.backgroundMilli * this.periodMs) / 1000);
  }

  /** Cores in use: one per runnable thread, at most `threads`. */
  private cores(): number {
    return Math.min(this.size, this.threads);
  }

  private advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    this.lastMs = nowMs;
    if (dt <= 0 || this.state !== BandwidthState.Running || this.size === 0) return;
    const cores = this.cores();
    this.progress += (dt * cores) / this.size;
    const ran = dt * cores;
    this.runtimeMs -= ran;
    this.usageMs += ran;
    this.charge(ran);
  }

  private reschedule(nowMs: number): void {
    this.sim.cancel(this.timer);
    this.timer = NO_TIMER;
    if (this.state === BandwidthState.Throttled) {
      this.timer = this.sim.scheduleAt(this.periodEndMs, CpuBandwidth.onTimer, this);
      return;
    }
    if (this.state !== BandwidthState.Running || this.size === 0) return;
    const cores = this.cores();
    const complete = nowMs + ((this.keys[0]! - this.progress) * this.size) / cores;
    const exhaust = nowMs + this.runtimeMs / cores;
    let at = this.periodEndMs;
    if (complete < at) at = complete;
    if (exhaust < at) at = exhaust;
    this.timer = this.sim.scheduleAt(Math.max(at, nowMs), CpuBandwidth.onTimer, this);
  }

  private static onTimer<T>(b: CpuBandwidth<T>): void {
    b.timer = NO_TIMER;
    const now = b.sim.now;
    b.advance(now);
    // Work that has had its CPU completes first (a thread finishing exactly as the quota runs out).
    while (b.size > 0 && b.due(now)) {
      const token = b.tokens[0]!;
      const tag = b.tags[0]!;
      b.pop();
      b.done?.(token, tag);
    }
    if (now >= b.periodEndMs - EPS) b.expire(now);
    else if (b.state === BandwidthState.Running && b.size > 0 && b.spent(now)) {
      b.runtimeMs = 0;
      b.state = BandwidthState.Throttled;
      b.throttledSinceMs = now;
    }
    b.reschedule(now);
  }

  /**
   * The first piece of work has had its CPU: within EPS, or so close that its completion time rounds to
   * now (binary noise must not keep a timer firing at the same instant).
   */
  private due(nowMs: number): boolean {
    const left = this.keys[0]! - this.progress;
    return left <= EPS || nowMs + (left * this.size) / this.cores() <= nowMs;
  }

  /** The period's runtime is used up (within EPS, or too little to last beyond this instant). */
  private spent(nowMs: number): boolean {
    return this.runtimeMs <= EPS || nowMs + this.runtimeMs / this.cores() <= nowMs;
  }

  /** do_sched_cfs_period_timer: count the period, refill the quota, unthrottle, or stop when idle. */
  private expire(nowMs: number): void {
    this.nrPeriods++;
    this.periodEndMs += this.periodMs;
    this.runtimeMs = this.refill();
    if (this.state === BandwidthState.Throttled) {
      this.nrThrottled++;
      this.throttledMs += nowMs - this.throttledSinceMs;
      this.state = BandwidthState.Running;
    } else if (!this.used && this.size === 0 && this.backgroundMilli === 0) {
      this.state = BandwidthState.Idle;
      return;
    }
    // cfs_b->idle is set again; running threads (or background work) clear it at once.
    this.used = this.size > 0 || this.backgroundMilli > 0;
  }

  private push(key: number, token: T, tag: number): void {
    let i = this.size++;
    const k = this.keys;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (k[parent]! <= key) break;
      k[i] = k[parent]!;
      this.tokens[i] = this.tokens[parent]!;
      this.tags[i] = this.tags[parent]!;
      i = parent;
    }
    k[i] = key;
    this.tokens[i] = token;
    this.tags[i] = tag;
  }

  private pop(): void {
    const n = --this.size;
    const k = this.keys;
    const key = k[n]!;
    const token = this.tokens[n]!;
    const tag = this.tags[n]!;
    k.length = n;
    this.tokens.length = n;
    this.tags.length = n;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && k[c + 1]! < k[c]!) c++;
      if (k[c]! >= key) break;
      k[i] = k[c]!;
      this.tokens[i] = this.tokens[c]!;
      this.tags[i] = this.tags[c]!;
      i = c;
    }
    k[i] = key;
    this.tokens[i] = token;
    this.tags[i] = tag;
  }
}
