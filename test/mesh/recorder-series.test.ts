import { describe, expect, it } from 'vitest';
import { formatResponseFlags, type HttpRequest, type RequestCompleteEvent } from '../../src/envoy/index.js';
import { Recorder } from '../../src/mesh/recorder.js';

const request: HttpRequest = {
  method: 'GET',
  scheme: 'http',
  authority: 'svc:8080',
  path: '/',
  headers: new Map(),
  port: 8080,
};

function complete(upstreamPod: string, cluster: string, status: number, flags: number): RequestCompleteEvent {
  return {
    timeMs: 20,
    sidecar: 'client-0',
    startMs: 10,
    authority: 'svc:8080',
    status,
    flags,
    cluster,
    upstreamPod,
    attempts: 1,
    request,
    upstreamHost: null,
    route: null,
    clusterInfo: null,
    upstreamEndpoint: null,
  };
}

describe('Recorder: Istio series', () => {
  it('counts each (peer, host, code) in its own series whatever the order the requests come in', () => {
    const rec = new Recorder(0, 1000);
    const owners: Record<string, string> = { 'client-0': 'client', 'a-0': 'a', 'a-1': 'a', 'b-0': 'b' };
    rec.attach({
      podInfo: (name) =>
        owners[name] === undefined ? undefined : { owner: owners[name]!, namespace: 'ns', labels: {} },
      serviceOf: (_pod, host) => host,
    });
    const x = 'outbound|8080||x.ns.svc.cluster.local';
    const y = 'outbound|8080||y.ns.svc.cluster.local';
    // Same peer workload (a), alternating codes and hosts, then another peer (b): each series keeps its own count.
    const events: [string, string, number, number][] = [
      ['a-0', x, 200, 0],
      ['a-1', x, 200, 0],
      ['a-0', x, 503, 0],
      ['a-0', x, 200, 0],
      ['a-1', y, 200, 0],
      ['a-0', x, 503, 0x10],
      ['b-0', x, 200, 0],
      ['a-0', x, 200, 0],
      ['a-1', y, 200, 0],
    ];
    for (const [pod, cluster, status, flags] of events)
      rec.onRequestComplete(complete(pod, cluster, status, flags));
    const got = [...rec.istio.values()].map(
      (s) =>
        `${s.labels.destination_workload} ${s.labels.destination_service} ${s.labels.response_code} ${s.labels.response_flags} ${s.count}`,
    );
    expect(got).toEqual([
      'a x.ns.svc.cluster.local 200 - 4',
      'a x.ns.svc.cluster.local 503 - 1',
      'a y.ns.svc.cluster.local 200 - 2',
      `a x.ns.svc.cluster.local 503 ${formatResponseFlags(0x10)} 1`,
      'b x.ns.svc.cluster.local 200 - 1',
    ]);
  });

  it('finds hops and series by the cluster and endpoint objects exactly as by their names', () => {
    const owners: Record<string, string> = {
      'client-0': 'client',
      'client-1': 'other',
      'a-0': 'a',
      'b-0': 'b',
    };
    const make = () => {
      const rec = new Recorder(0, 1000);
      rec.attach({
        podInfo: (name) =>
          owners[name] === undefined ? undefined : { owner: owners[name]!, namespace: 'ns', labels: {} },
        serviceOf: (_pod, host) => host,
      });
      return rec;
    };
    const x = 'outbound|8080||x.ns.svc.cluster.local';
    const y = 'outbound|8080|v2|y.ns.svc.cluster.local';
    // One cluster object per (sidecar, cluster), one endpoint object per pod; the last event hands
    // client-0's cluster object to client-1, which must not take client-0's hop.
    const clusterOf = new Map(
      [x, y].flatMap((c) => ['client-0', 'client-1'].map((p) => [`${p} ${c}`, { name: c }])),
    );
    const endpointOf = new Map(['a-0', 'b-0'].map((p) => [p, { podName: p }]));
    const events: [string, string, string, number, string][] = [
      ['client-0', 'a-0', x, 200, 'client-0'],
      ['client-1', 'a-0', x, 200, 'client-1'],
      ['client-0', 'b-0', y, 503, 'client-0'],
      ['client-0', 'a-0', x, 503, 'client-0'],
      ['client-1', 'b-0', y, 200, 'client-1'],
      ['client-1', 'a-0', x, 200, 'client-0'],
    ];
    const byName = make();
    const byObject = make();
    for (const [sidecar, pod, cluster, status, owner] of events) {
      const e = { ...complete(pod, cluster, status, 0), sidecar };
      byName.onRequestComplete(e);
      byObject.onRequestComplete({
        ...e,
        clusterInfo: clusterOf.get(`${owner} ${cluster}`) as unknown as RequestCompleteEvent['clusterInfo'],
        upstreamEndpoint: endpointOf.get(pod) as unknown as RequestCompleteEvent['upstreamEndpoint'],
      });
    }
    const view = (r: Recorder) => ({
      series: [...r.istio.values()].map((s) => [Object.values(s.labels).join(' '), s.count]),
      hops: [...r.hops.values()].map((h) => [h.source, h.service, h.subset, h.requests, [...h.byStatus]]),
    });
    expect(view(byObject)).toEqual(view(byName));
    const hopLine = (h: unknown[]) => `${h.slice(0, 4).join(' ')} ${JSON.stringify(h[4])}`;
    expect(view(byName).hops.map(hopLine)).toEqual([
      'client x.ns.svc.cluster.local (default) 2 [[200,1],[503,1]]',
      'other x.ns.svc.cluster.local (default) 2 [[200,2]]',
      'client y.ns.svc.cluster.local v2 1 [[503,1]]',
      'other y.ns.svc.cluster.local v2 1 [[200,1]]',
    ]);
    expect(view(byName).series.map(([, n]) => n)).toEqual([1, 2, 1, 1, 1]);
  });
});
