import type { DownstreamCall, WorkloadBehaviour } from '../config/scenario/index.js';
import { NO_TIMER, type Rng, type TimerHandle, TimeWeightedGauge } from '../engine/index.js';
import { type HttpResponse, type RequestInfo, SharedHeaders } from '../envoy/index.js';
import type { WorkloadAggregate } from './aggregates.js';
import type { Pod } from './pod.js';
import { type InboundExchange, parseUrl } from './wire.js';
import type { OutboundStream } from './ambient-entry.js';
import type { World } from './world.js';

/**
 * The application container of a pod: `concurrency` requests are served at once, the rest wait in a FIFO
 * queue (answered 503 at once when `queueLimit` is reached). Serving a request makes its downstream calls
 * through the pod's own sidecar (sequentially or in parallel, each with a probability and its own client
 * timeout), then spends a service time drawn from `latency`, then answers with a status from the error mix.
 *
 * NOTE: simplification: the app does all its downstream calls first and its own work after them.
 */
export class AppContainer {
  behaviour: WorkloadBehaviour;
  busy = 0;
  private queue: InboundExchange[] = [];
  private head = 0;
  /**
   * Requests in service, oldest first, for resets when the container crashes: an intrusive doubly linked
   * list through the exchanges (O(1) insert and removal, nothing allocated per request; a Set's entries
   * churned with every request, issue #14).
   */
  private serviceHead: InboundExchange | null = null;
  private serviceTail: InboundExchange | null = null;
  readonly queueLength: TimeWeightedGauge;
  readonly inSystem: TimeWeightedGauge;
  /**
   * Requests in service (busy slots), and the slots there are: their areas give the saturation.
   * NOTE: simplification: a pod has slots while it runs (initial pods from the start, later ones from
   * ready), none while crashed, gone or starting.
   */
  readonly busySlots: TimeWeightedGauge;
  readonly capacity: TimeWeightedGauge;
  /** Sum and count of queue waits (Little's law checks). */
  waitSumMs = 0;
  served = 0;

  constructor(
    readonly pod: Pod,
    readonly world: World,
    behaviour: WorkloadBehaviour,
    private readonly rng: Rng,
    /** The workload's figures, for requests arriving in the measurement window. */
    private readonly figures: WorkloadAggregate,
  ) {
    this.behaviour = behaviour;
    const now = world.sim.now;
    this.queueLength = new TimeWeightedGauge(now);
    this.inSystem = new TimeWeightedGauge(now);
    this.busySlots = new TimeWeightedGauge(now);
    this.capacity = new TimeWeightedGauge(now, behaviour.concurrency);
  }

  /** The measurement window starts: the gauges integrate (and keep their max) from now on. */
  restartGauges(nowMs: number): void {
    this.queueLength.restart(nowMs);
    this.inSystem.restart(nowMs);
    this.busySlots.restart(nowMs);
    this.capacity.restart(nowMs);
  }

  /** The container runs again (restarted, or a new pod became ready): its slots count as capacity. */
  resume(): void {
    this.capacity.set(this.world.sim.now, this.behaviour.concurrency);
    this.pod.appBandwidth?.setBackground(this.behaviour.cpu.idleMilli);
  }

