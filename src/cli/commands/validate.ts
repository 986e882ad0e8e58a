import { readFile } from 'node:fs/promises';
import { describeIstioProfile, type IstioProfile, istioOf } from '../../config/istio-version.js';
import { istioVersionFlag, istioVersionOption } from '../istio-version-flag.js';
import { type Command, Option } from 'commander';
import { analyzeMesh } from '../../config/analysis/index.js';
import { toJsonDiagnostic } from '../../config/analysis/json.js';
import { type Diagnostic, formatDiagnostic, sortDiagnostics } from '../../config/diagnostics.js';
import { loadManifestPaths } from '../../config/fs-loader.js';
import { loadScenarioFile, looksLikeScenario } from '../../config/scenario/fs-load.js';
import type { MeshConfig } from '../../config/types.js';
import { EXIT, EXIT_HELP } from '../exit-codes.js';
import { dedupe } from '../findings.js';
import type { CliIo } from '../main.js';
import { writeOut } from '../study-io.js';

/** Codes that are I/O or usage problems rather than findings in the manifests (exit 2). */
const IO_CODES = new Set(['MSIM0007']);

interface ValidateFlags {
  format: 'text' | 'json';
  out?: string;
  strict: boolean;
  istioVersion?: string;
}

/**
 * `meshsim validate <paths...>`: Istio's webhook validation per resource plus `istioctl analyze`-style
 * cross-resource analysis. A scenario file among the paths (given, or found in a directory) is checked
 * as `meshsim run` checks it: with the manifests its `spec.manifests` name, as its own mesh. The other
 * files form one mesh together. Exit 0 without errors, 1 with errors (or warnings with --strict), 2 for
 * usage or I/O problems (docs/config.md).
 */
export function registerValidate(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('validate')
    .description(
      'Validate and analyze Kubernetes and Istio manifests (files, directories, globs, - for stdin); a scenario file is checked with the manifests it names',
    )
    .argument('<paths...>', 'manifest or scenario files, directories (recursive), globs, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --out <file>', 'write the diagnostics to a file instead of stdout')
    .option('--strict', 'exit 1 on warnings too', false)
    .addOption(istioVersionOption())
    .addHelpText(
      'after',
      `\n${EXIT_HELP} For validate: 1 with errors (or warnings with --strict), never 3.\n` +
        'Example: meshsim validate models/canary          # the scenario and every manifest it names\n' +
        '         meshsim validate k8s/ --format json --out findings.json',
    )
    .action(async (paths: string[], opts: ValidateFlags) => {
      const istio = istioVersionFlag(opts.istioVersion);
      const v = await validatePaths(paths, io, istio);
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(v.diagnostics.map(toJsonDiagnostic), null, 2)}\n`
          : v.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
      await writeOut(io, opts.out, text);
      if (opts.format === 'text') io.stderr(`${v.assuming}\n${v.summary}\n`);
      result.code = exitCode(v.diagnostics, opts.strict);
    });
}

/** Every path's findings: scenarios with their manifests, the other files as one mesh. */
export async function validatePaths(
  paths: string[],
  io: CliIo,
  istio?: IstioProfile,
): Promise<{ diagnostics: Diagnostic[]; summary: string; assuming: string }> {
  const withIstio = istio ? { istio } : {};
  const loaded = await loadManifestPaths(paths, {
    ...(io.stdin ? { readStdin: io.stdin } : {}),
    ...withIstio,
  });
  const scenarios: string[] = [];
  for (const f of loaded.files) {
    if (f === '<stdin>') continue;
    const text = await readFile(f, 'utf8').catch(() => '');
    if (looksLikeScenario(text)) scenarios.push(f);
  }
  if (scenarios.length === 0) {
    const diagnostics = sortDiagnostics([...loaded.diagnostics, ...analyzeMesh(loaded.config)]);
    return {
      diagnostics,
      summary: summary(diagnostics, loaded.files, [loaded.config], 0),
      assuming: assuming([loaded.config]),
    };
  }
  const found: Diagnostic[] = [];
  const covered = new Set<string>();
  const configs: MeshConfig[] = [];
  for (const s of scenarios) {
    // 'simulate': the load reports every analysis finding (validate reports, it does not run).
    const r = await loadScenarioFile(s, { analysis: 'simulate', ...withIstio });
    found.push(...r.diagnostics);
    for (const f of r.files) covered.add(f);
    if (r.config) configs.push(r.config);
  }
  // Unreadable given paths, and files no scenario names, checked together as before.
  found.push(...loaded.diagnostics.filter((d) => IO_CODES.has(d.code)));
  const rest = loaded.files.filter((f) => !covered.has(f));
  if (rest.length > 0) {
    const others = await loadManifestPaths(rest, withIstio);
    found.push(...others.diagnostics, ...analyzeMesh(others.config));
    configs.push(others.config);
  }
  const diagnostics = orderFindings(dedupe(found));
  const files = [...new Set([...loaded.files, ...covered])];
  return {
    diagnostics,
    summary: summary(diagnostics, files, configs, scenarios.length),
    assuming: assuming(configs),
  };
}

/** "assuming Istio 1.31 (Envoy 1.39)": the versions the checks used (several when scenarios differ). */
function assuming(configs: readonly MeshConfig[]): string {
  const seen = [...new Set(configs.map((c) => describeIstioProfile(istioOf(c))))];
  return `assuming ${seen.length > 0 ? seen.join(', ') : describeIstioProfile(istioOf({}))}`;
}

/** Unreadable paths first (the real cause), then file:line:col order. */
function orderFindings(ds: Diagnostic[]): Diagnostic[] {
  const io = ds.filter((d) => IO_CODES.has(d.code));
  return [...io, ...sortDiagnostics(ds.filter((d) => !IO_CODES.has(d.code)))];
}

export function exitCode(ds: readonly Diagnostic[], strict: boolean): number {
  if (ds.some((d) => IO_CODES.has(d.code))) return EXIT.USAGE;
  if (ds.some((d) => d.severity === 'error')) return EXIT.FINDINGS;
  if (strict && ds.some((d) => d.severity === 'warning')) return EXIT.FINDINGS;
  return EXIT.OK;
}

function summary(
  ds: readonly Diagnostic[],
  files: readonly string[],
  configs: readonly MeshConfig[],
  scenarios: number,
): string {
  const n = (sev: Diagnostic['severity']) => ds.filter((d) => d.severity === sev).length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  // A resource loaded by several scenarios (a shared manifest) counts once.
  const resources = new Set<string>();
  for (const c of configs)
    for (const r of [
      ...c.services,
      ...c.workloads,
      ...c.virtualServices,
      ...c.destinationRules,
      ...(c.serviceEntries ?? []),
      ...(c.sidecars ?? []),
    ])
      resources.add(`${r.meta.source.file}:${r.meta.source.line}:${r.meta.source.column}`);
  const via =
    scenarios > 0
      ? ` (${plural(scenarios, 'scenario')} and the manifests ${scenarios === 1 ? 'it names' : 'they name'})`
      : '';
  return `${plural(files.length, 'file')}${via}, ${plural(resources.size, 'resource')} loaded: ${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${plural(n('info'), 'info')}`;
}
