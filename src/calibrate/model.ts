import type { Diagnostic } from '../config/diagnostics.js';
import { downstreamSample } from './convolution.js';
import { type Fit, fitHistogram } from './fit.js';
import type { BucketCdf } from './histogram.js';
import { EdgeLatencies, histogramsBy } from './latencies.js';
import { appAnswered, dst, isUnknown, nonEmpty, POD_LABELS, src, svc, UNKNOWN } from './metric-labels.js';
import type { Rated, RatedSeries } from './rates.js';
import { diagnostic } from './series.js';

export type Reporter = 'destination' | 'source';

export interface CalibratedService {
  namespace: string;
  name: string;
  /** Destination workload key -> requests/s it received through this service. */
  workloads: Map<string, number>;
}

export interface CalibratedCall {
  service: string;
  probability: number;
  ratePerS: number;
  meanMs: number;
  /** The call's latency as the caller's sidecar saw it, when its buckets are in the inputs. */
  histogram?: BucketCdf;
}

export interface CalibratedWorkload {
  key: string;
  namespace: string;
  name: string;
  app: string;
  version: string;
  replicas: number;
  inboundPerS: number;
  /** Requests/s the app itself answered (response_flags "-"), the denominator of its error mix. */
  answeredPerS: number;
  errors: { status: number; rate: number }[];
  /** Requests/s answered by a proxy instead of the app (UO, UF, NR ...): reported, not modelled as app errors. */
  proxyAnsweredPerS: number;
  calls: CalibratedCall[];
  /** Mean time in downstream calls subtracted before the fit (ms). */
  downstreamMs: number;
  histogram?: BucketCdf;
  fit?: Fit;
}

export interface CalibratedGenerator {
  namespace: string;
  name: string;
  ratePerS: number;
  requests: { service: string; ratePerS: number }[];
}

export interface CalibratedEdge {
  source: string;
  service: string;
  destination: string;
  ratePerS: number;
}

export interface CalibratedModel {
  reporter: Reporter;
  windowS: number | undefined;
  services: Map<string, CalibratedService>;
  workloads: Map<string, CalibratedWorkload>;
  generators: CalibratedGenerator[];
  edges: CalibratedEdge[];
  diagnostics: Diagnostic[];
}

/**
 * The mesh the metrics describe. Series of the preferred reporter are used: reporter="destination" by
 * default because the server's sidecar measures the server's own time (no client-side network or
 * queueing in the client's pool) and sees every attempt that reached it; reporter="source" is the
 * fallback for workloads whose servers are outside the mesh (istio.io "Istio Standard Metrics":
 * `reporter` is the proxy that reported the request).
 */
