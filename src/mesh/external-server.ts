import type { ExternalBehaviour } from '../config/scenario/index.js';
import type { Rng, Simulation } from '../engine/index.js';
import type { HttpResponse } from '../envoy/index.js';

/** One request being served by an external server; `deliver` sends the response back over the network. */
export interface ExternalExchange {
  /** The server serving it (set by the server: one record per request, no closure per event). */
  server: ExternalServer | null;
  deliver(r: HttpResponse): void;
}

/**
 * A server outside the mesh at one address (docs/scenario.md "External hosts"): no sidecar in front of it,
 * `concurrency` requests served at once, the rest in a FIFO queue (503 at once when `queueLimit` is
 * reached), a service time drawn from `latency`, a status from the error mix.
 *
 * NOTE: simplification: an external server never refuses connections, resets or goes away, and chaos
 * events do not target it (its error mix and latency stand for its failures).
 */
export class ExternalServer {
  busy = 0;
  served = 0;
  private readonly queue: ExternalExchange[] = [];
  private head = 0;

  constructor(
    readonly address: string,
    readonly behaviour: ExternalBehaviour,
    private readonly sim: Simulation,
    private readonly rng: Rng,
  ) {}

  handle(x: ExternalExchange): void {
    const b = this.behaviour;
    if (this.busy < b.concurrency) return this.begin(x);
    if (b.queueLimit > 0 && this.queue.length - this.head >= b.queueLimit)
      return x.deliver({ status: 503, flags: 0, details: 'external server queue full' });
    this.queue.push(x);
  }

  private begin(x: ExternalExchange): void {
    this.busy++;
    this.served++;
    x.server = this;
    this.sim.schedule(this.behaviour.latency.sample(this.rng), ExternalServer.onServed, x);
  }

  private static onServed(x: ExternalExchange): void {
    x.server!.finish(x);
  }

  private finish(x: ExternalExchange): void {
    this.busy--;
    let u = this.rng.next();
    let status = 200;
    for (const e of this.behaviour.errors) {
      if (u < e.rate) {
        status = e.status;
        break;
      }
      u -= e.rate;
    }
    x.deliver({ status, flags: 0 });
    if (this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.begin(next);
    }
  }
}
