import { readFile, stat } from 'node:fs/promises';
import type { IstioProfile } from '../../config/istio-version.js';
import { istioVersionFlag, istioVersionOption } from '../istio-version-flag.js';
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { type Diagnostic, formatDiagnostic, hasErrors } from '../../config/diagnostics.js';
import { loadManifestPaths } from '../../config/fs-loader.js';
import { loadScenarioFile, looksLikeScenario } from '../../config/scenario/fs-load.js';
import { parseScenario } from '../../config/scenario/index.js';
import type { MeshConfig } from '../../config/types.js';
import { parseYamlDocuments } from '../../config/yaml-source.js';
import type { World } from '../../mesh/world.js';
import { describeModel } from '../../report/describe-model.js';
import { type DescribeTarget, describeText, findTarget } from '../../report/describe.js';
import {
  clusterSpecsFor,
  clusterTable,
  endpointTable,
  envoyCluster,
  envoyEndpoints,
  envoyRouteConfigs,
  podClusters,
  routePorts,
  routeTable,
} from '../../report/proxy-config.js';
import { buildRun, type LoadedScenario } from '../../run/index.js';
import { EXIT, EXIT_HELP } from '../exit-codes.js';
import { printDiagnostics } from '../findings.js';
import type { CliIo } from '../main.js';
import { writeOut } from '../study-io.js';

interface DescribeFlags {
  output: 'text' | 'yaml' | 'json';
  format?: 'text' | 'yaml' | 'json';
  proxyConfig?: 'cluster' | 'route' | 'endpoint';
  out?: string;
  istioVersion?: string;
}

/**
 * `meshsim describe <scenario|manifests> <service|pod>`: what `istioctl x describe` and `istioctl
 * proxy-config cluster|route|endpoint` would say, from the manifests alone (nothing is simulated): the
 * world is built as `run` builds it, so pod names, clusters and routes are the run's.
 */
export function registerDescribe(program: Command, io: CliIo, result: { code: number }): void {
  program
    .command('describe')
    .description(
      'Show which VirtualService and DestinationRule apply to a service or pod and the effective Envoy config (like istioctl x describe and istioctl proxy-config)',
    )
    .argument('<input>', 'a scenario file, or manifest files/directories (as for validate)')
    .argument('<target>', 'a Service or pod: name, name.namespace, svc/name or pod/name')
    .addOption(
      new Option('-o, --output <format>', "output format, as istioctl's -o")
        .choices(['text', 'yaml', 'json'])
        .default('text'),
    )
    .addOption(new Option('-f, --format <format>', 'the same as -o').choices(['text', 'yaml', 'json']))
    .addOption(
      new Option(
        '--proxy-config <kind>',
        "the pod's (or the service's) Envoy config, as istioctl proxy-config",
      ).choices(['cluster', 'route', 'endpoint']),
    )
    .option('--out <file>', 'write to a file instead of stdout')
    .addOption(istioVersionOption())
    .addHelpText(
      'after',
      `\n${EXIT_HELP} For describe: 1 when the inputs have errors or the target does not exist.\n` +
        'Example: meshsim describe models/canary/canary.scenario.yaml product-service\n' +
        '         meshsim describe models/canary/canary.scenario.yaml frontend-0 --proxy-config cluster -o json',
    )
    .action(async (input: string, target: string, flags: DescribeFlags) => {
      result.code = await describeCommand(io, input, target, {
        ...flags,
        output: flags.format ?? flags.output,
      });
    });
}

async function describeCommand(
  io: CliIo,
  input: string,
  target: string,
  flags: DescribeFlags,
): Promise<number> {
  const loaded = await loadInput(io, input, istioVersionFlag(flags.istioVersion));
  if (loaded === undefined) return EXIT.FINDINGS;
  const { world } = buildRun(loaded);
  const config = loaded.config;
  const t = findTarget(world, config, target);
  if ('unknown' in t) {
    const hint = t.closeNames.length > 0 ? `; close names: ${t.closeNames.join(', ')}` : '';
    const d: Diagnostic = {
      severity: 'error',
      code: 'MSIM3090',
      message: `no service or pod "${t.unknown}" in these manifests${hint}`,
      file: input,
      line: 0,
      column: 0,
    };
    io.stderr(`${formatDiagnostic(d)}\n`);
    return EXIT.FINDINGS;
  }
  const text =
    flags.proxyConfig !== undefined
      ? proxyConfig(io, world, config, t, flags.proxyConfig, flags.output)
      : flags.output === 'text'
        ? describeText(world, config, t)
        : structured(describeModel(world, config, t), flags.output);
  await writeOut(io, flags.out, text);
  return EXIT.OK;
}

