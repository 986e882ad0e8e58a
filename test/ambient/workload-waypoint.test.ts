import { describe, expect, it } from 'vitest';
import { loadScenarioFromTexts } from '../../src/config/scenario/index.js';
import { type GatewayLike, resolveAmbient } from '../../src/config/resolve/ambient.js';
import type { MeshConfig, ObjectMeta } from '../../src/config/types.js';
import type { Result } from '../../src/run/index.js';
import { istioCount, runTexts } from './support.js';

/**
 * Workload waypoints (istio.io, "Configure waypoint proxies": `istio.io/waypoint-for: workload` or
 * `all`, `istio.io/use-waypoint` on a pod): istiod's binding [ambient/waypoints.go
 * fetchWaypointForWorkload] and ztunnel's use of it [src/proxy/outbound.rs]: only traffic addressed to
 * the pod's IP goes through a workload waypoint, only Service-addressed traffic through a service one.
 */
const meta = (name: string, namespace: string, labels: Record<string, string> = {}): ObjectMeta =>
  ({
    name,
    namespace,
    labels,
    annotations: {},
    source: { file: 'm.yaml', line: 1, column: 1 },
  }) as unknown as ObjectMeta;
const gateway = (name: string, waypointFor?: string): GatewayLike => ({
  meta: meta(name, 'shop', waypointFor ? { 'istio.io/waypoint-for': waypointFor } : {}),
  gatewayClassName: 'istio-waypoint',
});
const ambient = (nsLabels: Record<string, string>, gws: GatewayLike[]) =>
  resolveAmbient(
    {
      namespaces: [{ meta: meta('shop', '', nsLabels) }],
      workloads: [],
      services: [],
    } as unknown as MeshConfig,
    gws,
  );
const binding = (a: ReturnType<typeof ambient>, pod: Record<string, string>) => {
  const b = a.workloadBindingOf('shop', pod);
  return b.kind === 'bound' || b.kind === 'unsupported-traffic-type'
    ? `${b.kind} ${b.waypoint.name} ${b.via}`
    : b.kind;
};

describe("istiod's workload binding", () => {
  const gws = [gateway('wl', 'workload'), gateway('svc'), gateway('both', 'all'), gateway('off', 'none')];

  it("the pod's own istio.io/use-waypoint, for a workload or all waypoint", () => {
    const a = ambient({}, gws);
    expect(binding(a, { 'istio.io/use-waypoint': 'wl' })).toBe('bound wl service');
    expect(binding(a, { 'istio.io/use-waypoint': 'both' })).toBe('bound both service');
    expect(binding(a, {})).toBe('none');
    expect(binding(a, { 'istio.io/use-waypoint': 'nope' })).toBe('missing');
  });

  it('a service (or none) waypoint named by the pod is unsupported-traffic-type', () => {
    const a = ambient({}, gws);
    expect(binding(a, { 'istio.io/use-waypoint': 'svc' })).toBe('unsupported-traffic-type svc service');
    expect(binding(a, { 'istio.io/use-waypoint': 'off' })).toBe('unsupported-traffic-type off service');
  });

  it("the namespace's label: bound for a workload waypoint, silently none for a service one", () => {
    expect(binding(ambient({ 'istio.io/use-waypoint': 'wl' }, gws), {})).toBe('bound wl namespace');
    expect(binding(ambient({ 'istio.io/use-waypoint': 'svc' }, gws), {})).toBe('none');
    // The pod's `none` opts out of the namespace's waypoint.
    expect(
      binding(ambient({ 'istio.io/use-waypoint': 'wl' }, gws), { 'istio.io/use-waypoint': 'none' }),
    ).toBe('none');
  });

  it("a waypoint's own pods have no waypoint", () => {
    const a = ambient({ 'istio.io/use-waypoint': 'wl' }, gws);
    expect(binding(a, { 'gateway.networking.k8s.io/gateway-name': 'wl' })).toBe('none');
  });

  it('Service binding is unchanged: a workload waypoint takes no Service traffic', () => {
    const a = ambient({ 'istio.io/use-waypoint': 'wl' }, gws);
    const svc = { meta: meta('web', 'shop'), fqdn: 'web.shop.svc.cluster.local' } as never;
    expect(a.bindingOf(svc).kind).toBe('unsupported-traffic-type');
    expect(ambient({ 'istio.io/use-waypoint': 'both' }, gws).bindingOf(svc).kind).toBe('bound');
  });
});

/** Namespace shop (ambient), waypoint wp (`waypoint-for` as given), Service web and its one pod. */
const manifests = (o: { waypointFor: string; nsLabel?: boolean; podLabel?: boolean }) => `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient${o.nsLabel ? ', istio.io/use-waypoint: wp' : ''}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wp, namespace: shop, labels: {istio.io/waypoint-for: ${o.waypointFor}}}
spec:
  gatewayClassName: istio-waypoint
  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 9080, name: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web${o.podLabel ? ', istio.io/use-waypoint: wp' : ''}}}
    spec: {containers: [{name: web, image: web}]}
`;

