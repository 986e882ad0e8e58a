import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadScenarioFromTexts, type RequestTemplate } from '../../src/config/scenario/index.js';
import { RandomStreams } from '../../src/engine/index.js';
import type { EnvoyObserver } from '../../src/envoy/index.js';
import { RequestPlan, samplerFor, valueProbabilities } from '../../src/mesh/request-values.js';
import { runScenario } from '../../src/run/index.js';
import { binomialBand } from '../support/run-model.js';

const streams = () => {
  const s = new RandomStreams(7);
  const names: string[] = [];
  const stream = (n: string) => {
    names.push(n);
    return s.stream(n);
  };
  return { names, stream };
};
const name = (v: { target: string; name: string }) => `values/t/0/${v.target}/${v.name}`;

function plan(t: Partial<RequestTemplate>, st = streams()): RequestPlan {
  return new RequestPlan(
    { weight: 1, method: 'GET', url: 'http://svc:8080/api', headers: {}, ...t },
    name,
    st.stream,
  );
}

describe('samplers', () => {
  it('Zipf: the frequency of rank k is 1/k^s over the harmonic sum (binomial bands)', () => {
    const g = { kind: 'population', prefix: 'u', count: 1000, distribution: 'zipf', s: 1.1 } as const;
    const s = samplerFor(g);
    const p = valueProbabilities(g);
    const rng = new RandomStreams(1).stream('z');
    const n = 200_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = s.drawIndex(rng);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const k of [0, 1, 9, 99, 999]) {
      const band = binomialBand(n, p[k]!);
      expect(counts.get(k) ?? 0).toBeGreaterThan(band.low);
      expect(counts.get(k) ?? 0).toBeLessThan(band.high);
    }
    expect(s.value(0)).toBe('u1');
    expect(s.value(999)).toBe('u1000');
    // The table is built once per generator: the same object every time.
    expect(samplerFor(g)).toBe(s);
  });

  it('uniform population and a weighted list (a weight-0 value is never drawn)', () => {
    const rng = new RandomStreams(2).stream('u');
    const uni = samplerFor({ kind: 'population', prefix: '', count: 4, distribution: 'uniform', s: 1 });
    const list = samplerFor({ kind: 'list', values: ['a', 'b', 'never'], weights: [3, 1, 0] });
    const n = 40_000;
    const u = [0, 0, 0, 0];
    const l = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      u[uni.drawIndex(rng)]!++;
      l[list.drawIndex(rng)]!++;
    }
    for (const c of u) {
      const band = binomialBand(n, 0.25);
      expect(c).toBeGreaterThan(band.low);
      expect(c).toBeLessThan(band.high);
    }
    const b = binomialBand(n, 0.25);
    expect(l[1]).toBeGreaterThan(b.low);
    expect(l[1]).toBeLessThan(b.high);
    expect(l[2]).toBe(0);
    expect(uni.value(3)).toBe('4');
  });

  it('a population of one always gives prefix1', () => {
    const rng = new RandomStreams(3).stream('one');
    for (const distribution of ['uniform', 'zipf'] as const) {
      const s = samplerFor({ kind: 'population', prefix: 'x', count: 1, distribution, s: 2 });
      for (let i = 0; i < 100; i++) expect(s.value(s.drawIndex(rng))).toBe('x1');
    }
  });
});

describe('RequestPlan', () => {
  it('a fixed template: fixed cookies join a Cookie header, fixed query parameters are encoded onto the URL; no stream', () => {
    const st = streams();
    const p = plan(
      {
        url: 'http://svc:8080/api?x=1',
        headers: { cookie: 'a=1', 'x-h': 'v' },
        cookies: { b: '2' },
        queryParams: { 'q s': 'a&b' },
      },
      st,
    );
    const r1 = p.request();
    expect(r1.path).toBe('/api?x=1&q%20s=a%26b');
    expect([...r1.headers]).toEqual([
      ['cookie', 'a=1; b=2'],
      ['x-h', 'v'],
    ]);
    expect(r1.authority).toBe('svc:8080');
    expect(r1.port).toBe(8080);
    // Each request gets its own map (the router writes into it), with the same content.
    const r2 = p.request();
    expect(r2.headers).not.toBe(r1.headers);
    expect(r2.headers).toEqual(r1.headers);
    expect(st.names).toEqual([]);
    expect(p.generates).toBe(false);
  });

  it('generated header, cookie and query parameter, each on its own stream', () => {
    const st = streams();
    const p = plan(
      {
        cookies: { theme: 'dark' },
        generated: [
          { target: 'header', name: 'x-user-id', generator: { kind: 'list', values: ['u7'], weights: [1] } },
          { target: 'cookie', name: 'session', generator: { kind: 'list', values: ['s1'], weights: [1] } },
          { target: 'queryParam', name: 'page', generator: { kind: 'list', values: ['2'], weights: [1] } },
        ],
      },
      st,
    );
    const r = p.request();
    expect(r.headers.get('x-user-id')).toBe('u7');
    expect(r.headers.get('cookie')).toBe('theme=dark; session=s1');
    expect(r.path).toBe('/api?page=2');
    expect(st.names).toEqual([
      'values/t/0/header/x-user-id',
      'values/t/0/cookie/session',
      'values/t/0/queryParam/page',
    ]);
  });

  it('common random numbers: adding a generator does not change the values another one draws', () => {
    const user = {
      target: 'header',
      name: 'x-user-id',
      generator: { kind: 'population', prefix: 'user-', count: 10_000, distribution: 'zipf', s: 1.1 },
    } as const;
    const extra = {
      target: 'cookie',
      name: 'session',
      generator: { kind: 'population', prefix: 's', count: 50, distribution: 'uniform', s: 1 },
    } as const;
    const a = plan({ generated: [user] });
    const b = plan({ generated: [extra, user] });
    const seqA = Array.from({ length: 500 }, () => a.request().headers.get('x-user-id'));
    const seqB = Array.from({ length: 500 }, () => b.request().headers.get('x-user-id'));
    expect(seqB).toEqual(seqA);
    expect(new Set(seqA).size).toBeGreaterThan(50);
  });
});

