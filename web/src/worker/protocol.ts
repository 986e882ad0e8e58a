import type { Diagnostic, Result } from '../../../src/index.js';
import type { ModelSize } from '../model/limits.js';
import type { TrafficRecord } from './graph-data.js';
import type { PanelTimeline } from './series-panels.js';

/** The worker's message protocol (plain postMessage, typed on both sides). */
export interface SourceFile {
  file: string;
  text: string;
}

export interface ModelInput {
  scenario: SourceFile;
  manifests: SourceFile[];
  seed?: number;
  /** Run despite analysis errors (the CLI's --simulate-misconfig); the Result then says so. */
  simulateMisconfig?: boolean;
}

export type WorkerRequest =
  | { type: 'check'; id: number; input: ModelInput }
  | { type: 'run'; id: number; input: ModelInput }
  | { type: 'cancel'; id: number };

export type WorkerResponse =
  | { type: 'checked'; id: number; diagnostics: Diagnostic[]; size?: ModelSize; refused?: string }
  | { type: 'progress'; id: number; fraction: number }
  | {
      type: 'done';
      id: number;
      run: RunOutput;
      /** Wall-clock figures outside the simulation (not part of the output): read by bench:web. */
      costs: WorkerCosts;
    }
  | { type: 'cancelled'; id: number }
  | { type: 'refused'; id: number; diagnostics: Diagnostic[]; message: string }
  | { type: 'failed'; id: number; message: string };

/** Where a run's wall-clock time went in the worker besides the simulation (performance.now). */
export interface WorkerCosts {
  /** checkModel (parse, validate, analyze), or the reuse of the last one's model. */
  checkMs: number;
  /** The loaded model came from the last check of the same texts and options. */
  reused: boolean;
  /** performance.timeOrigin + now() just before postMessage: the page's clock minus it is the hand-over. */
  sentAt: number;
}

/** Pod state per interval, one character each (see POD_STATE). */
export const POD_STATE = {
  running: 'R',
  starting: 'S',
  crashed: 'C',
  gone: 'G',
  /** Running but taken out of endpoints (not ready, or removeEndpoints). */
  unready: 'U',
} as const;

export interface PodTrack {
  name: string;
  /** `namespace/name` of its workload or load generator. */
  owner: string;
  /** One POD_STATE character per interval (state at the interval's end). */
  states: string;
}

/** What the web app adds to a Result: Envoy stats scraped every interval, pods and edges over time. */
export interface Timeline {
  intervalMs: number;
  intervals: number;
  /** Per interval, summed over every client sidecar's clusters (counters: increase in the interval). */
  retries: number[];
  pendingOverflow: number[];
  retryOverflow: number[];
  /** Gauges at the interval's end. */
  pendingActive: number[];
  rqActive: number[];
  pods: PodTrack[];
  /** The graph's traffic records (graph-data.ts), in graph bins of graphBinning(intervalMs, intervals). */
  edges: TrafficRecord[];
  /** The dashboard panels' series: requests by source, service, code and flags; app queues per workload. */
  panels: PanelTimeline;
}

export interface RunOutput {
  result: Result;
  timeline: Timeline;
  /** Wall-clock milliseconds the worker spent simulating (not part of the deterministic output). */
  wallMs: number;
  size: ModelSize;
}
