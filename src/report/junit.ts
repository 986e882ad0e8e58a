/**
 * JUnit XML for CI gates: one <testsuite> per scenario, one <testcase> per SLO or --assert, a
 * <failure> for each violated one. GitHub Actions (test-reporter actions) and GitLab
 * (`artifacts:reports:junit`) display it.
 */
import type { GateResult } from '../run/study/aggregate.js';

function esc(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export function renderJunit(suite: string, gates: readonly GateResult[]): string {
  const failures = gates.filter((g) => !g.passed).length;
  const cases = gates.map((g) => {
    const open = `    <testcase classname="meshsim.${esc(suite)}" name="${esc(g.assertion)}"`;
    if (g.passed) return `${open}>\n      <system-out>${esc(g.message)}</system-out>\n    </testcase>`;
    return `${open}>\n      <failure message="${esc(g.message)}" type="SLOViolation">${esc(`${g.assertion}: ${g.message}`)}</failure>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="meshsim" tests="${gates.length}" failures="${failures}" errors="0">
  <testsuite name="${esc(suite)}" tests="${gates.length}" failures="${failures}" errors="0" skipped="0">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
