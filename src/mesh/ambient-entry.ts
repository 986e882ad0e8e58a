import type { DownstreamCallbacks, HttpRequest } from '../envoy/index.js';

/** A request an app or load generator handed to its pod's data plane; cancel() when the client gives up. */
export interface OutboundStream {
  cancelFromDownstream(): void;
}

/**
 * What a pod's app sends through: its sidecar (an Envoy) or, for a pod enrolled in ambient mode, the
 * ztunnel of its node (ztunnel.ts). Both take a request and a connection token from `acceptWorker`.
 */
export interface OutboundEntry {
  acceptWorker(): number;
  outbound(request: HttpRequest, downstream: DownstreamCallbacks, worker?: number): OutboundStream | null;
}
