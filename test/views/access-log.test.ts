import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/index.js';
import { ResponseFlag, type RequestCompleteEvent } from '../../src/envoy/index.js';
import { accessLogLine } from '../../src/report/access-log.js';
import {
  AccessLogCollector,
  matchesAccessLogFilter,
  parseAccessLogFilter,
} from '../../src/run/access-log.js';
import { runWithViews } from '../../src/run/views-run.js';
import { cli } from '../support/cli.js';
import { binomialBand, loadModel } from '../support/run-model.js';

function event(over: Partial<RequestCompleteEvent> = {}): RequestCompleteEvent {
  return {
    timeMs: 5123.4,
    sidecar: 'frontend-0',
    startMs: 5100.2,
    authority: 'product-service:8080',
    status: 503,
    flags: ResponseFlag.UO,
    cluster: 'outbound|8080|v2|product-service.production.svc.cluster.local',
    upstreamPod: 'product-service-v2-x-0',
    attempts: 1,
    request: {
      method: 'GET',
      scheme: 'http',
      authority: 'product-service:8080',
      path: '/api/items?id=3',
      headers: new Map([['user-agent', 'fortio.org/fortio-1.60']]),
      port: 8080,
    },
    upstreamHost: '10.0.0.3:8080',
    route: 'production/product-service#1',
    clusterInfo: null,
    upstreamEndpoint: null,
    ...over,
  };
}

