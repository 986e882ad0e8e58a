/**
 * Pod names. Kubernetes names a pod uniquely within its namespace only; the simulator uses the pod name as
 * the identity of the pod, its sidecar, its random streams and its endpoints across the whole mesh. Two
 * teams that each run an `api` Deployment (or a `cache` StatefulSet, whose pods are both `cache-0` in a
 * real cluster) would otherwise share one identity. A name that several namespaces use is qualified with
 * the namespace as istioctl addresses pods, `<pod>.<namespace>` (`istioctl proxy-config clusters
 * cache-0.team-b`); names used in one namespace only keep the plain form, so existing outputs are unchanged.
 */

/** A stable, Kubernetes-looking pod name suffix: a word derived from the workload name, then the index. */
export function podSuffix(name: string, i: number): string {
  let h = 2166136261;
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 16777619);
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let x = h >>> 0;
  let word = '';
  for (let k = 0; k < 5; k++) {
    word += alphabet[x % alphabet.length];
    x = Math.floor(x / alphabet.length);
  }
  return `${word}-${i}`;
}

export interface PodOwnerName {
  readonly name: string;
  readonly namespace: string;
}

export class PodNames {
  /** Owner (workload, load generator) names that appear in more than one namespace. */
  private readonly shared = new Set<string>();
  private readonly taken = new Set<string>();

  constructor(owners: Iterable<PodOwnerName>) {
    const namespaces = new Map<string, string>();
    for (const o of owners) {
      const first = namespaces.get(o.name);
      if (first === undefined) namespaces.set(o.name, o.namespace);
      else if (first !== o.namespace) this.shared.add(o.name);
    }
  }

  /**
   * The mesh-wide name of a pod that Kubernetes would call `base` in `namespace`, owned by `ownerName`:
   * `base.namespace` when the owner's name is used in several namespaces or `base` is already taken (a
   * waypoint named as a workload elsewhere), else `base`.
   */
  claim(base: string, namespace: string, ownerName: string): string {
    let name = this.shared.has(ownerName) || this.taken.has(base) ? `${base}.${namespace}` : base;
    // Still taken (a user-named pod that happens to read `x.ns`): count up, deterministically.
    for (let k = 2; this.taken.has(name); k++) name = `${base}.${namespace}.${k}`;
    this.taken.add(name);
    return name;
  }
}
