import { type Endpoint, Host } from './host.js';

/**
 * The idle placeholders (Host.idle) of each endpoint, one per priority, shared by every cluster of every
 * sidecar that lists the endpoint and has not picked it yet. Keyed weakly by the endpoint, so they go
 * with the world that published it.
 */
const placeholders = new WeakMap<Endpoint, Host[]>();

export function idleHost(endpoint: Endpoint, priority: number): Host {
  let byPriority = placeholders.get(endpoint);
  if (byPriority === undefined) placeholders.set(endpoint, (byPriority = []));
  let h = byPriority[priority];
  if (h === undefined) byPriority[priority] = h = Host.idle(endpoint, priority);
  return h;
}
