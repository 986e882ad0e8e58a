import type { Endpoint, EndpointSource } from '../envoy/index.js';

/**
 * The ready endpoints of one service port, as EDS pushes them to every sidecar. Each change bumps the
 * version; clusters compare versions on use (cheap) instead of being notified.
 */
export class ServiceEndpoints implements EndpointSource {
  version = 0;
  endpoints: readonly Endpoint[] = [];

  set(endpoints: readonly Endpoint[]): void {
    this.endpoints = endpoints;
    this.version++;
  }
}
