import { describe, expect, it } from 'vitest';
import { analyzeMesh, loadManifests } from '../../src/config/index.js';
import { webService } from './support.js';

const NS = (labels: string) => `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {${labels}}}
---
`;
const WAYPOINT = (labels = 'istio.io/waypoint-for: service') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: shop, labels: {${labels}}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HTTP}]
---
`;
const SERVICE = (labels = '') => webService({ labels });
const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http: [{route: [{destination: {host: web}}], retries: {attempts: 2}}]
`;

/** The ambient findings as `CODE kind line:col` (positions: the label value, the field). */
function findings(text: string) {
  const { config, diagnostics } = loadManifests([{ file: 'm.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analyzeMesh(config)
    .filter((d) => d.code.startsWith('MSIM314'))
    .map((d) => `${d.code} ${d.kind} ${d.line}:${d.column}`);
}

describe('ambient findings (MSIM3140-3144)', () => {
  it('nothing for a mesh without ambient labels, nor for a bound waypoint', () => {
    expect(findings(SERVICE() + DR)).toEqual([]);
    expect(
      findings(
        NS('istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp') + WAYPOINT() + SERVICE() + DR,
      ),
    ).toEqual([]);
  });

  it('MSIM3140: a waypoint no Service uses; MSIM3143 on the DR and the VS ambient clients skip', () => {
    expect(findings(NS('istio.io/dataplane-mode: ambient') + WAYPOINT() + SERVICE() + DR)).toEqual([
      'MSIM3140 Gateway 5:1',
      'MSIM3143 DestinationRule 34:18',
      'MSIM3143 VirtualService 40:10',
    ]);
  });

  it('MSIM3141: a Service naming a waypoint that does not exist (and its L7 policy then ignored)', () => {
    expect(
      findings(NS('istio.io/dataplane-mode: ambient') + SERVICE('istio.io/use-waypoint: nope') + DR),
    ).toEqual(['MSIM3141 Service 7:72', 'MSIM3143 DestinationRule 27:18', 'MSIM3143 VirtualService 33:10']);
  });

  it('MSIM3142: the bound waypoint is for workloads only', () => {
    const f = findings(
      NS('istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp') +
        WAYPOINT('istio.io/waypoint-for: workload') +
        SERVICE(),
    );
    expect(f).toEqual(['MSIM3142 Namespace 3:90']);
  });

  it('MSIM3144: a namespace asking for sidecar injection and ambient', () => {
    expect(findings(NS('istio.io/dataplane-mode: ambient, istio-injection: enabled') + SERVICE())).toEqual([
      'MSIM3144 Namespace 3:84',
    ]);
  });
});
