import { readFileSync } from 'node:fs';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/index.js';
import { analyze, codes, dr, service, vs } from './helpers.js';

const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.path ?? ''}: ${d.message}`);
const only = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);
const reviews = service('reviews', { v1: 2, v2: 1 });
const reviewsDr = dr(
  '  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n',
).replace('name: dr', 'name: reviews');
const mesh = (...docs: string[]) => analyze(docs.join('---\n'));
/** 1-based line of the n-th line containing `needle` in the joined documents. */
function lineOf(docs: string[], needle: string, n = 1): number {
  const lines = docs.join('---\n').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === n) return i + 1;
  throw new Error(`no line with ${needle}`);
}

describe('IST0101 ReferencedResourceNotFound and IST0112', () => {
  it('a clean mesh has no findings', () => {
    expect(
      brief(mesh(reviews, reviewsDr, vs('  - route: [{destination: {host: reviews, subset: v1}}]\n'))),
    ).toEqual([]);
  });
  it('unknown host, unknown subset, unknown mirror host and subset', () => {
    const docs = [
      reviews,
      reviewsDr,
      vs(`  - route:
    - destination: {host: ratings}
      weight: 1
    - destination: {host: reviews, subset: v3}
      weight: 1
    mirror: {host: reviews, subset: v9}
  - route: [{destination: {host: reviews}}]
    mirrors: [{destination: {host: shadow}}]
`),
    ];
    const ds = mesh(...docs);
    expect(only(ds, 'IST0101').map((d) => `${d.line} ${d.path} ${d.message.split(':')[0]}`)).toEqual([
      `${lineOf(docs, 'host: ratings')} spec.http[0].route[0].destination.host Referenced host not found`,
      `${lineOf(docs, 'subset: v3')} spec.http[0].route[1].destination.subset Referenced host+subset in destinationrule not found`,
      `${lineOf(docs, 'subset: v9')} spec.http[0].mirror.subset Referenced mirror host+subset in destinationrule not found`,
      `${lineOf(docs, 'host: shadow')} spec.http[1].mirrors[0].destination.host Referenced mirror host not found`,
    ]);
    expect(only(ds, 'IST0101')[0]!.severity).toBe('error');
  });
  it('a ServiceEntry host is known', () => {
    const se =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ext, namespace: production}\nspec: {hosts: [api.example.com]}\n';
    expect(only(mesh(se, vs('  - route: [{destination: {host: api.example.com}}]\n')), 'IST0101')).toEqual(
      [],
    );
  });
  it('IST0112: a multi-port service needs a destination port', () => {
    const multi = service(
      'reviews',
      { v1: 1 },
      '  - {port: 8080, name: http}\n  - {port: 9090, name: grpc}\n',
    );
    const ds = mesh(multi, vs('  - route: [{destination: {host: reviews}}]\n'));
    expect(brief(only(ds, 'IST0112'))).toEqual([
      'IST0112 spec.http[0].route[0].destination: This VirtualService routes to a service "reviews.production.svc.cluster.local" that exposes multiple ports [8080 9090]. Specifying a port in the destination is required to disambiguate.',
    ]);
    expect(
      only(mesh(multi, vs('  - route: [{destination: {host: reviews, port: {number: 8080}}}]\n')), 'IST0112'),
    ).toEqual([]);
  });
});

describe('unreachable rules', () => {
  it('IST0130: a second rule without match; MSIM1040: any rule after a catch-all', () => {
    const docs = [
      reviews,
      vs(`  - route: [{destination: {host: reviews}}]
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews}}]
  - route: [{destination: {host: reviews}}]
