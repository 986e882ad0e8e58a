import { describe, expect, it } from 'vitest';
import { analyzeMesh, loadManifests } from '../../src/config/index.js';

/**
 * Findings about pods and client-side DestinationRule features in ambient mode (MSIM3141 on a pod
 * template, MSIM3145-3147): each probed where it fires and where it must not.
 */
const NS = (name: string, labels: string) => `apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: {${labels}}}
---
`;
const WAYPOINT = (name: string, waypointFor: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: shop, labels: {istio.io/waypoint-for: ${waypointFor}}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
---
`;
/** Service web and Deployment web (pod labels `app: web` plus `podLabels`) in namespace `ns`. */
const WEB = (podLabels = '', ns = 'shop', svcLabels = '') => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}${svcLabels ? `, labels: {${svcLabels}}` : ''}}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web${podLabels ? `, ${podLabels}` : ''}}}
    spec: {containers: [{name: web, image: web}]}
---
`;
const DR = (spec: string, ns = 'shop') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: ${ns}}
spec:
  host: web
${spec}
`;

function findings(text: string): string[] {
  const { config, diagnostics } = loadManifests([{ file: 'm.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return analyzeMesh(config)
    .filter((d) => /^MSIM314[1-7]$/.test(d.code))
    .map((d) => `${d.code} ${d.kind}`);
}
const AMBIENT = NS('shop', 'istio.io/dataplane-mode: ambient');

describe('MSIM3145: a pod names a waypoint that takes no workload traffic', () => {
  it('fires for a service or none waypoint named by the pod template', () => {
    expect(findings(AMBIENT + WAYPOINT('wp', 'service') + WEB('istio.io/use-waypoint: wp'))).toEqual([
      'MSIM3145 Deployment',
    ]);
    expect(findings(AMBIENT + WAYPOINT('wp', 'none') + WEB('istio.io/use-waypoint: wp'))).toEqual([
      'MSIM3145 Deployment',
    ]);
  });

  it('not for a workload or all waypoint, nor for a service waypoint the namespace names', () => {
    expect(findings(AMBIENT + WAYPOINT('wp', 'workload') + WEB('istio.io/use-waypoint: wp'))).toEqual([]);
    expect(findings(AMBIENT + WAYPOINT('wp', 'all') + WEB('istio.io/use-waypoint: wp'))).toEqual([]);
    const ns = NS('shop', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp');
    expect(findings(ns + WAYPOINT('wp', 'service') + WEB())).toEqual([]);
  });
});

describe('MSIM3141 on a pod template', () => {
  it('fires when the pod names no Gateway; not with `none`', () => {
    const f = findings(AMBIENT + WEB('istio.io/use-waypoint: nope'));
    expect(f).toEqual(['MSIM3141 Deployment']);
    expect(findings(AMBIENT + WEB('istio.io/use-waypoint: none'))).toEqual([]);
  });

  it('is positioned at the label (file:line:col of the Deployment template)', () => {
    const { config } = loadManifests([
      { file: 'm.yaml', text: AMBIENT + WEB('istio.io/use-waypoint: nope') },
    ]);
    const d = analyzeMesh(config).find((x) => x.code === 'MSIM3141')!;
    expect([d.file, d.path]).toEqual(['m.yaml', 'spec.template.metadata.labels.istio.io/use-waypoint']);
    expect(d.line).toBeGreaterThanOrEqual(13);
    expect(d.message).toMatch(/waypoint shop\/nope, which no Gateway/);
  });
});

describe('MSIM3146: a DestinationRule workloadSelector that picks only ambient pods', () => {
  const selector =
    '  workloadSelector: {matchLabels: {app: web}}\n  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}';

  it('fires when every selected pod is ambient', () => {
    expect(findings(AMBIENT + WEB() + DR(selector))).toContain('MSIM3146 DestinationRule');
  });

  it('not when a selected pod keeps a sidecar, nothing is selected, or there is no selector', () => {
    const sidecarPod = AMBIENT + WEB('istio.io/dataplane-mode: none') + DR(selector);
    expect(findings(sidecarPod)).not.toContain('MSIM3146 DestinationRule');
    expect(findings(WEB() + DR(selector))).not.toContain('MSIM3146 DestinationRule');
    const none =
      AMBIENT +
      WEB() +
      DR(
        '  workloadSelector: {matchLabels: {app: other}}\n  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}',
      );
    expect(findings(none)).not.toContain('MSIM3146 DestinationRule');
    expect(
      findings(AMBIENT + WEB() + DR('  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}}')),
    ).not.toContain('MSIM3146 DestinationRule');
  });
});

describe('MSIM3147: loadBalancer or TLS origination for an ambient Service without waypoint', () => {
  it('fires for loadBalancer and for tls SIMPLE / MUTUAL', () => {
    expect(findings(AMBIENT + WEB() + DR('  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}'))).toEqual([
      'MSIM3147 DestinationRule',
    ]);
    expect(findings(AMBIENT + WEB() + DR('  trafficPolicy: {tls: {mode: SIMPLE}}'))).toEqual([
      'MSIM3147 DestinationRule',
    ]);
  });

  it('not for ISTIO_MUTUAL, behind a waypoint, or outside ambient', () => {
    expect(findings(AMBIENT + WEB() + DR('  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}'))).toEqual([]);
    const bound =
      NS('shop', 'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: wp') + WAYPOINT('wp', 'service');
    expect(findings(bound + WEB() + DR('  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}'))).toEqual(
      [],
    );
    expect(findings(WEB() + DR('  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}'))).toEqual([]);
  });
});
