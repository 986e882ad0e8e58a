/** Exit codes CI can trust (README, docs/cli.md). */
export const EXIT = {
  /** Ran; no errors (and no violated SLO). */
  OK: 0,
  /** The scenario or manifests have errors, or an SLO/assertion was violated. */
  FINDINGS: 1,
  /** Usage problem: unknown command or flag, bad flag value, unreadable file. */
  USAGE: 2,
} as const;

/** A usage or I/O problem the CLI reports as one line and exit code 2 (never a stack trace). */
export class UsageError extends Error {}
