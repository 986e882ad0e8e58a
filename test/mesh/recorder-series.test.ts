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
});
