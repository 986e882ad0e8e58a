import { describe, expect, it } from 'vitest';
import { analyzeMesh, loadManifests } from '../../src/config/index.js';

const vs = (i: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-${i}, namespace: production}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
`;
const dr = (i: number) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr-${i}, namespace: production}
spec:
  host: reviews
  subsets: [{name: s${i}, labels: {v: "${i}"}}]
`;

function analyzeAll(n: number, make: (i: number) => string) {
  const text = Array.from({ length: n }, (_, i) => make(i)).join('---\n');
  const { config, diagnostics } = loadManifests([{ file: 'm.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analyzeMesh(config);
}

describe('conflict diagnostics are capped ("and N more")', () => {
  it('two VirtualServices for one host name each other, as istioctl does', () => {
    const ds = analyzeAll(2, vs).filter((d) => d.code === 'IST0109');
    expect(ds.map((d) => d.message.split(' associated')[0])).toEqual([
      'The VirtualServices production/vs-0,production/vs-1',
      'The VirtualServices production/vs-0,production/vs-1',
    ]);
  });
  it('at the cap all are named; one more is counted', () => {
    expect(analyzeAll(5, vs)[0]!.message).toContain('production/vs-3,production/vs-4 associated');
    expect(analyzeAll(6, vs).find((d) => d.code === 'IST0109')!.message).toContain(
      'production/vs-4 and 1 more associated',
    );
  });
  it('3,000 VirtualServices for one host: bounded output, in seconds', () => {
    const t0 = performance.now();
    const ds = analyzeAll(3000, vs).filter((d) => d.code === 'IST0109');
    expect(ds).toHaveLength(3000);
    expect(ds[0]!.message).toContain(
      'The VirtualServices production/vs-0,production/vs-1,production/vs-2,production/vs-3,production/vs-4 and 2,995 more associated',
    );
    const bytes = ds.reduce((n, d) => n + d.message.length, 0);
    expect(bytes).toBeLessThan(3000 * 600);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
  it('3,000 DestinationRules for one host: each merge note names 5 and counts the rest', () => {
    const ds = analyzeAll(3000, dr).filter((d) => d.code === 'MSIM1050');
    expect(ds).toHaveLength(2999);
    expect(ds[0]!.message).toBe(
      'merged with production/dr-0, production/dr-2, production/dr-3, production/dr-4, production/dr-5 and 2,994 more for host reviews.production.svc.cluster.local, as istiod does: subsets combined (s0, s1, s2, s3, s4 and 2,995 more); top-level trafficPolicy from none',
    );
  });
});
