import { Option } from 'commander';
import { formatDiagnostic } from '../config/diagnostics.js';
import type { RequestCompleteEvent } from '../envoy/index.js';
import { accessLogLine } from '../report/access-log.js';
import { clustersChunks, sidecarStatsChunks } from '../report/envoy-admin.js';
import { type HeaderFormat, type ReportFormat, render } from '../report/index.js';
import { openMetricsChunks } from '../report/openmetrics.js';
import { AccessLogCollector, type AccessLogCondition, parseAccessLogFilter } from '../run/access-log.js';
import { evaluateGates, type Assertion, type LoadedScenario } from '../run/index.js';
import { runWithViews } from '../run/views-run.js';
import { BufferedFileWriter, writeChunks } from './chunked-output.js';
import { EXIT, UsageError } from './exit-codes.js';
import { decorate, type Findings } from './findings.js';
import type { CliIo } from './main.js';
import { reportGates, writeOut } from './study-io.js';

/** Formats only a single run with views can print (they need the world, not just the Result). */
export const VIEW_FORMATS = ['openmetrics', 'envoy-clusters'] as const;
type ViewFormat = (typeof VIEW_FORMATS)[number];

export interface ViewFlags {
  format: string;
  out?: string;
  verbose?: boolean;
  junit?: string;
  pod?: string;
  accessLog?: string;
  accessLogFilter?: string;
  accessLogSample?: string;
}

export interface ViewRequest {
  /** A view format, or undefined for a Result format (text, json, envoy-stats, prometheus). */
  format: ViewFormat | undefined;
  pod: string | undefined;
  accessLog: { file: string; conditions: AccessLogCondition[]; sample: number } | undefined;
}

export function viewOptions(): Option[] {
  return [
    new Option(
      '--pod <name>',
      "one sidecar's views: -f envoy-stats prints its /stats, -f envoy-clusters its /clusters, --access-log only its log",
    ),
    new Option(
      '--access-log <file>',
      "write the client sidecars' access log (Istio's default TEXT format) to a file",
    ),
    new Option(
      '--access-log-filter <expr>',
      "keep only matching requests: code>=500, duration>1s, flags==UO, joined with ','",
    ),
    new Option('--access-log-sample <share>', 'keep this share (0..1] of the matching requests'),
  ];
}

/** The views a `run` asks for, or undefined when it asks for none (the plain run path). */
export function viewRequest(flags: ViewFlags): ViewRequest | undefined {
  const format = (VIEW_FORMATS as readonly string[]).includes(flags.format)
    ? (flags.format as ViewFormat)
    : undefined;
  if (
    (flags.accessLogFilter !== undefined || flags.accessLogSample !== undefined) &&
    flags.accessLog === undefined
  )
    throw new UsageError('--access-log-filter and --access-log-sample need --access-log <file>');
  let accessLog: ViewRequest['accessLog'];
  if (flags.accessLog !== undefined) {
    const parsed =
      flags.accessLogFilter === undefined ? { conditions: [] } : parseAccessLogFilter(flags.accessLogFilter);
    if ('error' in parsed) throw new UsageError(`--access-log-filter: ${parsed.error}`);
    const sample = flags.accessLogSample === undefined ? 1 : Number(flags.accessLogSample);
    if (!(sample > 0 && sample <= 1))
      throw new UsageError(`--access-log-sample must be a share in (0, 1], got "${flags.accessLogSample}"`);
    accessLog = { file: flags.accessLog, conditions: parsed.conditions, sample };
  }
  if (
    flags.pod !== undefined &&
    format === undefined &&
    flags.format !== 'envoy-stats' &&
    accessLog === undefined
  )
    throw new UsageError('--pod selects a sidecar for -f envoy-stats, -f envoy-clusters or --access-log');
  if (format === undefined && flags.pod === undefined && accessLog === undefined) return undefined;
  return { format, pod: flags.pod, accessLog };
}

/** A single run with views: the report in the asked format, the access log to its file, the gates. */
export async function runViews(
  io: CliIo,
  scenarioPath: string,
  loaded: LoadedScenario,
  v: ViewRequest,
  findings: Findings,
  o: {
    flags: ViewFlags;
    gates: Assertion[];
    gateReport: NonNullable<Parameters<typeof reportGates>[4]>;
    onProgress: (f: number) => void;
    seed?: number;
    durationMs?: number;
  },
): Promise<number> {
  const log = v.accessLog;
  // Written while the run goes, through a bounded buffer: a long run logs millions of requests (issue #14).
  const logFile = log ? new BufferedFileWriter(log.file) : undefined; // its path checked by runCommand
  const sidecarFormat =
    v.format === 'envoy-clusters' || (v.pod !== undefined && o.flags.format === 'envoy-stats');
  const ran = runWithViews(
    loaded,
    {
      onProgress: o.onProgress,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.durationMs !== undefined ? { durationMs: o.durationMs } : {}),
    },
    {
      ...(v.pod !== undefined ? { pod: v.pod } : {}),
      sidecars: sidecarFormat,
      istioHistory: v.format === 'openmetrics',
      ...(log
        ? {
            observers: (world) => [
              new AccessLogCollector(
                {
                  pods: v.pod === undefined ? null : new Set([v.pod]),
                  conditions: log.conditions,
                  sample: log.sample,
                  rng: world.streams.stream('access-log'),
                },
                (e: RequestCompleteEvent) => logFile!.write(`${accessLogLine(e, v.pod === undefined)}\n`),
              ),
            ],
          }
        : {}),
    },
  );
  if (ran.kind === 'unknown-pod') {
    const hint = ran.closeNames.length > 0 ? `; close names: ${ran.closeNames.join(', ')}` : '';
    io.stderr(
      `${formatDiagnostic({
        severity: 'error',
        code: 'MSIM3091',
        message: `--pod ${ran.name}: no such pod in this run${hint}`,
        file: scenarioPath,
        line: 0,
        column: 0,
      })}\n`,
    );
    return EXIT.FINDINGS;
  }
  const r = ran.observation.result;
  r.diagnostics = findings.json;
  if (findings.simulated) r.simulatedMisconfiguration = findings.simulated;
  const decorated = (text: string, header: HeaderFormat): string =>
    decorate(io, text, header, findings, {
      verbose: o.flags.verbose === true,
      toFile: o.flags.out !== undefined,
    });
  if (sidecarFormat) {
    // Every sidecar's views of a large mesh are far more than one string holds: one sidecar at a time.
    const several = ran.sidecars!.count > 1;
    const chunks =
      v.format === 'envoy-clusters'
        ? clustersChunks(ran.sidecars!, several)
        : sidecarStatsChunks(ran.sidecars!, several);
    await writeChunks(io, o.flags.out, decorated('', 'envoy-stats'), chunks);
  } else if (v.format === 'openmetrics') {
    // OpenMetrics allows no free comments: the misconfiguration warning goes to stderr only.
    // A long run of a large mesh scrapes gigabytes of samples: one series at a time, as the sidecars.
    const chunks = openMetricsChunks(ran.istioHistory!.series(), ran.cfsHistory?.series());
    await writeChunks(io, o.flags.out, decorated('', 'json'), chunks);
  } else {
    const text = render(r, o.flags.format as ReportFormat);
    await writeOut(io, o.flags.out, decorated(text, o.flags.format as HeaderFormat));
  }
  logFile?.close();
  return reportGates(io, r.scenario, evaluateGates(ran.observation, o.gates), o.flags.junit, o.gateReport);
}
