import type { Diagnostic } from '../../config/diagnostics.js';
import type { Scenario } from '../../config/scenario/types.js';
import { didYouMean } from '../../config/suggest.js';
import type { MeshConfig } from '../../config/types.js';
import type { GateResult } from './aggregate.js';
import { type Assertion, parseAssertion, parseMetric } from './assertion.js';
import type { GateSource } from './gates.js';

/** Gate codes (docs/studies.md): a gate naming nothing in the scenario, and the verdict of each gate. */
export const GATE_CODES = {
  MSIM2012: 'Unknown client or service in a gate',
  MSIM2020: 'Gate failed',
  MSIM2021: 'Gate passed',
} as const;

/** What each argument of a metric names (metric-functions.ts): checked against the scenario. */
type Role = 'target' | 'client' | 'service' | 'other';
const ROLES: Readonly<Record<string, readonly Role[]>> = {
  timeouts: ['client'],
  count: ['other', 'client'],
  amplification: ['service'],
  ejections: ['service'],
  stat: ['other', 'service'],
  ejected_healthy: [],
};
const roleOf = (fn: string, i: number): Role => (ROLES[fn] ?? ['target'])[i] ?? 'other';

/**
 * Where a gate's text starts: a spec.slo entry's position (after its quote), or line 1 column 1 of the
 * flag that gave it (the CLI names them `--assert[1]`, `--assert[2]`, ...).
 */
export function gateOrigin(
  source: GateSource,
  fileLines?: readonly string[],
): { file: string; line: number; column: number } {
  const o = source.origin;
  if (!('file' in o)) return { file: o.flag, line: 1, column: 1 };
  // A quoted scalar starts at its quote; the assertion text one column later.
  const q = /["']/.test(fileLines?.[o.line - 1]?.[o.column - 1] ?? '') ? 1 : 0;
  return { file: o.file, line: o.line, column: o.column + q };
}

/** 1-based columns of each call argument in an assertion's text. */
function argColumns(text: string): number[] {
  const open = text.indexOf('(');
  const close = text.indexOf(')', open);
  if (open < 0 || close < 0) return [];
  const out: number[] = [];
  let at = open + 1;
  for (const part of text.slice(open + 1, close).split(',')) {
    out.push(at + (part.length - part.trimStart().length) + 1);
    at += part.length + 1;
  }
  return out;
}

/**
 * The clients and services a gate names must exist in the scenario, checked before anything runs (a
 * typo found after a ten-minute study is a wasted CI run). Clients are the scenario's load generators;
 * services are matched like the evaluator does (FQDN, `name.namespace` or an unambiguous short name).
 */
export function checkGateTargets(
  gates: readonly { source: GateSource; assertion: Pick<Assertion, 'metric'> }[],
  scenario: Scenario,
  config: MeshConfig,
  fileLines?: readonly string[],
  label = 'gate',
): Diagnostic[] {
  const clients = scenario.traffic.map((t) => t.name);
  const hosts = config.services.map((s) => s.fqdn);
  const shortNames = [...new Set(hosts.map((h) => h.split('.')[0]!))];
  const out: Diagnostic[] = [];
  gates.forEach((g) => {
    const at = gateOrigin(g.source, fileLines);
    const cols = argColumns(g.source.text.trim());
    const report = (i: number, message: string) =>
      out.push({
        severity: 'error',
        code: 'MSIM2012',
        message: `${label} "${g.source.text.trim()}": ${message}`,
        file: at.file,
        line: at.line,
        column: at.column + (cols[i] ?? 1) - 1,
      });
    g.assertion.metric.args.forEach((arg, i) => {
      const role = roleOf(g.assertion.metric.fn, i);
      if (role === 'other') return;
      const isClient = clients.includes(arg);
      const services = hosts.filter((h) => h === arg || h.startsWith(`${arg}.`));
      if (role !== 'client' && !isClient && services.length > 1) {
        report(i, `"${arg}" matches ${services.join(' and ')}; use the FQDN`);
        return;
      }
      let problem: string | undefined;
      if (role === 'client' && !isClient) problem = `no client "${arg}" in the scenario (spec.traffic)`;
      else if (role === 'service' && services.length === 0) problem = `no service "${arg}" in the manifests`;
      else if (role === 'target' && !isClient && services.length === 0)
        problem = `no client (spec.traffic) or service "${arg}" in the scenario`;
      if (problem === undefined) return;
      const candidates =
        role === 'client' ? clients : role === 'service' ? shortNames : [...clients, ...shortNames];
      const hint = didYouMean(arg, candidates);
      report(
        i,
        `${problem}${hint ? `; did you mean "${hint}"?` : ''} (known: ${candidates.join(', ') || 'none'})`,
      );
    });
  });
  return out;
}

/**
 * The same check for the figures a study names (a sweep's `spec.metrics`, a tune's objective and
 * constraints), each positioned at its entry in the study file: `at(i)` gives entry i's position.
 */
export function checkStudyTargets(
  texts: readonly string[],
  at: (i: number) => { file: string; line: number; column: number },
  scenario: Scenario,
  config: MeshConfig,
): Diagnostic[] {
  const gates: { source: GateSource; assertion: Pick<Assertion, 'metric'> }[] = [];
  texts.forEach((text, i) => {
    const m = parseMetric(text);
    const a = m.ok ? undefined : parseAssertion(text);
    const metric = m.ok ? m.value : a?.ok ? a.value.metric : undefined;
    if (metric) gates.push({ source: { text, origin: at(i) }, assertion: { metric } });
  });
  return checkGateTargets(gates, scenario, config, undefined, 'figure');
}

/** Each gate's verdict as a diagnostic line (the one format every finding uses): error when violated. */
export function gateDiagnostics(
  results: readonly GateResult[],
  sources: readonly (GateSource | undefined)[],
  fileLines?: readonly string[],
): Diagnostic[] {
  return results.map((g, i) => {
    const s = sources[i];
    const at = s ? gateOrigin(s, fileLines) : { file: 'gate', line: 0, column: 0 };
    return {
      severity: g.passed ? 'info' : 'error',
      code: g.passed ? 'MSIM2021' : 'MSIM2020',
      message: `gate ${g.passed ? 'passed' : 'FAILED'}: ${g.assertion} (${g.message})`,
      file: at.file,
      line: at.line,
      column: at.column,
    };
  });
}
