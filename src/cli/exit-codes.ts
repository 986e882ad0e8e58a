/**
 * Exit codes CI can trust (README, docs/config.md, every command's --help). 0/1/2 keep their meaning
 * across commands; a failed gate has its own code so a pipeline can tell "the change breaks the SLO"
 * from "the inputs are broken". 70 is sysexits' EX_SOFTWARE: a bug of ours, never user input.
 */
export const EXIT = {
  /** Ran (or valid); every gate passed. */
  OK: 0,
  /** The inputs have errors (printed as diagnostics): nothing was simulated. */
  FINDINGS: 1,
  /** Usage problem: unknown command or flag, bad flag value, unreadable or missing file. */
  USAGE: 2,
  /** Ran, but a gate (spec.slo, --assert, a tune constraint) failed. */
  GATE_FAILED: 3,
  /** Internal error (a bug): the message, no stack trace. */
  INTERNAL: 70,
} as const;

/** One line for every command's --help. */
export const EXIT_HELP =
  'Exit codes: 0 ok, 1 the inputs have errors (printed as diagnostics), 2 usage or unreadable file, 3 a gate failed, 70 internal error.';

/** A usage or I/O problem the CLI reports as one line and exit code 2 (never a stack trace). */
export class UsageError extends Error {}
