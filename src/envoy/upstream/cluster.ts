import type { EnvoyBehaviour } from '../../config/istio-version.js';
import type { LoadBalancerSettings } from '../../config/types.js';
import type { RandomStreams, Simulation } from '../../engine/index.js';
import type { EnvoyObserver } from '../observer.js';
import { ClusterStats } from '../stats/cluster-stats.js';
import type { ClusterSpec } from './cluster-spec.js';
import type { ConnPool } from './conn-pool/conn-pool.js';
import { createConnPool, type HttpConnPool } from './conn-pool/index.js';
import { Host, type Locality } from './host.js';
import { NEWEST_ENVOY_BEHAVIOUR } from './envoy-behaviour.js';
import { PrioritySet } from './host-set.js';
import { type LocalCluster, type SharedAssignment, sharedAssignment } from './locality/index.js';
import { createLoadBalancer } from './load-balancers/index.js';
import type { LbContext, LoadBalancer } from './load-balancers/load-balancer.js';
import { createOutlierDetector } from './outlier-detection/index.js';
import type { OutlierDetectorSink } from './outlier.js';
import { ResourceManager } from './resource-manager.js';
import type { UpstreamTransport } from './transport.js';

/** What a cluster needs from its sidecar. */
export interface ClusterContext {
  readonly sim: Simulation;
  readonly streams: RandomStreams;
  /** Pod name of the sidecar that owns this cluster. */
  readonly sidecar: string;
  /** Where that sidecar runs: locality-aware balancing and failover are relative to it (Envoy load_balancer_impl.cc locality; Istio loadbalancer.go). */
  readonly locality: Locality;
  /** The sidecar's pod labels (failoverPriority matches them, Envoy load_balancer_impl.cc locality; Istio loadbalancer.go); none when absent. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly transport: UpstreamTransport;
  readonly observer: EnvoyObserver;
  /** What this Envoy's version does differently (config/istio-version.ts, resolved once by the world); absent: the newest line. */
  readonly envoy?: EnvoyBehaviour;
  /** The proxy's `local_cluster` when self discovery is on (ISTIO_META_ENABLE_SELF_DISCOVERY), for zone-aware routing. */
  readonly localCluster?: LocalCluster;
}

/**
 * One outbound cluster of one sidecar (Envoy's ClusterInfo + its thread-local LB and pools). Created
 * lazily the first time the sidecar routes to it, so per-sidecar state is paid only for pairs in use.
 * Membership follows the endpoint source: checked by version on use, the Host of an endpoint that stays
 * a member is kept so outlier and active-request state survive membership changes.
 */
export class Cluster {
  readonly stats = new ClusterStats();
  readonly resourceManager: ResourceManager;
  readonly prioritySet = new PrioritySet();
  readonly lb: LoadBalancer;
  readonly outlierDetector: OutlierDetectorSink | null;
  readonly envoy: EnvoyBehaviour;
  /**
   * Members never picked are listed by shared idle placeholders (Host.idle) and get their own Host on
   * first pick: where balancing picks by index (LEAST_REQUEST, ROUND_ROBIN, RANDOM without slow
   * start and with equal weights) or through a hash ring or Maglev table that takes the owned Host in
   * (LoadBalancer.replacePicked); EDF schedules keep the Hosts they were built from (issue #14).
   */
  private readonly lazyHosts: boolean;
  private seenVersion = -1;

  constructor(
    readonly spec: ClusterSpec,
    readonly ctx: ClusterContext,
  ) {
    this.resourceManager = new ResourceManager(spec.policy, this.stats.gauges, ctx.sim);
    this.envoy = ctx.envoy ?? NEWEST_ENVOY_BEHAVIOUR;
    this.lazyHosts = pickByIndex(spec.policy.loadBalancer);
    this.syncMembership();
    this.lb = createLoadBalancer(this);
    this.outlierDetector = createOutlierDetector(this);
  }

  get name(): string {
    return this.spec.name;
  }

  chooseHost(lbCtx: LbContext | null): Host | null {
    this.syncMembership();
    const h = this.lb.chooseHost(lbCtx);
    if (h === null || !h.isIdle) return h;
    const own = this.prioritySet.ownHost(h, this.lb.pickedIndex?.() ?? -1);
    this.lb.replacePicked?.(h, own);
    return own;
  }

  /** This cluster's own Host for a member (one listed by its idle placeholder gets it now). */
  ownHost(host: Host): Host {
    return this.prioritySet.ownHost(host);
  }

  /**
   * The pool of `host` on Envoy worker `worker`: pools are per host per worker thread, while the circuit
   * breakers they check are per cluster, shared by the workers (Envoy docs, Circuit breaking). So with
   * maxConnections: 1 each worker still opens its own first connection to a host.
   */
  connPool(host: Host, worker = 0): ConnPool {
    // host.pool is the one pool of a host only one worker has used, else an array indexed by worker: a
    // used (sidecar, endpoint) pair keeps it for the whole run, and many pairs see one worker (issue #14).
    const slot = host.pool as HttpConnPool | (HttpConnPool | undefined)[] | undefined;
    if (slot === undefined) {
      const pool = createConnPool(this, host, worker);
      host.pool = pool;
      return pool;
    }
    if (!Array.isArray(slot)) {
      if (slot.worker === worker) return slot;
      const pools: (HttpConnPool | undefined)[] = [undefined, undefined];
      pools[slot.worker] = slot;
      const pool = createConnPool(this, host, worker);
      pools[worker] = pool;
      host.pool = pools;
      return pool;
    }
    let pool = slot[worker];
    if (pool === undefined) {
      pool = createConnPool(this, host, worker);
      slot[worker] = pool;
    }
    return pool;
  }