  /** The behaviour changed (chaos `set`): the new concurrency is the capacity from now on. */
  setBehaviour(b: WorkloadBehaviour): void {
    this.behaviour = b;
    if (this.capacity.value > 0) {
      this.capacity.set(this.world.sim.now, b.concurrency);
      this.pod.appBandwidth?.setBackground(b.cpu.idleMilli);
    }
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  handle(x: InboundExchange): void {
    const now = this.world.sim.now;
    const b = this.behaviour;
    // The istio-proxy's CPU for the inbound request (the HPA's cpu metric counts every container).
    this.pod.chargeProxyCpu(this.world.opts.scenario.sidecar.cpuPerRequestMs);
    this.pod.requestsIn++;
    if (this.busy < b.concurrency) {
      this.inSystem.add(now, 1);
      this.begin(x);
      return;
    }
    if (b.queueLimit > 0 && this.queued >= b.queueLimit) {
      if (x.arrivedMs >= this.world.opts.scenario.warmupMs) this.figures.rejected++;
      x.respond({ status: 503, flags: 0, details: 'app queue full' });
      return;
    }
    this.inSystem.add(now, 1);
    this.queue.push(x);
    this.queueLength.add(now, 1);
  }

  /** The container crashed: every request it holds is reset (the client sees the connection die). */
  crash(): void {
    const now = this.world.sim.now;
    let x = this.serviceHead;
    this.serviceHead = this.serviceTail = null;
    while (x !== null) {
      const next = x.nextInService;
      x.inService = false;
      x.prevInService = x.nextInService = null;
      x.reset();
      x = next;
    }
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.reset();
    this.queueLength.set(now, 0);
    this.inSystem.set(now, 0);
    this.busySlots.set(now, 0);
    this.capacity.set(now, 0);
    this.queue = [];
    this.head = 0;
    this.busy = 0;
    // Its threads are gone: their CPU work with them, and no idle CPU until it runs again.
    this.pod.appBandwidth?.clear();
    this.pod.appBandwidth?.setBackground(0);
  }

  private begin(x: InboundExchange): void {
    const now = this.world.sim.now;
    this.busy++;
    this.busySlots.set(now, this.busy);
    const wait = now - x.arrivedMs;
    this.waitSumMs += wait;
    this.served++;
    // Under a CPU limit the CPU is counted as it runs (cpu-bandwidth.ts), not when service starts.
    if (this.pod.appBandwidth === null) this.pod.appCpuMs += this.behaviour.cpu.perRequestMs;
    if (x.arrivedMs >= this.world.opts.scenario.warmupMs) this.figures.recordWait(wait);
    this.linkInService(x);
    const calls = this.behaviour.calls;
    if (calls.length === 0) return this.work(x, 0);
    new CallChain(x, calls, this.behaviour.callMode).start();
  }

  /** Downstream calls are done: spend the service time, then answer. `failure` is a call's failed status. */
  work(x: InboundExchange, failure: number): void {
    x.callFailure = failure;
    const serviceMs = this.behaviour.latency.sample(this.rng);
    const cfs = this.pod.appBandwidth;
    const cpuMs = this.behaviour.cpu.perRequestMs;
    // Under a CPU limit the request's CPU runs first, throttled by the CFS quota; the rest of its service
    // time follows (afterCpu). NOTE: simplification: a request's CPU is the start of its service time.
    if (cfs !== null && cpuMs > 0) return cfs.submit(x, cpuMs, serviceMs - cpuMs);
    this.world.sim.schedule(serviceMs, AppContainer.onServiceDone, x);
  }

  /** The request's CPU has run (cpu-bandwidth.ts): the remaining `restMs` of its service time follows. */
  static afterCpu(x: InboundExchange, restMs: number): void {
    x.app!.world.sim.schedule(Math.max(restMs, 0), AppContainer.onServiceDone, x);
  }

  private static onServiceDone(x: InboundExchange): void {
    const app = x.app!;
    if (!x.inService) return; // reset by a crash meanwhile
    app.unlinkInService(x);
    const status = app.statusFor(x);
    x.respond(status === 200 ? APP_OK : { status, flags: 0 });
    app.release();
  }

  private linkInService(x: InboundExchange): void {
    x.inService = true;
    x.prevInService = this.serviceTail;
    x.nextInService = null;
    if (this.serviceTail === null) this.serviceHead = x;
    else this.serviceTail.nextInService = x;
    this.serviceTail = x;
  }

  private unlinkInService(x: InboundExchange): void {
    const prev = x.prevInService;
    const next = x.nextInService;
    if (prev === null) this.serviceHead = next;
    else prev.nextInService = next;
    if (next === null) this.serviceTail = prev;
    else next.prevInService = prev;
    x.inService = false;
    x.prevInService = x.nextInService = null;
  }

  private statusFor(x: InboundExchange): number {
    if (x.callFailure !== 0) return x.callFailure;
    const errors = this.behaviour.errors;
    if (errors.length === 0) return 200;
    let u = this.rng.next();
    for (const e of errors) {
      if (u < e.rate) return e.status;
      u -= e.rate;
    }
    return 200;
  }

  private release(): void {
    const now = this.world.sim.now;
    this.busy--;
    this.busySlots.set(now, this.busy);
    this.inSystem.add(now, -1);
    if (this.head < this.queue.length && this.busy < this.behaviour.concurrency) {
      const next = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.queueLength.add(now, -1);
      this.begin(next);
    }
  }

  drawProbability(p: number): boolean {
    return p >= 1 || this.rng.next() < p;
  }
}

/** The app's 200, shared by every request: responses are never changed once sent (router-filter.ts). */
const APP_OK: HttpResponse = { status: 200, flags: 0 };

/**
 * The downstream calls of one inbound request (one object per request: no closure per call). Its app is
 * the exchange's, and the first failure to report is kept in the exchange's callFailure as the calls
 * finish (no fields of its own: each is 8 bytes of every request).
 */
class CallChain {
  private index = 0;
  private pending = 0;

