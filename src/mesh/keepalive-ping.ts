import type { Rng } from '../engine/index.js';
import type { WireStream } from '../envoy/index.js';
import type { Pod } from './pod.js';
import type { World } from './world.js';

/**
 * One HTTP/2 PING from a client sidecar to the server pod's sidecar and its ACK (HTTP/2 RFC 9113 §6.7:
 * the receiver answers every PING at once). The server's sidecar terminates the mTLS connection, so it
 * answers while it runs, even if its app container crashed; a pod that vanished (zone down, scaled away)
 * or sits behind a black hole never answers, and the client's keepalive timeout decides.
 * Latencies draw from their own stream so PINGs never shift the requests' network draws.
 */
export class KeepalivePing implements WireStream {
  private cancelled = false;

  constructor(
    private readonly world: World,
    private readonly from: Pod,
    private readonly to: Pod,
    private readonly rng: Rng,
    private readonly onAck: () => void,
  ) {}

  static send(world: World, from: Pod, to: Pod, rng: Rng, onAck: () => void): KeepalivePing {
    const p = new KeepalivePing(world, from, to, rng, onAck);
    world.sim.schedule(world.network.oneWayMs(from, to, rng), KeepalivePing.onArrive, p);
    return p;
  }

  cancel(): void {
    this.cancelled = true;
  }

  private static onArrive(p: KeepalivePing): void {
    if (p.cancelled || !p.to.reachable || !p.to.proxyListening) return;
    p.world.sim.schedule(p.world.network.oneWayMs(p.to, p.from, p.rng), KeepalivePing.onAckArrive, p);
  }

  private static onAckArrive(p: KeepalivePing): void {
    if (!p.cancelled) p.onAck();
  }
}