  /** Hosts gained or lost health (outlier ejection): rebuild the healthy sets. */
  onHostHealthChanged(): void {
    this.prioritySet.refreshHealth();
    this.updateMembershipGauges();
  }

  /** Applies the endpoint source's current members if its version moved. */
  syncMembership(): void {
    const src = this.spec.endpoints;
    if (src.version === this.seenVersion) return;
    this.seenVersion = src.version;
    // istiod's per-proxy locality pass assigns priorities and locality weights (Envoy load_balancer_impl.cc
    // locality; Istio loadbalancer.go), once per placement for every sidecar (shared-assignment.ts).
    const proxy = { locality: this.ctx.locality, labels: this.ctx.labels ?? {} };
    const assignment = sharedAssignment(this.spec, proxy);
    const lazy = this.lazyHosts && assignment.equalWeights;
    const previous = this.prioritySet.allHosts;
    let left: Host[] | null;
    if (previous.length === 0 && lazy) {
      // A new cluster (or one all of whose members had left): a copy of the placeholders.
      const lists = assignment.priorities.map((p) => p.placeholders.slice());
      this.prioritySet.assign(assignment, lists, true, this.ctx.sim.now);
    } else if (lazy && (left = this.prioritySet.moveTo(assignment, this.ctx.sim.now)) !== null) {
      for (const h of left) this.forgetHost(h);
    } else {
      this.prioritySet.assign(
        assignment,
        this.membersOf(assignment, previous, lazy),
        false,
        this.ctx.sim.now,
      );
      this.forgetRemovedHosts(previous, this.prioritySet.allHosts);
    }
    this.updateMembershipGauges();
  }

  /**
   * The assignment's member lists with this cluster's Hosts: the Host of an endpoint that stays a member
   * is kept (at its new priority), a placeholder stays one while the cluster is lazy, else the cluster's
   * own Host takes over.
   */
  private membersOf(a: SharedAssignment, previous: readonly Host[], lazy: boolean): Host[][] {
    // The current members by endpoint id, only while membership changes: a map kept per cluster would
    // cost an entry per (sidecar, endpoint) pair for the whole run (issue #14).
    const byId = new Map<number, Host>();
    for (const h of previous) byId.set(h.endpoint.id, h);
    const lists: Host[][] = [];
    for (const pa of a.priorities) {
      const placeholders = pa.placeholders;
      const p = pa.priority;
      const hosts = new Array<Host>(placeholders.length);
      for (let i = 0; i < placeholders.length; i++) {
        const idle = placeholders[i]!;
        const h = byId.get(idle.endpoint.id);
        let own: Host;
        if (h !== undefined && !h.isIdle) own = h;
        else if (lazy) {
          hosts[i] = idle;
          continue;
        } else own = h === undefined ? new Host(idle.endpoint) : this.prioritySet.ownHost(h);
        own.priority = p;
        hosts[i] = own;
      }
      lists.push(hosts);
    }
    return lists;
  }

  /**
   * Hosts that left membership: their outlier state is dropped and their pools drain, and an endpoint
   * that comes back later gets a fresh Host, as in Envoy (Envoy outlier_detection_impl.cc ejection, Envoy conn_pool_base.cc).
   */
  private forgetRemovedHosts(previous: readonly Host[], current: readonly Host[]): void {
    if (previous.length === 0) return;
    const kept = new Set(current);
    for (const h of previous) {
      // A placeholder has no state to drop.
      if (!h.isIdle && !kept.has(h)) this.forgetHost(h);
    }
  }

  private forgetHost(h: Host): void {
    this.outlierDetector?.onHostRemoved(h);
    for (const pool of poolsOf(h)) pool.drain();
  }

  private updateMembershipGauges(): void {
    let total = 0;
    let healthy = 0;
    for (const s of this.prioritySet.hostSets) {
      total += s.hosts.length;
      healthy += s.healthyHosts.length;
    }
    this.stats.gauges.membership_total = total;
    this.stats.gauges.membership_healthy = healthy;
  }
}

/** Balancers whose unweighted pick is by index into the live host lists (see Cluster.lazyHosts). */
function pickByIndex(lb: LoadBalancerSettings): boolean {
  // Hash rings and Maglev tables are built from the member lists and swap in the Host a pick owns
  // (LoadBalancer.replacePicked); EDF schedules (slow start) and PASSTHROUGH keep what they were built from.
  if (lb.policy === 'RING_HASH' || lb.policy === 'MAGLEV') return true;
  if (lb.policy !== 'LEAST_REQUEST' && lb.policy !== 'ROUND_ROBIN' && lb.policy !== 'RANDOM') return false;
  return lb.warmup === undefined || lb.warmup.durationMs <= 0;
}

/** The pools a host has, one per worker that used it (see Cluster.connPool), in worker order. */
export function poolsOf(host: Host): ConnPool[] {
  const slot = host.pool as ConnPool | (ConnPool | undefined)[] | undefined;
  if (slot === undefined) return [];
  if (!Array.isArray(slot)) return [slot];
  return slot.filter((p): p is ConnPool => p !== undefined);
}