export function buildModel(rated: Rated, preferred: Reporter): CalibratedModel {
  const diagnostics: Diagnostic[] = [];
  const requests = rated.series.filter((s) => s.metric === 'requests');
  let reporter = preferred;
  const other: Reporter = preferred === 'destination' ? 'source' : 'destination';
  const of = (r: Reporter, ss: RatedSeries[]) => ss.filter((s) => (s.labels.reporter ?? 'destination') === r);
  if (of(preferred, requests).length === 0 && of(other, requests).length > 0) {
    reporter = other;
    diagnostics.push(
      diagnostic(
        'MSIM3189',
        'warning',
        '<inputs>',
        `no reporter="${preferred}" series: reporter="${other}" is used`,
      ),
    );
  }
  const reqs = of(reporter, requests);
  if (reqs.length === 0)
    diagnostics.push(
      diagnostic('MSIM3186', 'error', '<inputs>', 'no istio_requests_total series in the inputs'),
    );

  const services = new Map<string, CalibratedService>();
  const workloads = new Map<string, CalibratedWorkload>();
  const edgeRates = new Map<string, CalibratedEdge>();
  const pods = new Map<string, Set<string>>();
  for (const s of reqs) {
    const d = dst(s.labels);
    const sv = svc(s.labels);
    if (isUnknown(d) || isUnknown(sv)) continue;
    let w = workloads.get(d);
    if (w === undefined) {
      const [namespace, name] = d.split('/') as [string, string];
      w = {
        key: d,
        namespace,
        name,
        app: nonEmpty(s.labels.destination_app) ?? nonEmpty(s.labels.destination_canonical_service) ?? name,
        version:
          nonEmpty(s.labels.destination_version) ??
          nonEmpty(s.labels.destination_canonical_revision) ??
          UNKNOWN,
        replicas: 1,
        inboundPerS: 0,
        answeredPerS: 0,
        errors: [],
        proxyAnsweredPerS: 0,
        calls: [],
        downstreamMs: 0,
      };
      workloads.set(d, w);
    }
    w.inboundPerS += s.ratePerS;
    if (appAnswered(s.labels)) {
      w.answeredPerS += s.ratePerS;
      const code = Number(s.labels.response_code);
      if (code >= 500 && code <= 599) addError(w.errors, code, s.ratePerS);
    } else w.proxyAnsweredPerS += s.ratePerS;
    for (const p of POD_LABELS)
      if (s.labels[p]) {
        if (!pods.has(d)) pods.set(d, new Set());
        pods.get(d)!.add(s.labels[p]!);
      }
    let service = services.get(sv);
    if (service === undefined) {
      const [namespace, name] = sv.split('/') as [string, string];
      services.set(sv, (service = { namespace, name, workloads: new Map() }));
    }
    service.workloads.set(d, (service.workloads.get(d) ?? 0) + s.ratePerS);
    const ek = `${src(s.labels)}\u0000${sv}\u0000${d}`;
    const e = edgeRates.get(ek);
    if (e) e.ratePerS += s.ratePerS;
    else edgeRates.set(ek, { source: src(s.labels), service: sv, destination: d, ratePerS: s.ratePerS });
  }
  // NOTE: simplification: replicas are 1 unless the scrape added a pod label (Istio's metrics have none).
  for (const [k, set] of pods) workloads.get(k)!.replicas = set.size;
  for (const w of workloads.values()) {
    w.errors = w.errors
      .map((e) => ({ status: e.status, rate: w.answeredPerS > 0 ? e.rate / w.answeredPerS : 0 }))
      .sort((a, b) => a.status - b.status);
  }
  const edges = [...edgeRates.values()].sort((a, b) =>
    cmp(`${a.source} ${a.service} ${a.destination}`, `${b.source} ${b.service} ${b.destination}`),
  );

  // Calls: per caller and service, the requests per request the caller received.
  const generators = new Map<string, CalibratedGenerator>();
  const callRates = new Map<string, Map<string, number>>();
  for (const e of edges) {
    if (isUnknown(e.source)) continue;
    if (workloads.has(e.source)) {
      const m = callRates.get(e.source) ?? new Map<string, number>();
      callRates.set(e.source, m);
      m.set(e.service, (m.get(e.service) ?? 0) + e.ratePerS);
    } else {
      // A source no one calls: traffic from outside the model, a load generator.
      const [namespace, name] = e.source.split('/') as [string, string];
      const g = generators.get(e.source) ?? { namespace, name, ratePerS: 0, requests: [] };
      generators.set(e.source, g);
      g.ratePerS += e.ratePerS;
      const r = g.requests.find((x) => x.service === e.service);
      if (r) r.ratePerS += e.ratePerS;
      else g.requests.push({ service: e.service, ratePerS: e.ratePerS });
    }
  }
  const histograms = histogramsBy(rated.series, reporter);
  const edgeLatencies = new EdgeLatencies(rated.series);
  for (const w of [...workloads.values()].sort((a, b) => cmp(a.key, b.key))) {
    for (const [service, ratePerS] of [...(callRates.get(w.key) ?? new Map<string, number>())].sort((a, b) =>
      cmp(a[0], b[0]),
    )) {
      // Per request the app handled: a request its sidecar refused (UO ...) never reached the app's calls.
      const handled = w.answeredPerS > 0 ? w.answeredPerS : w.inboundPerS;
      if (handled <= 0) continue;
      const edge = edgeLatencies.of(w.key, service, reporter);
      w.calls.push({ service, probability: ratePerS / handled, ratePerS, ...edge });
    }
    w.downstreamMs = w.calls.reduce((a, c) => a + c.probability * c.meanMs, 0);
    const h = histograms.get(w.key);
    if (h === undefined) {
      diagnostics.push(
        diagnostic(
          'MSIM3187',
          'warning',
          '<inputs>',
          `no istio_request_duration_milliseconds buckets for ${w.key}: its latency keeps the scenario default`,
        ),
      );
      continue;
    }
    w.histogram = h.cdf;
    w.fit = fitHistogram(
      h.cdf,
      w.downstreamMs,
      h.meanMs,
      w.calls.length > 0 ? downstreamSample(w.calls) : [],
    );
  }
  return {
    reporter,
    windowS: rated.windowS,
    services,
    workloads,
    generators: [...generators.values()].sort((a, b) =>
      cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`),
    ),
    edges,
    diagnostics,
  };
}

function addError(errors: { status: number; rate: number }[], status: number, rate: number): void {
  const e = errors.find((x) => x.status === status);
  if (e) e.rate += rate;
  else errors.push({ status, rate });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