  constructor(
    private readonly x: InboundExchange,
    private readonly calls: readonly DownstreamCall[],
    private readonly mode: 'sequential' | 'parallel',
  ) {}

  /** The container serving the request (the exchange's: handle() set it). */
  get app(): AppContainer {
    return this.x.app!;
  }

  start(): void {
    if (this.mode === 'parallel') {
      for (const c of this.calls) if (this.app.drawProbability(c.probability)) this.send(c);
      if (this.pending === 0) this.app.work(this.x, 0);
    } else {
      this.next();
    }
  }

  private next(): void {
    while (this.index < this.calls.length) {
      const c = this.calls[this.index++]!;
      if (this.app.drawProbability(c.probability)) return this.send(c);
    }
    this.app.work(this.x, this.x.callFailure);
  }

  private send(c: DownstreamCall): void {
    this.pending++;
    new OutboundCall(this, c).send();
  }

  /** A call finished with `status` (0 when the app's own timeout fired). */
  onCallDone(c: DownstreamCall, status: number): void {
    this.pending--;
    const x = this.x;
    const failed = status === 0 || status >= 500;
    if (failed && c.onFailure !== 'ignore' && x.callFailure === 0) {
      x.callFailure = c.onFailure === 'propagate' ? (status === 0 ? 504 : status) : c.onFailure;
    }
    if (this.mode === 'sequential') return this.next();
    if (this.pending === 0) this.app.work(x, x.callFailure);
  }
}

/** A call's fixed headers as one Map, built once per call and shared by its requests (SharedHeaders). */
const callHeaders = new WeakMap<DownstreamCall, ReadonlyMap<string, string>>();
const NO_HEADERS: ReadonlyMap<string, string> = new Map();

function headersOf(call: DownstreamCall): ReadonlyMap<string, string> {
  let m = callHeaders.get(call);
  if (m === undefined) {
    const list = Object.entries(call.headers);
    m = list.length === 0 ? NO_HEADERS : new Map(list);
    callHeaders.set(call, m);
  }
  return m;
}

class OutboundCall {
  private timer: TimerHandle = NO_TIMER;
  private active: OutboundStream | null = null;
  private done = false;

  constructor(
    private readonly chain: CallChain,
    private readonly call: DownstreamCall,
  ) {}

  send(): void {
    const app = this.chain.app;
    const world = app.world;
    const u = parseUrl(this.call.url);
    const req = {
      method: this.call.method,
      scheme: 'http' as const,
      authority: u.authority,
      path: u.path,
      // The call's headers shared copy-on-write: the router writes to a request's headers, and most
      // requests only get x-envoy-attempt-count added (no Map per request, issue #14).
      headers: new SharedHeaders(headersOf(this.call)),
      port: u.port,
    };
    if (this.call.timeoutMs > 0)
      this.timer = world.sim.scheduleFixed(this.call.timeoutMs, OutboundCall.onTimeout, this);
    app.pod.chargeProxyCpu(world.opts.scenario.sidecar.cpuPerRequestMs);
    this.active = world.outboundOf(app.pod).outbound(req, this);
  }

  onResponse(r: HttpResponse, _info: RequestInfo): void {
    if (this.done) return;
    this.done = true;
    this.active = null;
    this.chain.app.world.sim.cancel(this.timer);
    this.chain.onCallDone(this.call, r.status);
  }

  private static onTimeout(c: OutboundCall): void {
    if (c.done) return;
    c.done = true;
    c.active?.cancelFromDownstream();
    c.chain.onCallDone(c.call, 0);
  }
}