function structured(v: unknown, output: 'yaml' | 'json' | 'text'): string {
  return output === 'yaml' ? stringify(v, { lineWidth: 0 }) : `${JSON.stringify(v, null, 2)}\n`;
}

/** A pod's own config; a service's clusters and routes as seen from its first client (else its first pod). */
function proxyConfig(
  io: CliIo,
  world: World,
  config: MeshConfig,
  t: DescribeTarget,
  kind: 'cluster' | 'route' | 'endpoint',
  output: DescribeFlags['output'],
): string {
  const fqdn = t.kind === 'service' ? t.service.fqdn : undefined;
  const pod = t.kind === 'pod' ? t.pod : (world.generators[0]?.pod ?? t.pods[0] ?? world.pods[0]);
  if (pod === undefined) return output === 'text' ? '' : structured([], output);
  if (t.kind === 'service')
    io.stderr(`meshsim: the config of ${t.service.fqdn} as the sidecar of pod ${pod.name} has it\n`);
  // A waypoint pod names the clusters of the Services it serves `inbound-vip|...` (mesh/waypoint-clusters.ts).
  const outbound = clusterSpecsFor(world, config, fqdn);
  const specs = world.ambient.clusterSpecsAt(pod, outbound);
  if (kind === 'cluster')
    return output === 'text' ? clusterTable(config, specs) : structured(specs.map(envoyCluster), output);
  if (kind === 'endpoint') {
    // The proxy's clusters are keyed by the names its routes use (outbound|...).
    const clusters = podClusters(world, pod, outbound);
    return output === 'text' ? endpointTable(clusters) : structured(envoyEndpoints(clusters), output);
  }
  const tables = routePorts(config).map((port) => ({
    port,
    table: world.controlPlane.routeTable(pod, port),
  }));
  return output === 'text' ? routeTable(tables, fqdn) : structured(envoyRouteConfigs(tables, fqdn), output);
}

/**
 * A scenario file (with its manifests), or manifests alone: then a scenario of defaults (one zone, no
 * traffic) places the pods. Analysis findings are shown but do not stop a describe: a misconfigured mesh
 * is what one wants to look at.
 */
async function loadInput(
  io: CliIo,
  input: string,
  istio: IstioProfile | undefined,
): Promise<LoadedScenario | undefined> {
  const s = await stat(input).catch(() => undefined);
  const text = s?.isFile() ? await readFile(input, 'utf8').catch(() => '') : '';
  if (looksLikeScenario(text)) {
    const load = await loadScenarioFile(input, { analysis: 'simulate', ...(istio ? { istio } : {}) });
    printDiagnostics(
      io,
      load.diagnostics.filter((d) => d.severity === 'error'),
    );
    return load.loaded;
  }
  const m = await loadManifestPaths([input], istio ? { istio } : {});
  const errors = m.diagnostics.filter((d) => d.severity === 'error');
  printDiagnostics(io, errors);
  if (hasErrors(errors)) return undefined;
  const svc = m.config.services[0];
  const doc = parseYamlDocuments(
    [
      'apiVersion: meshsim.dev/v1alpha1',
      'kind: Scenario',
      'metadata: {name: describe}',
      'spec:',
      '  duration: 1s',
      `  traffic: [{name: describe, rate: 1/s, requests: [{url: "http://${svc?.meta.name ?? 'localhost'}/"}]}]`,
    ].join('\n'),
    '<describe>',
  ).documents[0]!;
  const parsed = parseScenario(doc);
  if (parsed.scenario === undefined) {
    printDiagnostics(io, parsed.diagnostics);
    return undefined;
  }
  // Manifests alone have no clients: the placeholder client is dropped before the world is built.
  return { scenario: { ...parsed.scenario, traffic: [] }, config: m.config };
}