`),
    ];
    expect(mesh(...docs).map((d) => `${d.code}@${d.line} ${d.severity}`)).toEqual([
      `MSIM1040@${lineOf(docs, 'match: [{headers')} warning`,
      `IST0130@${lineOf(docs, '- route: [', 2)} warning`,
    ]);
  });
  it('a prefix "/" match is a catch-all too; sourceLabels make it proxy-specific', () => {
    const ds = mesh(
      reviews,
      vs(
        `  - match: [{uri: {prefix: /}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n`,
      ),
    );
    expect(ds.map((d) => d.code)).toEqual(['MSIM1040']);
    const scoped = mesh(
      reviews,
      vs(
        `  - match: [{sourceLabels: {app: a}}]\n    route: [{destination: {host: reviews}}]\n  - route: [{destination: {host: reviews}}]\n`,
      ),
    );
    expect(scoped).toEqual([]);
  });
  it('IST0131 (info): a repeated match; IST0130 when every match of a rule repeats', () => {
    const docs = [
      reviews,
      vs(`  - match: [{uri: {prefix: /a}}]
    route: [{destination: {host: reviews}}]
  - match: [{uri: {prefix: /a}}, {uri: {prefix: /b}}]
    route: [{destination: {host: reviews}}]
  - match: [{uri: {prefix: /b}, name: again}]
    route: [{destination: {host: reviews}}]
`),
    ];
    const second = lineOf(docs, '{prefix: /a}}, {uri');
    const third = lineOf(docs, 'name: again');
    expect(mesh(...docs).map((d) => `${d.code}@${d.line} ${d.severity}`)).toEqual([
      `IST0131@${second} info`,
      `IST0130@${third} warning`,
      `IST0131@${third} info`,
    ]);
  });
});

describe('weights', () => {
  it('MSIM1001 weight 0, MSIM1003 sum not 100, MSIM1002 single destination weight', () => {
    const docs = [
      reviews,
      reviewsDr,
      vs(`  - match: [{uri: {prefix: /x}}]
    route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 20
    - destination: {host: reviews}
      weight: 0
  - route:
    - destination: {host: reviews}
      weight: 10
`),
    ];
    const ds = mesh(...docs);
    expect(ds.map((d) => `${d.code}@${d.line}`)).toEqual([
      `MSIM1003@${lineOf(docs, 'destination: {host: reviews, subset: v1}')}`,
      `MSIM1001@${lineOf(docs, 'weight: 0')}`,
      `MSIM1002@${lineOf(docs, 'weight: 10')}`,
    ]);
    expect(ds[0]!.message).toContain('81.8 %, 18.2 %');
  });
});

describe('retries', () => {
  const withRetries = (r: string, timeout = '') =>
    mesh(reviews, vs(`  - route: [{destination: {host: reviews}}]\n${timeout}    retries: ${r}\n`));
  it('MSIM1030: a per-try timeout without 5xx, gateway-error or reset is never retried', () => {
    expect(withRetries('{attempts: 3, perTryTimeout: 1s}').map((d) => `${d.code} ${d.path}`)).toEqual([
      'MSIM1030 spec.http[0].retries.perTryTimeout',
    ]);
    expect(
      withRetries('{attempts: 3, perTryTimeout: 1s, retryOn: "connect-failure,503"}').map((d) => d.code),
    ).toEqual(['MSIM1030']);
    expect(withRetries('{attempts: 3, perTryTimeout: 1s, retryOn: reset}')).toEqual([]);
    expect(withRetries('{attempts: 3, perTryTimeout: 1s, retryOn: gateway-error}')).toEqual([]);
  });
  it('MSIM1031: a per-try timeout at or above the route timeout is ignored', () => {
    expect(
      withRetries('{attempts: 3, perTryTimeout: 2s, retryOn: 5xx}', '    timeout: 2s\n').map((d) => d.code),
    ).toEqual(['MSIM1031']);
    expect(withRetries('{attempts: 3, perTryTimeout: 1999ms, retryOn: 5xx}', '    timeout: 2s\n')).toEqual(
      [],
    );
  });
});

describe('DestinationRules against services and pods', () => {
  it('IST0174 unknown host, IST0173 subset without pods', () => {
    const docs = [
      reviews,
      dr('  host: ratings\n'),
      dr(
        '  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v3, labels: {version: v3}}\n',
      ).replace('name: dr', 'name: dr2'),
    ];
    expect(mesh(...docs).map((d) => `${d.code}@${d.line} ${d.severity} ${d.name}`)).toEqual([
      `IST0174@${lineOf(docs, 'host: ratings')} warning dr`,
      `IST0173@${lineOf(docs, 'name: v3')} error dr2`,
    ]);
  });
  it('MSIM1010: maxEjectionPercent that cannot eject one host (edges: 9 and 10 pods at 10 %)', () => {
    const od = (pods: number, pct = '') =>
      mesh(
        service('reviews', { v1: pods }),
        dr(`  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 5\n${pct}`),
      ).filter((d) => d.code === 'MSIM1010');
    expect(od(9).map((d) => d.message)).toEqual([
      'outlier detection on outbound|8080||reviews.production.svc.cluster.local never ejects: it has 9 endpoints and Envoy ejects only if 100 × (ejected + 1) / 9 <= maxEjectionPercent (10); it needs at least 12',
    ]);
    expect(od(10)).toEqual([]);
    expect(od(3, '      maxEjectionPercent: 33\n').length).toBe(1);
    expect(od(3, '      maxEjectionPercent: 34\n')).toEqual([]);
    expect(
      od(
        3,
        '      maxEjectionPercent: 34\n      consecutive5xxErrors: 0\n'.replace(
          '      consecutive5xxErrors: 0\n',
          '',
        ),
      ),
    ).toEqual([]);
  });
  it('MSIM1010 per subset cluster, pointing at the outlierDetection that applies', () => {
    const docs = [
      service('reviews', { v1: 10, v2: 2 }),
      dr(
        '  host: reviews\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n',
      ),
    ];
    const ds = mesh(...docs).filter((d) => d.code === 'MSIM1010');
    expect(ds.map((d) => `${d.line} ${d.message.split(' never')[0]}`)).toEqual([
      `${lineOf(docs, 'outlierDetection: {')} outlier detection on outbound|8080|v2|reviews.production.svc.cluster.local`,
    ]);
  });
  it('MSIM1020: failover lost in the effective policy (port-level replacement drops outlierDetection)', () => {
    const ds = mesh(
      reviews,
      dr(`  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1}
    loadBalancer:
      localityLbSetting: {failover: [{from: us-east, to: us-west}]}
    portLevelSettings:
    - port: {number: 8080}
      loadBalancer:
        localityLbSetting: {failover: [{from: us-east, to: us-west}]}
`),
    );
    expect(ds.map((d) => d.code)).toContain('MSIM1020');
  });
  it('IST0109 conflicting VirtualServices; MSIM1050/1051 merged DestinationRules', () => {
    const ds = mesh(
      reviews,
      reviewsDr,
      vs('  - route: [{destination: {host: reviews}}]\n').replace('name: vs', 'name: first'),
      vs('  - route: [{destination: {host: reviews}}]\n').replace('name: vs', 'name: second'),
      dr(
        '  host: reviews\n  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n  subsets: [{name: v1, labels: {version: v2}}]\n',
      ).replace('name: dr', 'name: extra'),
    );
    expect(ds.map((d) => `${d.code} ${d.name} ${d.severity}`)).toEqual([
      'IST0109 first error',
      'IST0109 second error',
      'MSIM1050 extra info',
      'MSIM1051 extra warning',
    ]);
    expect(ds[1]!.message).toContain('ignores this one for the host and uses production/first');
  });
});

describe('services', () => {
  it('IST0118 port naming (info) and MSIM1060 no pods (warning)', () => {
    const ds = mesh(service('a', {}, '  - port: 8080\n    name: web\n'));
    expect(ds.map((d) => `${d.code} ${d.severity}`)).toEqual(['MSIM1060 warning', 'IST0118 info']);
  });
});

describe('scenario loads run the analysis (loadScenarioFromTexts)', () => {
  const read = (p: string) => ({ file: p, text: readFileSync(p, 'utf8') });
  const scenario = read('test/cli/fixtures/misconfig/misconfig.scenario.yaml');
  const meshFile = read('test/cli/fixtures/misconfig/mesh.yaml');

  it("'stop' (the default): an analysis error keeps the scenario from loading, and says it could run", () => {
    const r = loadScenarioFromTexts(scenario, [meshFile]);
    expect(r.loaded).toBeUndefined();
    expect(codes(r.diagnostics)).toEqual(['IST0101']);
    expect(r).toMatchObject({ simulatedErrors: 0, simulable: true });
  });

  it("'simulate' loads it and counts the errors let through; 'skip' does not analyze", () => {
    const sim = loadScenarioFromTexts(scenario, [meshFile], { analysis: 'simulate' });
    expect(sim.loaded).toBeDefined();
    expect(sim).toMatchObject({ simulatedErrors: 1, simulable: false });
    const skip = loadScenarioFromTexts(scenario, [meshFile], { analysis: 'skip' });
    expect(skip.loaded).toBeDefined();
    expect(skip.diagnostics).toEqual([]);
  });

  it('warnings alone never stop a load; a non-analysis error is not simulable', () => {
    const fixed = {
      ...meshFile,
      text: meshFile.text.replace('subset: v3}, weight: 15', 'subset: v1}, weight: 15'),
    };
    const ok = loadScenarioFromTexts(scenario, [fixed]);
    expect(ok.loaded).toBeDefined();
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const typo = { ...scenario, text: scenario.text.replace('  duration: 10s', '  duraton: 10s') };
    const bad = loadScenarioFromTexts(typo, [meshFile], { analysis: 'simulate' });
    expect(bad.loaded).toBeUndefined();
    expect(bad).toMatchObject({ simulatedErrors: 0, simulable: false });
    // The analysis still reports in the same pass (all findings at once).
    expect(codes(bad.diagnostics)).toContain('IST0101');
  });
});
