import { type Command, Option } from 'commander';
import { analyzeMesh } from '../../config/analysis/index.js';
import { type Diagnostic, formatDiagnostic, sortDiagnostics } from '../../config/diagnostics.js';
import { loadManifestPaths } from '../../config/fs-loader.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../main.js';

/** Codes that are I/O or usage problems rather than findings in the manifests (exit 2). */
const IO_CODES = new Set(['MSIM0007']);

/**
 * `meshsim validate <paths...>`: Istio's webhook validation per resource plus `istioctl analyze`-style
 * cross-resource analysis. Exit 0 without errors, 1 with errors (or warnings with --strict), 2 for
 * usage or I/O problems (docs/config.md).
 */
export function registerValidate(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('validate')
    .description(
      'Validate and analyze Kubernetes and Istio manifests (files, directories, globs, - for stdin)',
    )
    .argument('<paths...>', 'manifest files, directories (recursive), globs, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--strict', 'exit 1 on warnings too', false)
    .action(async (paths: string[], opts: { format: 'text' | 'json'; strict: boolean }) => {
      const loaded = await loadManifestPaths(paths, io.stdin ? { readStdin: io.stdin } : {});
      const diagnostics = sortDiagnostics([...loaded.diagnostics, ...analyzeMesh(loaded.config)]);
      if (opts.format === 'json') io.stdout(`${JSON.stringify(diagnostics.map(toJson), null, 2)}\n`);
      else {
        for (const d of diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
        io.stderr(`${summary(diagnostics, loaded.files.length, loaded.config)}\n`);
      }
      result.code = exitCode(diagnostics, opts.strict);
    });
}

export function exitCode(ds: readonly Diagnostic[], strict: boolean): number {
  if (ds.some((d) => IO_CODES.has(d.code))) return EXIT.USAGE;
  if (ds.some((d) => d.severity === 'error')) return EXIT.FINDINGS;
  if (strict && ds.some((d) => d.severity === 'warning')) return EXIT.FINDINGS;
  return EXIT.OK;
}

function toJson(d: Diagnostic) {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    kind: d.kind ?? null,
    namespace: d.namespace ?? null,
    name: d.name ?? null,
    path: d.path ?? null,
  };
}

function summary(
  ds: readonly Diagnostic[],
  files: number,
  config: {
    services: readonly unknown[];
    workloads: readonly unknown[];
    virtualServices: readonly unknown[];
    destinationRules: readonly unknown[];
  },
): string {
  const n = (sev: Diagnostic['severity']) => ds.filter((d) => d.severity === sev).length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const resources =
    config.services.length +
    config.workloads.length +
    config.virtualServices.length +
    config.destinationRules.length;
  return `${plural(files, 'file')}, ${plural(resources, 'resource')} loaded: ${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${plural(n('info'), 'info')}`;
}