describe('access log (--access-log)', () => {
  it("prints Istio's default TEXT format, simulated time from 2025-01-01T00:00:00Z", () => {
    expect(accessLogLine(event(), false)).toBe(
      '[2025-01-01T00:00:05.100Z] "GET /api/items?id=3 HTTP/1.1" 503 UO upstream_reset_before_response_started{overflow} - "-" 0 0 23 - "-" "fortio.org/fortio-1.60" "-" "product-service:8080" "10.0.0.3:8080" outbound|8080|v2|product-service.production.svc.cluster.local - - - - production/product-service#1',
    );
    const nr = accessLogLine(
      event({ status: 404, flags: ResponseFlag.NR, cluster: null, upstreamHost: null, route: null }),
      true,
    );
    expect(nr).toMatch(
      /^\[pod\/frontend-0\/istio-proxy\] \[2025-01-01T00:00:05\.100Z\] "GET \/api\/items\?id=3 HTTP\/1\.1" 404 NR route_not_found .* "-" - - - - - -$/,
    );
    expect(accessLogLine(event({ status: 200, flags: 0 }), false)).toContain('" 200 - via_upstream - ');
  });

  it("filters like Envoy's status_code, duration and response_flag filters: below, at and above", () => {
    const f = parseAccessLogFilter('code>=500');
    if ('error' in f) throw new Error(f.error);
    expect([499, 500, 501].map((status) => matchesAccessLogFilter(event({ status }), f.conditions))).toEqual([
      false,
      true,
      true,
    ]);
    const d = parseAccessLogFilter('duration>1s, flags!=-');
    if ('error' in d) throw new Error(d.error);
    const at = (ms: number, flags = ResponseFlag.UO) =>
      matchesAccessLogFilter(event({ startMs: 0, timeMs: ms, flags }), d.conditions);
    expect([at(999), at(1000), at(1001), at(1001, 0)]).toEqual([false, false, true, false]);
    const u = parseAccessLogFilter('flags==UF && code==503');
    if ('error' in u) throw new Error(u.error);
    expect(matchesAccessLogFilter(event({ flags: ResponseFlag.UF | ResponseFlag.URX }), u.conditions)).toBe(
      true,
    );
    expect(matchesAccessLogFilter(event({ flags: ResponseFlag.UO }), u.conditions)).toBe(false);
    expect(parseAccessLogFilter('code>>5')).toEqual({ error: 'code needs a status such as 500, got ">5"' });
    expect(parseAccessLogFilter('status>=5')).toEqual({
      error: expect.stringContaining('"status>=5" is not a condition'),
    });
    expect(parseAccessLogFilter('flags==XX')).toEqual({
      error: expect.stringContaining('unknown response flag "XX"'),
    });
  });

  it('keeps every 5xx the sidecars answered: the window part equals the hop table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-al-'));
    const file = join(dir, 'access.log');
    const json = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '8s',
      '-f',
      'json',
      '--access-log',
      file,
      '--access-log-filter',
      'code>=500',
    );
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    for (const l of lines)
      expect(l).toMatch(
        /^\[pod\/frontend-[0-2]\/istio-proxy\] \[2025-01-01T00:00:0\d\.\d{3}Z\] "GET \/api\/items HTTP\/1\.1" 5\d\d /,
      );
    // Requests started after the 5 s warm-up are the hop table's (same window, same final codes).
    const inWindow = lines.filter((l) => /\] \[2025-01-01T00:00:0[5-9]/.test(l)).length;
    let fiveXx = 0;
    for (const h of r.hops)
      for (const [code, n] of Object.entries(h.byStatus)) if (Number(code) >= 500) fiveXx += n as number;
    expect(inWindow).toBe(fiveXx);
    // The Result itself is what a run without a log prints.
    const plain = await cli('run', 'models/canary/canary.scenario.yaml', '-d', '8s', '-f', 'json');
    expect(json.out).toBe(plain.out);
  });

  it('--pod logs that sidecar only, without the kubectl prefix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-al-'));
    const one = join(dir, 'one.log');
    const all = join(dir, 'all.log');
    await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '-d',
      '6s',
      '-f',
      'json',
      '--access-log',
      one,
      '--pod',
      'frontend-1',
    );
    await cli('run', 'models/canary/canary.scenario.yaml', '-d', '6s', '-f', 'json', '--access-log', all);
    const mine = readFileSync(one, 'utf8').trimEnd().split('\n');
    const prefixed = readFileSync(all, 'utf8')
      .trimEnd()
      .split('\n')
      .filter((l) => l.startsWith('[pod/frontend-1/istio-proxy] '));
    expect(mine.length).toBeGreaterThan(100);
    expect(mine).toEqual(prefixed.map((l) => l.slice('[pod/frontend-1/istio-proxy] '.length)));
  });

  it('--access-log-sample keeps a binomial share, from its own random stream', async () => {
    const loaded = await loadModel('models/canary/canary.scenario.yaml');
    const count = (sample: number) => {
      let n = 0;
      const ran = runWithViews(
        loaded,
        { durationMs: 6000 },
        {
          observers: () => [
            new AccessLogCollector(
              {
                pods: new Set(['frontend-2']),
                conditions: [],
                sample,
                rng: new RandomStreams(1).stream('access-log'),
              },
              () => n++,
            ),
          ],
        },
      );
      if (ran.kind !== 'ran') throw new Error('ran');
      return n;
    };
    const all = count(1);
    const tenth = count(0.1);
    const band = binomialBand(all, 0.1);
    expect(all).toBeGreaterThan(1500);
    expect(tenth).toBeGreaterThan(band.low);
    expect(tenth).toBeLessThan(band.high);
  });

  it('usage errors exit 2', async () => {
    const bad = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '--access-log',
      '/tmp/x.log',
      '--access-log-filter',
      'code>>5',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--access-log-filter: code needs a status such as 500, got ">5"');
    const noLog = await cli('run', 'models/canary/canary.scenario.yaml', '--access-log-sample', '0.5');
    expect(noLog.code).toBe(2);
    const share = await cli(
      'run',
      'models/canary/canary.scenario.yaml',
      '--access-log',
      '/tmp/x.log',
      '--access-log-sample',
      '0',
    );
    expect(share.err).toContain('--access-log-sample must be a share in (0, 1]');
  });
});
