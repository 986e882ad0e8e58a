import { type Assertion, parseAssertion, type ParseError } from './assertion.js';
import { type GateResult, gateResult } from './aggregate.js';
import { evaluateMetric, type Observation } from './metrics.js';

export interface GateSource {
  text: string;
  /** Where the text was written, for positioned errors: a scenario's spec.slo entry, or --assert. */
  origin: { file: string; line: number; column: number } | { flag: string };
}

export interface GateParseFailure {
  source: GateSource;
  error: ParseError;
}

/** Parses every gate; all failures are returned (not only the first) so one CI run shows them all. */
export function parseGates(sources: readonly GateSource[]): {
  gates: { source: GateSource; assertion: Assertion }[];
  failures: GateParseFailure[];
} {
  const gates: { source: GateSource; assertion: Assertion }[] = [];
  const failures: GateParseFailure[] = [];
  for (const s of sources) {
    const p = parseAssertion(s.text);
    if (p.ok) gates.push({ source: s, assertion: p.value });
    else failures.push({ source: s, error: p.error });
  }
  return { gates, failures };
}

/** Checks gates against one run. A metric without a value (unknown client) fails its gate. */
export function evaluateGates(o: Observation, assertions: readonly Assertion[]): GateResult[] {
  return assertions.map((a) => {
    const v = evaluateMetric(o, a.metric);
    return v.ok ? gateResult(a, v.value, null) : gateResult(a, null, null, v.message);
  });
}
