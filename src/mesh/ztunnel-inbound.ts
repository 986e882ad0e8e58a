import { Dataplane } from './pod.js';
import type { InboundExchange } from './wire.js';

/**
 * A request reached an ambient pod through its node's ztunnel (inbound, HBONE terminated there): no
 * sidecar, so no inbound cluster, no inbound pool, no inbound retry: ztunnel hands the bytes to the app
 * in the pod's network namespace (istio.io, "Ambient data plane": in-pod redirection). An app container
 * that does not listen refuses that connection: the client sees a reset, not a proxy's 503.
 */
export function acceptAmbient(x: InboundExchange): void {
  const to = x.to;
  const app = x.world.appOf(to);
  if (!to.listening || app === undefined) return x.resetDownstream();
  x.world.ambient.metrics.onServerOpen(x.from, to, x.request, x.arrivedMs);
  x.app = app;
  app.handle(x);
}

/** Whether a server pod answers through ztunnel (no reporter="destination" HTTP metrics from it). */
export function servedByZtunnel(x: InboundExchange): boolean {
  return x.to.dataplane === Dataplane.Ambient;
}