// meshsim numbers pod IPs in creation order (workloads first): web's only pod is 10.0.0.0.
const WEB_IP = '10.0.0.0';
const client = (name: string, url: string, ns = 'shop') => `    - name: ${name}
      namespace: ${ns}
      connections: 1
      count: 20
      requests: [{url: "${url}"}]
`;
const scenario = (clients: string) => `apiVersion: meshsim.dev/v1alpha1
kind: Scenario
metadata: {name: workload-waypoint}
spec:
  duration: 2s
  seed: 5
  workloads:
    shop/web: {latency: 1ms}
  traffic:
${clients}`;
const BOTH = client('by-ip', `http://${WEB_IP}:9080/`) + client('by-name', 'http://web:9080/');

const viaWaypoint = (r: Result, src: string) => istioCount(r, { reporter: 'waypoint', source_workload: src });
/** ztunnel's TCP connections opened at web's node, by the workload that connected (client or waypoint). */
const openedAtWebFrom = (r: Result, src: string) =>
  (r.istioTcp ?? [])
    .filter((s) => s.labels.reporter === 'destination' && s.labels.source_workload === src)
    .reduce((n, s) => n + s.opened, 0);

describe('ztunnel and a workload waypoint', () => {
  it("pod-IP traffic goes through the pod's workload waypoint; Service traffic to the same pod does not", () => {
    const r = runTexts(scenario(BOTH), manifests({ waypointFor: 'workload', podLabel: true }));
    expect(r.clients.map((c) => [c.name, c.byStatus])).toEqual([
      ['by-ip', { '200': 20 }],
      ['by-name', { '200': 20 }],
    ]);
    expect(viaWaypoint(r, 'by-ip')).toBe(20);
    expect(
      istioCount(r, { reporter: 'waypoint', destination_workload: 'web', destination_service: 'unknown' }),
    ).toBe(20);
    expect(viaWaypoint(r, 'by-name')).toBe(0);
    // The waypoint connected to web for the IP-addressed requests, the client itself for the others.
    expect(openedAtWebFrom(r, 'wp')).toBe(20);
    expect(openedAtWebFrom(r, 'by-ip')).toBe(0);
    expect(openedAtWebFrom(r, 'by-name')).toBe(20);
  });

  it("the namespace's use-waypoint binds its pods to a workload waypoint too", () => {
    const r = runTexts(scenario(BOTH), manifests({ waypointFor: 'workload', nsLabel: true }));
    expect([viaWaypoint(r, 'by-ip'), viaWaypoint(r, 'by-name')]).toEqual([20, 0]);
  });

  it('a service waypoint takes only the Service-addressed traffic', () => {
    const r = runTexts(scenario(BOTH), manifests({ waypointFor: 'service', nsLabel: true }));
    expect([viaWaypoint(r, 'by-ip'), viaWaypoint(r, 'by-name')]).toEqual([0, 20]);
    expect(openedAtWebFrom(r, 'by-ip')).toBe(20);
  });

  it('waypoint-for: all takes both, each on its own path (the Service one routed, the IP one direct)', () => {
    const r = runTexts(scenario(BOTH), manifests({ waypointFor: 'all', nsLabel: true }));
    expect([viaWaypoint(r, 'by-ip'), viaWaypoint(r, 'by-name')]).toEqual([20, 20]);
    expect(istioCount(r, { reporter: 'waypoint', destination_service: 'web.shop.svc.cluster.local' })).toBe(
      20,
    );
    expect(istioCount(r, { reporter: 'waypoint', destination_service: 'unknown' })).toBe(20);
  });

  it('the waypoint adds its hop: IP-addressed requests are slower through it than straight to the pod', () => {
    const through = runTexts(
      scenario(client('by-ip', `http://${WEB_IP}:9080/`)),
      manifests({ waypointFor: 'workload', podLabel: true }),
    );
    const direct = runTexts(
      scenario(client('by-ip', `http://${WEB_IP}:9080/`)),
      manifests({ waypointFor: 'workload' }),
    );
    expect(viaWaypoint(direct, 'by-ip')).toBe(0);
    expect(through.clients[0]!.latencyMs.mean).toBeGreaterThan(direct.clients[0]!.latencyMs.mean);
  });

  it('an IP no pod has: the connection is reset (status 0)', () => {
    const r = runTexts(
      scenario(client('lost', 'http://10.9.9.9:9080/')),
      manifests({ waypointFor: 'workload' }),
    );
    expect(r.clients[0]!.byStatus).toEqual({ '0': 20 });
  });

  it('only ambient callers may address a pod IP: a sidecar client is refused (MSIM2011)', () => {
    const l = loadScenarioFromTexts(
      { file: 's.yaml', text: scenario(client('side', `http://${WEB_IP}:9080/`, 'front')) },
      [{ file: 'm.yaml', text: manifests({ waypointFor: 'workload' }) }],
    );
    expect(
      l.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.line}:${d.column}`),
    ).toEqual(['MSIM2011 14:24']);
  });
});
