import type { LoadGeneratorSpec, RateSchedule } from '../config/scenario/index.js';
import { NO_TIMER, type Rng, type TimerHandle } from '../engine/index.js';
import type { HttpResponse, RequestInfo } from '../envoy/index.js';
import type { ClientAggregate } from './aggregates.js';
import type { GatewayEntry } from './gateway-entry.js';
import type { Pod } from './pod.js';
import { RequestPlan } from './request-values.js';
import type { OutboundStream } from './ambient-entry.js';
import type { World } from './world.js';

/**
 * A load generator pod (with its own sidecar): open loop, Poisson arrivals at a rate that may step or
 * ramp over time (sampled by thinning), or closed loop like `fortio load -c N -qps Q -n COUNT`.
 * `count` is shared by all replicas of the generator, as fortio's -n is by its connections.
 */
export class LoadGenerator {
  private readonly arrivals: Rng;
  private readonly mix: Rng;
  private readonly totalWeight: number;
  /** One per request template: URL parsed and fixed headers built once, generators bound to streams. */
  private readonly plans: readonly RequestPlan[];
  /** Requests started by this generator pod. */
  started = 0;
  /** This replica's peak open-loop rate (the thinning envelope), computed once. */
  private readonly peak: number;
  /** Where its requests are counted (looked up once, not per request). */
  private readonly aggregate: ClientAggregate;
  /**
   * Requests in flight, oldest first: an intrusive list through the sinks (requests start in time order,
   * so appending keeps it sorted by start), so the unfinished ones and their ages are known at the end.
   */
  private head: ClientRequestSink | null = null;
  private tail: ClientRequestSink | null = null;
  /** The ingress gateway its requests enter through (scenario `gateway:`), instead of its own sidecar. */
  private readonly entry: GatewayEntry | undefined;

  constructor(
    readonly world: World,
    readonly spec: LoadGeneratorSpec,
    readonly pod: Pod,
    private readonly budget: { remaining: number },
    /** This replica's share of an open-loop rate. */
    private readonly share: number,
  ) {
    this.arrivals = world.streams.stream(`arrivals/${pod.name}`);
    this.mix = world.streams.stream(`traffic-mix/${pod.name}`);
    this.totalWeight = spec.requests.reduce((s, r) => s + r.weight, 0);
    // Value streams are per load generator (shared by its replicas), one per template and value.
    this.plans = spec.requests.map(
      (t, i) =>
        new RequestPlan(
          t,
          (v) => `values/${spec.name}/${i}/${v.target}/${v.name}`,
          (n) => world.streams.stream(n),
        ),
    );
    this.peak = spec.mode.kind === 'open' ? peakOf(spec.mode.rate) * share : 0;
    this.aggregate = world.recorder.client(spec.name);
    this.entry = world.gateways.entryFor(world, spec, pod);
  }

  /** Start times (ms) of the requests still in flight, oldest first. */
  inFlightStarts(): number[] {
    const out: number[] = [];
    for (let c = this.head; c !== null; c = c.nextInFlight) out.push(c.startedAtMs);
    return out;
  }

  link(c: ClientRequestSink): void {
    c.prevInFlight = this.tail;
    c.nextInFlight = null;
    if (this.tail === null) this.head = c;
    else this.tail.nextInFlight = c;
    this.tail = c;
  }

  unlink(c: ClientRequestSink): void {
    if (c.prevInFlight === null) this.head = c.nextInFlight;
    else c.prevInFlight.nextInFlight = c.nextInFlight;
    if (c.nextInFlight === null) this.tail = c.prevInFlight;
    else c.nextInFlight.prevInFlight = c.prevInFlight;
    c.prevInFlight = c.nextInFlight = null;
  }

  start(): void {
    const m = this.spec.mode;
    const sim = this.world.sim;
    if (m.kind === 'open') {
      sim.scheduleAt(Math.max(sim.now, this.spec.startMs), LoadGenerator.onOpenTick, this);
    } else {
      for (let i = 0; i < m.connections; i++) {
        sim.scheduleAt(
          Math.max(sim.now, this.spec.startMs),
          LoadGenerator.onConnectionReady,
          new ClientConnection(this, m.qps / m.connections),
        );
      }
    }
  }

  // --- open loop: thinning against the schedule's maximum rate
  private static onOpenTick(g: LoadGenerator): void {
    const sim = g.world.sim;
    const rate = g.rate(sim.now);
    const peak = g.peak;
    if (peak <= 0 || sim.now >= g.world.endMs) return;
    if (sim.now >= g.spec.startMs && g.arrivals.next() * peak < rate) {
      if (!g.take()) return;
      g.send(new OpenLoopRequest(g));
    }
    sim.schedule(-Math.log(1 - g.arrivals.next()) * (1000 / peak), LoadGenerator.onOpenTick, g);
  }

  private rate(nowMs: number): number {
    return rateAt((this.spec.mode as { rate: RateSchedule }).rate, nowMs) * this.share;
  }

