import type { HttpRequest, HttpResponse } from '../http.js';
import type { Endpoint } from './host.js';

/** Why an upstream connection or stream failed, in Envoy's reset-reason vocabulary. */
export type ResetReason =
  | 'connection-failure' // refused / unreachable: UF
  | 'connection-timeout' // connect timeout: UF
  | 'connection-termination' // peer closed mid-stream: UC
  | 'remote-reset' // peer reset the stream: UR
  | 'local-reset' // this Envoy reset it: LR
  | 'overflow'; // circuit breaker: UO

/** Receives the outcome of a connection attempt. */
export interface ConnectCallbacks {
  onConnected(): void;
  onConnectFailed(reason: 'connection-failure' | 'connection-timeout'): void;
  /** The established connection was closed by the peer (pod crashed) or the network. */
  onRemoteClose(): void;
}

/** Receives the outcome of a request sent upstream. */
export interface StreamCallbacks {
  onUpstreamResponse(response: HttpResponse): void;
  onUpstreamReset(reason: ResetReason): void;
}

/** A request in flight on the wire; cancel() when the sender gives up (timeouts, downstream reset). */
export interface WireStream {
  cancel(): void;
}

/**
 * What the data plane needs from the world: moving bytes between this sidecar and an endpoint's pod.
 * The mesh implements it (network latency between zones, crashed pods refusing connections, the server
 * sidecar and its app); envoy/ never sees pods.
 */
export interface UpstreamTransport {
  /** TCP + mTLS handshake to the endpoint; exactly one callback fires unless cancelled. */
  connect(endpoint: Endpoint, cb: ConnectCallbacks): WireStream;
  /** Sends `request` to the endpoint's pod; exactly one stream callback fires unless cancelled. */
  send(endpoint: Endpoint, request: HttpRequest, cb: StreamCallbacks): WireStream;
  /**
   * An HTTP/2 PING on an established connection to the endpoint: `onAck` when the peer's ACK is back, never
   * when the peer stopped answering. Transports without it carry no keepalive.
   */
  ping?(endpoint: Endpoint, onAck: () => void): WireStream;
}
