import type { FaultInjection } from '../../config/types.js';
import type { Rng } from '../../engine/index.js';

/**
 * Envoy's HTTP fault filter as Istio configures it (Istio route.go TranslateFault; Envoy fault_filter.cc). It runs before the router: the delay
 * is decided first; the abort is decided afresh when the delay ends (or at once if not delayed).
 * Percentages become FractionalPercent{numerator: uint32(value x 10000), denominator: MILLION} and fire
 * when `random() % 1e6 < numerator`; an absent percentage never fires.
 */
export function faultFires(percentage: number, rng: Rng): boolean {
  const numerator = Math.floor(percentage * 10_000);
  if (numerator <= 0) return false;
  return rng.uint32() % 1_000_000 < numerator;
}

/** Delay to inject in ms, or 0. */
export function decideDelay(fault: FaultInjection | undefined, rng: Rng): number {
  const d = fault?.delay;
  if (d === undefined) return 0;
  return faultFires(d.percentage, rng) ? d.fixedDelayMs : 0;
}

/** An abort the fault filter answers with: HTTP status, or HTTP 200 carrying a grpc-status. */
export interface FaultAbort {
  readonly status: number;
  readonly grpcStatus?: number;
}

const abortCache = new WeakMap<FaultInjection, FaultAbort | null>();

/**
 * The abort a fault block can inject, or null. istiod drops an abort without `httpStatus` or
 * `grpcStatus` ("Only HTTP and gRPC type abort faults are supported") [I:route.go TranslateFault].
 */
export function faultAbort(fault: FaultInjection): FaultAbort | null {
  let a = abortCache.get(fault);
  if (a === undefined) {
    const abort = fault.abort;
    if (abort?.httpStatus !== undefined) a = { status: abort.httpStatus };
    else if (abort?.grpcStatus !== undefined)
      a = { status: 200, grpcStatus: GRPC_CODES[abort.grpcStatus] ?? 2 };
    else a = null;
    abortCache.set(fault, a);
  }
  return a;
}

/** The abort to answer with (drawn afresh after any delay), or null. */
export function decideAbort(fault: FaultInjection | undefined, rng: Rng): FaultAbort | null {
  if (fault === undefined) return null;
  const a = faultAbort(fault);
  if (a === null || !faultFires(fault.abort!.percentage, rng)) return null;
  return a;
}

/** gRPC status names Istio accepts in fault.abort.grpcStatus. */
export const GRPC_CODES: Record<string, number> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};
