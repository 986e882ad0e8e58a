/**
 * The header every output format carries when the inputs have errors that were simulated on purpose
 * (`--simulate-misconfig`), so that no figure of a misconfigured mesh passes for a valid one: a comment
 * line in text, CSV, Prometheus and Envoy stats text, an XML comment and a testsuite property in JUnit.
 * JSON carries the `simulatedMisconfiguration` field instead (the Result and study reports).
 */
export type HeaderFormat = 'text' | 'csv' | 'prometheus' | 'envoy-stats' | 'junit' | 'json';

export function withMisconfigHeader(text: string, format: HeaderFormat, message: string | undefined): string {
  if (message === undefined) return text;
  const line = `meshsim: WARNING: ${message}`;
  switch (format) {
    case 'json':
      return text;
    case 'junit': {
      const esc = line.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
      const xml = text.replace(/^(<\?xml[^\n]*\?>\n)/, `$1<!-- ${line.replaceAll('--', '- -')} -->\n`);
      // A <properties> block is the first child of a <testsuite> in the JUnit schema.
      return xml.replace(
        /^( *)(<testsuite [^\n]*>\n)/m,
        `$1$2$1  <properties>\n$1    <property name="meshsim.simulated-misconfiguration" value="${esc}"/>\n$1  </properties>\n`,
      );
    }
    default:
      return `# ${line}\n${text}`;
  }
}
