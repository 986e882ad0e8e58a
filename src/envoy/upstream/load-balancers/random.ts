import type { Host } from '../host.js';
import type { LbContext } from './load-balancer.js';
import { ZoneAwareLoadBalancerBase } from './zone-aware.js';

/**
 * RANDOM [E:source/extensions/load_balancing_policies/random/random_lb.cc; Envoy random_lb.cc]: one draw picks
 * the priority/locality source, a second `hosts[random() % n]`. Host weights are ignored, as in Envoy.
 */
export class RandomLoadBalancer extends ZoneAwareLoadBalancerBase {
  protected override refresh(): void {
    super.refresh();
  }

  protected override chooseHostOnce(ctx: LbContext | null): Host | null {
    const rng = this.p.rng;
    if (!this.hostSourceToUse(rng.uint32(), ctx)) return null;
    const hosts = this.sourceHosts();
    if (hosts.length === 0) return null;
    const i = rng.uint32() % hosts.length;
    this.srcIndex = i;
    return hosts[i]!;
  }
}
