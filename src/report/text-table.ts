/** Small text helpers shared by the text report's sections. */

export function fmtSecs(msv: number): string {
  return `${+(msv / 1000).toFixed(3)}s`;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

export function codes(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
}

/** Left-aligned columns, two spaces apart, no trailing blanks. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
