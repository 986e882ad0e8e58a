import type { Host } from '../host.js';
import { EdfLoadBalancerBase } from './edf-load-balancer.js';

/**
 * ROUND_ROBIN [E:source/extensions/load_balancing_policies/round_robin/round_robin_lb.h; Envoy round_robin_lb.h].
 * Equal weights: `hosts[rr_index++ % n]` with one index per host source that starts at this LB's random
 * seed and survives membership changes (so proxies start at different hosts). Unequal weights or slow
 * start: EDF over weight × slow-start factor.
 */
export class RoundRobinLoadBalancer extends EdfLoadBalancerBase {
  private readonly rrIndexes = new Map<number, number>();

  protected override refreshHostSource(key: number): void {
    if (!this.rrIndexes.has(key)) this.rrIndexes.set(key, this.seed);
  }

  protected override unweightedHostPick(hosts: readonly Host[], key: number): number {
    const i = this.rrIndexes.get(key) ?? this.seed;
    this.rrIndexes.set(key, i + 1);
    return i % hosts.length;
  }

  protected override hostWeight(host: Host): number {
    const w = host.endpoint.weight;
    return this.noHostsAreInSlowStart() ? w : this.applySlowStartFactor(w, host);
  }
}
