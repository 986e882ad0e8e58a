/**
 * The bounds meshsim enforces on its input, as one table (docs/config.md "Limits" lists each with its
 * reason). Everything is checked before anything is allocated: a file before it is read, a YAML text
 * before its nodes are resolved, a scenario before its world is built. A refusal is a positioned
 * diagnostic that names the limit and what the input would need. These are meshsim's own bounds (a
 * simulator on one machine), not Istio's: Istio's own bounds (ports, weights, durations) stay in validate/.
 */
export const LIMITS = {
  // --- files and YAML (fs-loader.ts, yaml-source.ts)
  /** Bytes of one manifest or scenario file. */
  maxFileBytes: 20 * 1024 * 1024,
  /** Files one `validate`/`run` reads (a glob or directory that names more is refused). */
  maxFiles: 10_000,
  /** YAML nodes (scalars, mappings, sequences, aliases) in one file: bounds memory, not only bytes. */
  maxYamlNodes: 200_000,
  /** Keys of one YAML mapping. */
  maxYamlKeys: 10_000,
  /** Alias expansions per document (eemeli/yaml's `maxAliasCount`): stops billion-laughs documents. */
  maxYamlAliases: 100,
  /** Nesting depth of one document. */
  maxYamlDepth: 64,
  /** Characters of a path glob (matched linearly; the bound only keeps messages short). */
  maxGlobLength: 4096,

  // --- diagnostics (analysis/conflicts.ts)
  /** Other resources named in one conflict message; the rest are counted ("and 2,998 more"). */
  maxNamedPerDiagnostic: 5,

  // --- scenario (scenario/resolve.ts, scenario/size.ts)
  /** Any scenario duration (run length, timeouts, event times, ramps): one simulated day. */
  maxDurationMs: 24 * 3_600_000,
  /** Smallest `seriesInterval`. */
  minSeriesIntervalMs: 1,
  /** Time-series buckets per series: duration / seriesInterval. */
  maxSeriesBuckets: 100_000,
  /** Requests per second of one load generator (any step or ramp end). */
  maxRatePerSecond: 1_000_000,
  /** Client requests a run may send: rate x duration over all open-loop generators, plus `count`s. */
  maxClientRequests: 100_000_000,
  /** Engine events a run may need, estimated from requests and the call graph (see scenario/size.ts). */
  maxEvents: 2_000_000_000,
  /** Replicas of one workload or load generator, and the target of a `scale` event. */
  maxReplicas: 10_000,
  /** Pods in the world: workload pods (at their largest scale) plus load-generator pods. */
  maxPods: 20_000,
  /** (sidecar, endpoint) pairs: each sidecar holds the endpoints of every Service it calls. */
  maxSidecarEndpointPairs: 20_000_000,
  /**
   * Estimated memory of a run (scenario/size.ts): about the heap Node gives a process by default on a
   * 64-bit machine, beyond which the run would die out of memory instead of ending.
   */
  maxMemoryBytes: 4 * 1024 ** 3,
  /** Closed-loop connections over all generators (connections x replicas). */
  maxConnections: 100_000,
  /** An app's `concurrency` and `queueLimit`. */
  maxConcurrency: 1_000_000,
  /** Upstream requests one client request may cause on average, over the whole call graph. */
  maxFanOut: 1_000,
} as const;

/**
 * The memory estimate (scenario/size.ts), from figures measured on generated meshes (docs/performance.md,
 * "Scale", fourth pass: `npm run bench -- scale` prints them per case): a pod with its sidecar, app
 * container and load-generator or recorder state; an idle (sidecar, endpoint) pair (its slots in the
 * cluster's host lists: a member never picked is listed by an idle placeholder shared by every sidecar,
 * so it has no Host of its own); and a used pair, one that carried a request, which keeps its Host, a
 * connection pool and an idle connection for the run (Istio's idle timeout is 1 h). A run uses at most
 * min(pairs, upstream requests) pairs.
 * NOTE: simplification: a few measured constants stand for the real, configuration-dependent cost. Measured
 * (retained heap after a full GC): 3.1-3.7 KB per pod before any request; 13 bytes per idle pair with
 * 1,000 endpoints per cluster and 69 with 100 (each cluster's own ~6 KB spread over fewer pairs);
 * 563 bytes per pair picked for the first time, 3 x 1,000 pods over 5 s (retained heap grew from 102 to
 * 128 MiB with 48,488 more used pairs and nothing else). Each is rounded up. Clusters whose balancer
 * keeps every Host (RING_HASH, MAGLEV, PASSTHROUGH, warmup) cost more, counted per cluster by
 * scenario/balancer-memory.ts with the BYTES_PER_KEPT_HOST_PAIR figures below.
 */
export const BYTES_PER_POD = 8 * 1024;
export const BYTES_PER_IDLE_PAIR = 32;
export const BYTES_PER_USED_PAIR = 640;
/**
 * A kept Host per pair, beyond BYTES_PER_IDLE_PAIR (measured at 3 x 1,000 pods after one pick per
 * cluster: 76-77 bytes of Host and list slots; with slow start 19 more on the heap and 16-32 in the EDF
 * schedule's typed arrays (two schedules while a priority is in panic), 160 in all, rounded up).
 */
export const BYTES_PER_KEPT_HOST_PAIR = 160;
/** A Maglev table slot (Int32Array plus building state: ~350 KB measured per 65,537-slot cluster). */
export const BYTES_PER_MAGLEV_SLOT = 6;
/** A member's slot in a sidecar's hash ring or Maglev table (its own array of placeholders and Hosts). */
export const BYTES_PER_HASH_MEMBER = 8;
/** A ring-hash entry (its hash in a Float64Array and its member's index). */
export const BYTES_PER_RING_ENTRY = 16;
/** Envoy's maximum_ring_size default, which istiod leaves (8M entries). */
export const MAX_RING_SIZE = 8 * 1024 * 1024;
/** Engine events per upstream request (docs/performance.md: about 11 per client request of two hops). */
export const EVENTS_PER_UPSTREAM_REQUEST = 6;

/** "2,998": integers with thousands separators, the same in every locale (no Intl). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  const s = String(Math.round(Math.abs(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** "1.2 GiB", "340 MiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  return `${(n / 1024).toFixed(0)} KiB`;
}