const MANIFESTS = `---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec: {selector: {app: echo}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo-v1, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo, version: v1}}
  template: {metadata: {labels: {app: echo, version: v1}}, spec: {containers: [{name: echo, image: echo}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo-v2, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo, version: v2}}
  template: {metadata: {labels: {app: echo, version: v2}}, spec: {containers: [{name: echo, image: echo}]}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: echo, namespace: default}
spec:
  host: echo
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: default}
spec:
  hosts: [echo]
  http:
  - match: [{headers: {x-group: {exact: beta}}}]
    route: [{destination: {host: echo, subset: v2}}]
  - match: [{queryParams: {variant: {exact: b}}}]
    route: [{destination: {host: echo, subset: v2}}]
  - route: [{destination: {host: echo, subset: v1}}]
`;

function scenario(request: string) {
  return `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: values}
spec:
  duration: 20s
  seed: 4
  workloads:
    default/echo-v1: {concurrency: 256, latency: 5ms}
    default/echo-v2: {concurrency: 256, latency: 5ms}
  traffic:
    - name: c
      rate: 500/s
      requests:
        - ${request}
${MANIFESTS}`;
}
const load = (request: string) => loadScenarioFromTexts({ file: 's.yaml', text: scenario(request) }, []);

function v2Share(request: string): { n: number; v2: number } {
  const l = load(request);
  if (!l.loaded) throw new Error(l.diagnostics.map(formatDiagnostic).join('\n'));
  const svc = runScenario(l.loaded).services.find((s) => s.host.startsWith('echo'))!;
  return { n: svc.requests, v2: svc.bySubset.v2?.requests ?? 0 };
}

describe('routing sees the generated values', () => {
  it('a header match on a generated header: the beta share is its list weight', () => {
    const { n, v2 } = v2Share(
      '{url: "http://echo/", headers: {x-group: {values: {list: [{value: beta, weight: 1}, {value: other, weight: 3}]}}}}',
    );
    const band = binomialBand(n, 0.25);
    expect(n).toBeGreaterThan(8000);
    expect(v2).toBeGreaterThan(band.low);
    expect(v2).toBeLessThan(band.high);
  });

  it('a query-parameter match on a generated parameter', () => {
    const { n, v2 } = v2Share(
      '{url: "http://echo/?x=1", queryParams: {variant: {values: {list: [a, a, a, a, b]}}}}',
    );
    const band = binomialBand(n, 0.2);
    expect(v2).toBeGreaterThan(band.low);
    expect(v2).toBeLessThan(band.high);
  });

  it('adding a value generator keeps the arrivals and the template mix (same request count)', () => {
    const a = load('{url: "http://echo/"}');
    const b = load('{url: "http://echo/", headers: {x-user-id: {values: {prefix: u, count: 100}}}}');
    expect(runScenario(a.loaded!).clients[0]!.started).toBe(runScenario(b.loaded!).clients[0]!.started);
  });
});

