import type { Host } from './host.js';

/**
 * The hosts of one cluster at one priority level with the healthy subset the load balancer uses
 * (Envoy's HostSet). Recomputed when membership or health changes, never per request.
 */
export class HostSet {
  hosts: Host[] = [];
  healthyHosts: Host[] = [];

  constructor(readonly priority: number) {}

  update(hosts: Host[]): void {
    this.hosts = hosts;
    this.refreshHealth();
  }

  refreshHealth(): void {
    this.healthyHosts = this.hosts.filter((h) => h.healthy);
  }
}

/**
 * All priority levels of a cluster (Envoy's PrioritySet). Istio puts every endpoint at priority 0 unless
 * locality failover applies (semantics §4.8).
 */
export class PrioritySet {
  hostSets: HostSet[] = [new HostSet(0)];
  /** Bumped on every membership or health change so load balancers can rebuild cached state lazily. */
  version = 0;

  /** Replaces the hosts, assigning each to the priority returned by `priorityOf`. */
  update(hosts: Host[], priorityOf: (h: Host) => number = () => 0): void {
    let max = 0;
    for (const h of hosts) max = Math.max(max, priorityOf(h));
    const byPriority: Host[][] = Array.from({ length: max + 1 }, () => []);
    for (const h of hosts) byPriority[priorityOf(h)]!.push(h);
    this.hostSets = byPriority.map((hs, p) => {
      const set = this.hostSets[p] ?? new HostSet(p);
      set.update(hs);
      return set;
    });
    this.version++;
  }

  /** A host's health changed (ejection, un-ejection). */
  refreshHealth(): void {
    for (const s of this.hostSets) s.refreshHealth();
    this.version++;
  }

  get allHosts(): Host[] {
    return this.hostSets.length === 1 ? this.hostSets[0]!.hosts : this.hostSets.flatMap((s) => s.hosts);
  }
}
