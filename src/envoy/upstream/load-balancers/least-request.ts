import type { Host } from '../host.js';
import { EdfLoadBalancerBase, type SlowStartConfig } from './edf-load-balancer.js';
import type { LbParams } from './load-balancer-base.js';

/**
 * LEAST_REQUEST, Istio's default since 1.14 [E:least_request_lb.cc; Envoy least_request_lb.cc].
 * Equal weights and no slow start: power of N choices: draw `choiceCount` hosts uniformly with replacement
 * (`random() % n`) and keep the one with strictly fewer active requests (ties keep the first drawn).
 * Otherwise EDF with the dynamic weight weight / (rq_active + 1)^active_request_bias, times the slow-start
 * factor; the bias is Envoy's default 1.0 (Istio never sets it).
 */
export class LeastRequestLoadBalancer extends EdfLoadBalancerBase {
  constructor(
    p: LbParams,
    slowStart: SlowStartConfig | undefined,
    private readonly choiceCount: number,
    private readonly activeRequestBias = 1.0,
  ) {
    super(p, slowStart);
  }

  protected override unweightedHostPick(hosts: readonly Host[]): number {
    const n = hosts.length;
    const rng = this.p.rng;
    let candidate = -1;
    let active = 0;
    for (let i = 0; i < this.choiceCount; i++) {
      const j = rng.uint32() % n;
      const sampledActive = hosts[j]!.rqActive;
      if (candidate < 0 || sampledActive < active) {
        candidate = j;
        active = sampledActive;
      }
    }
    return candidate;
  }

  protected override hostWeight(host: Host): number {
    const active = host.rqActive + 1;
    const bias = this.activeRequestBias;
    let w = host.endpoint.weight;
    if (bias === 1) w /= active;
    else if (bias !== 0) w /= active ** bias;
    return this.noHostsAreInSlowStart() ? w : this.applySlowStartFactor(w, host);
  }
}
