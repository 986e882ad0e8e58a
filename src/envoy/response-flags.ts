import type { ResetReason } from './upstream/transport.js';

/**
 * Envoy response flags (Envoy stream_info/utility.h), as a bit set carried on every response. Rendered in Envoy's
 * order, comma-separated ("UF,URX", "DI,FI"), the way access logs and Istio's `response_flags` label
 * show them; "-" when none.
 */
export const ResponseFlag = {
  UH: 1 << 0, // no healthy upstream
  UF: 1 << 1, // upstream connection failure
  UO: 1 << 2, // upstream overflow (circuit breaker)
  NR: 1 << 3, // no route
  URX: 1 << 4, // upstream retry limit exceeded
  NC: 1 << 5, // no cluster
  DT: 1 << 6, // duration timeout
  UC: 1 << 7, // upstream connection termination
  UR: 1 << 8, // upstream remote reset
  LR: 1 << 9, // local reset
  UT: 1 << 10, // upstream request timeout
  DC: 1 << 11, // downstream connection termination
  DI: 1 << 12, // delay injected
  FI: 1 << 13, // fault abort injected
  UPE: 1 << 14, // upstream protocol error
  UMSDR: 1 << 15, // upstream max stream duration reached
} as const;

export type ResponseFlagName = keyof typeof ResponseFlag;

// Envoy renders flags in the order of its ResponseFlag enum (envoy/stream_info/stream_info.h:
// LH=0x1, UH=0x2, UT=0x4, LR=0x8, UR, UF, UC, UO, NR, DI, FI, RL, UAEX, RLSE, DC, URX, SI, IH, DPE, UMSDR,
// RFCF, NFCF, DT, UPE, NC, ...), so a retried connect failure reads "UF,URX" and a delayed abort "DI,FI".
const ORDER: ResponseFlagName[] = [
  'UH',
  'UT',
  'LR',
  'UR',
  'UF',
  'UC',
  'UO',
  'NR',
  'DI',
  'FI',
  'DC',
  'URX',
  'UMSDR',
  'DT',
  'UPE',
  'NC',
];

const cache = new Map<number, string>();

export function formatResponseFlags(flags: number): string {
  if (flags === 0) return '-';
  let s = cache.get(flags);
  if (s === undefined) {
    s = ORDER.filter((n) => (flags & ResponseFlag[n]) !== 0).join(',');
    cache.set(flags, s);
  }
  return s;
}

/** Reset reason → response flag, as Envoy's router maps them (router.cc streamResetReasonToResponseFlag). */
export const RESET_REASON_FLAG: Readonly<Record<ResetReason, number>> = {
  'connection-failure': ResponseFlag.UF,
  'connection-timeout': ResponseFlag.UF,
  'connection-termination': ResponseFlag.UC,
  'remote-reset': ResponseFlag.UR,
  'local-reset': ResponseFlag.LR,
  overflow: ResponseFlag.UO,
};