  // --- closed loop
  static onConnectionReady(c: ClientConnection): void {
    const g = c.gen;
    if (g.world.sim.now >= g.world.endMs || !g.take()) return;
    c.lastStartMs = g.world.sim.now;
    g.send(c);
  }

  /** Takes one request from the shared count budget. */
  private take(): boolean {
    if (this.spec.count === 0) return true;
    if (this.budget.remaining <= 0) return false;
    this.budget.remaining--;
    return true;
  }

  send(client: ClientRequestSink): void {
    const req = this.plans[this.pick()]!.request();
    this.started++;
    client.begin(this.world.sim.now, this.spec.timeoutMs);
    this.link(client);
    this.world.recorder.onClientStart(this.aggregate, this.world.sim.now);
    const entry = this.entry ?? this.world.outboundOf(this.pod);
    client.active = entry.outbound(req, client, client.worker(entry));
  }

  /** Index of the request template for the next request, by weight. */
  private pick(): number {
    const rs = this.spec.requests;
    if (rs.length === 1) return 0;
    let u = this.mix.next() * this.totalWeight;
    for (let i = 0; i < rs.length; i++) {
      const w = rs[i]!.weight;
      if (u < w) return i;
      u -= w;
    }
    return rs.length - 1;
  }

  /** A request finished for the client (a response, or its own timeout: r null, code -1). */
  finished(c: ClientRequestSink, r: HttpResponse | null): void {
    this.unlink(c);
    this.world.recorder.onClientResponse(this.aggregate, c.startedAtMs, this.world.sim.now, r);
    this.world.onClientFinished();
  }
}

/** Common client-side bookkeeping of one outstanding request: its timeout and its place in flight. */
abstract class ClientRequestSink {
  active: OutboundStream | null = null;
  prevInFlight: ClientRequestSink | null = null;
  nextInFlight: ClientRequestSink | null = null;
  protected startMs = 0;
  protected timer: TimerHandle = NO_TIMER;
  protected done = false;
  constructor(readonly gen: LoadGenerator) {}

  get startedAtMs(): number {
    return this.startMs;
  }

  begin(nowMs: number, timeoutMs: number): void {
    this.startMs = nowMs;
    this.done = false;
    if (timeoutMs > 0)
      this.timer = this.genWorld().sim.scheduleFixed(timeoutMs, ClientRequestSink.onTimeout, this);
  }

  onResponse(r: HttpResponse, _info: RequestInfo): void {
    if (this.done) return;
    this.done = true;
    this.genWorld().sim.cancel(this.timer);
    this.active = null;
    this.gen.finished(this, r);
    this.next();
  }

  private static onTimeout(c: ClientRequestSink): void {
    if (c.done) return;
    c.done = true;
    c.active?.cancelFromDownstream();
    c.active = null;
    c.gen.finished(c, null);
    c.next();
  }

  protected genWorld(): World {
    return this.gen.world;
  }

  /** The Envoy worker of the downstream connection this request rides on. */
  worker(sidecar: { acceptWorker(): number }): number {
    return sidecar.acceptWorker();
  }

  protected abstract next(): void;
}

class OpenLoopRequest extends ClientRequestSink {
  protected next(): void {}
}

/**
 * One fortio connection: sends the next request when the previous one completes (paced by qps). Its
 * requests all ride one downstream connection, hence one Envoy worker of the client sidecar.
 */
class ClientConnection extends ClientRequestSink {
  lastStartMs = 0;
  private ownWorker = -1;
  override worker(sidecar: { acceptWorker(): number }): number {
    if (this.ownWorker < 0) this.ownWorker = sidecar.acceptWorker();
    return this.ownWorker;
  }
  constructor(
    gen: LoadGenerator,
    private readonly qps: number,
  ) {
    super(gen);
  }
  protected next(): void {
    const sim = this.genWorld().sim;
    const wait = this.qps > 0 ? Math.max(0, this.lastStartMs + 1000 / this.qps - sim.now) : 0;
    sim.schedule(wait, LoadGenerator.onConnectionReady, this);
  }
}

export function rateAt(r: RateSchedule, nowMs: number): number {
  switch (r.kind) {
    case 'constant':
      return r.perSecond;
    case 'steps': {
      let v = 0;
      for (const s of r.steps) if (s.atMs <= nowMs) v = s.perSecond;
      return v;
    }
    case 'ramp': {
      if (nowMs <= r.startMs) return r.fromPerSecond;
      const f = Math.min(1, (nowMs - r.startMs) / r.overMs);
      return r.fromPerSecond + f * (r.toPerSecond - r.fromPerSecond);
    }
  }
}

export function peakOf(r: RateSchedule): number {
  switch (r.kind) {
    case 'constant':
      return r.perSecond;
    case 'steps':
      return Math.max(...r.steps.map((s) => s.perSecond));
    case 'ramp':
      return Math.max(r.fromPerSecond, r.toPerSecond);
  }
}