describe('scenario validation of value generators (MSIM3080)', () => {
  const errors = (request: string) =>
    load(request)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.path} ${d.message}`);
  it.each([
    [
      '{url: "http://echo/", headers: {x-u: {values: {count: 3, list: [a]}}}}',
      'MSIM3080 spec.traffic[0].requests[0].headers.x-u.values a value generator needs exactly one of count',
    ],
    [
      '{url: "http://echo/", headers: {x-u: {values: {prefix: u}}}}',
      'MSIM3080 spec.traffic[0].requests[0].headers.x-u.values a value generator needs exactly one of count',
    ],
    [
      '{url: "http://echo/", cookies: {s: {values: {count: 3, s: 1.2}}}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.s.values.s s (the Zipf exponent) needs distribution: zipf',
    ],
    [
      '{url: "http://echo/", cookies: {s: {values: {list: [a], distribution: zipf}}}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.s.values.distribution distribution applies to count, not to a list',
    ],
    [
      '{url: "http://echo/", queryParams: {p: {values: {list: [{value: a, weight: 0}]}}}}',
      'MSIM3080 spec.traffic[0].requests[0].queryParams.p.values.list every value of the list has weight 0',
    ],
    [
      '{url: "http://echo/", cookies: {"a b": x}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.a b "a b" is not a valid cookie name',
    ],
    [
      '{url: "http://echo/", cookies: {s: "a;b"}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.s cookie value "a;b" has a character a cookie cannot carry',
    ],
    [
      '{url: "http://echo/", cookies: {s: {values: {prefix: "u ", count: 3}}}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.s.values.prefix cookie value prefix "u " has a character',
    ],
    [
      '{url: "http://echo/", cookies: {s: {values: {list: [ok, "x,y"]}}}}',
      'MSIM3080 spec.traffic[0].requests[0].cookies.s.values.list cookie value "x,y" has a character',
    ],
  ])('%s', (request, want) => {
    const got = errors(request);
    expect(
      got.some((g) => g.startsWith(want)),
      got.join('\n'),
    ).toBe(true);
  });
  it('a malformed value is reported inside it, not as "Invalid input" for the whole value', () => {
    const req = (v: string) => `{url: "http://echo/", headers: {x-u: ${v}}}`;
    expect(errors(req('{values: {count: x}}'))).toEqual([
      'MSIM2001 spec.traffic[0].requests[0].headers.x-u.values.count Invalid input: expected number, received string',
    ]);
    expect(errors(req('{valuez: {count: 3}}'))).toContain(
      'MSIM2001 spec.traffic[0].requests[0].headers.x-u.valuez unknown field "valuez"',
    );
    expect(errors(req('[a, b]'))).toEqual([
      'MSIM2001 spec.traffic[0].requests[0].headers.x-u expected a fixed value (string, number or boolean) or a generator {values: {...}}',
    ]);
  });
  it('schema limits: count 1..1,000,000, s in (0, 10]; below, at and above each bound', () => {
    const req = (v: string) => `{url: "http://echo/", headers: {x-u: {values: {${v}}}}}`;
    expect(errors(req('count: 1000001')).join()).toMatch(/MSIM2001 .*above meshsim's limit of 1,000,000/);
    expect(errors(req('count: 1000000'))).toEqual([]);
    expect(errors(req('count: 0')).join()).toMatch(/MSIM2001/);
    expect(errors(req('count: 1'))).toEqual([]);
    expect(errors(req('count: 5, distribution: zipf, s: 0')).join()).toMatch(/MSIM2001/);
    expect(errors(req('count: 5, distribution: zipf, s: 0.01'))).toEqual([]);
    expect(errors(req('count: 5, distribution: zipf, s: 10'))).toEqual([]);
    expect(errors(req('count: 5, distribution: zipf, s: 10.5')).join()).toMatch(/MSIM2001/);
    expect(errors(req('count: 5, distribution: pareto')).join()).toMatch(/MSIM2001/);
  });
});

describe('consistent hashing sees the generated values (httpHeaderName, httpQueryParameterName)', () => {
  const hashed = (policy: string, request: string): Map<string, number> => {
    const text = `${scenario(request).replace(
      'subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]',
      `subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]\n  trafficPolicy: {loadBalancer: {consistentHash: {${policy}}}}`,
    )}`;
    const l = loadScenarioFromTexts({ file: 's.yaml', text }, []);
    if (!l.loaded) throw new Error(l.diagnostics.map(formatDiagnostic).join('\n'));
    const pods = new Map<string, number>();
    const observer: EnvoyObserver = {
      onRequestComplete() {},
      onEjection() {},
      onUnejection() {},
      onUpstreamAttempt(e) {
        if (e.attempt === 1) pods.set(e.pod, (pods.get(e.pod) ?? 0) + 1);
      },
    };
    runScenario(l.loaded, { observer, durationMs: 5000 });
    return pods;
  };
  it.each([
    ['httpHeaderName: x-user-id', 'headers: {x-user-id: '],
    ['httpQueryParameterName: user', 'queryParams: {user: '],
  ])('%s: one value sticks to one pod, 1,000 values spread over both v1 pods', (policy, field) => {
    const one = hashed(policy, `{url: "http://echo/", ${field}{values: {list: [u42]}}}}`);
    expect(one.size).toBe(1);
    const many = hashed(policy, `{url: "http://echo/", ${field}{values: {prefix: u, count: 1000}}}}`);
    expect(many.size).toBe(2);
    expect([...many.keys()].every((p) => p.startsWith('echo-v1-'))).toBe(true);
  });
});
