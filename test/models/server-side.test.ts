import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/run/index.js';
import { runModel } from '../support/run-model.js';

const INBOUND = 'inbound|8080||';
const OUTBOUND = 'outbound|8080||checkout.shop.svc.cluster.local';
const stats = (r: Result, name: string) => r.clusters.find((c) => c.name === name)!.stats;
const istio = (r: Result, reporter: string, code: string, flags: string) =>
  r.istio
    .filter(
      (s) =>
        s.labels.reporter === reporter &&
        s.labels.response_code === code &&
        s.labels.response_flags === flags,
    )
    .reduce((n, s) => n + s.count, 0);

describe('models/server-side: the DestinationRule connectionPool caps every server pod', () => {
  it('overflow: 503 UO from the checkout sidecars only while the offered load exceeds 3 x 100 / 50 ms', async () => {
    const r = await runModel('models/server-side/overflow.scenario.yaml');
    const inbound = stats(r, INBOUND);
    const outbound = stats(r, OUTBOUND);
    const fe = r.clients[0]!;
    const n503 = fe.byStatus['503'] ?? 0;
    // The 20 frontend sidecars' own limits (100 connections, 50 pending each) never bind.
    expect(outbound.upstream_rq_pending_overflow ?? 0).toBe(0);
    expect(outbound.upstream_cx_overflow ?? 0).toBe(0);
    // Every 503 is a checkout sidecar's overflow reply: UO at the destination, a plain 503 at the source.
    expect(n503).toBeGreaterThan(0);
    expect(inbound.upstream_rq_pending_overflow).toBe(n503);
    expect(istio(r, 'destination', '503', 'UO')).toBe(n503);
    expect(istio(r, 'source', '503', '-')).toBe(n503);
    expect(fe.byFlag.UO ?? 0).toBe(0);
    // At most 100 connections to the app per checkout pod (maxConnections), 3 pods.
    expect(inbound.upstream_cx_total).toBeLessThanOrEqual(300);
    // The app (200 threads) never has more than 100 requests per pod in service: saturation <= 50 %.
    const wl = r.workloads.find((w) => w.workload === 'shop/checkout')!;
    expect(wl.saturation).toBeLessThanOrEqual(0.5);
    // Overflow only between 10 s and 20 s (7,500/s offered for 6,000/s of capacity).
    const series = r.series.clients.frontend!;
    const errorsIn = (from: number, to: number) =>
      series.filter((p) => p.t >= from && p.t < to).reduce((n, p) => n + p.errors, 0);
    expect(errorsIn(0, 10_000)).toBe(0);
    expect(errorsIn(21_000, 30_000)).toBe(0);
    expect(errorsIn(10_000, 21_000)).toBe(n503);
    // About (7500 - 6000) / 7500 = 20 % of the 10 s at 7,500/s, once the pending queues are full.
    expect(n503).toBeGreaterThan(0.1 * 75_000);
    expect(n503).toBeLessThan(0.25 * 75_000);
  });

  it('container crash: the sidecar answers 503 itself (UC, then UF,URX); a pod crash resets connections', async () => {
    const r = await runModel('models/server-side/container-crash.scenario.yaml');
    const inbound = stats(r, INBOUND);
    const refused = istio(r, 'destination', '503', 'UF,URX');
    expect(refused).toBeGreaterThan(0);
    // Three refused connects per such request: the first try and two inbound retries.
    expect(inbound.upstream_rq_retry_limit_exceeded).toBe(refused);
    expect(inbound.upstream_cx_connect_fail).toBeGreaterThanOrEqual(3 * refused);
    // The requests the app held when its container died: 503 UC from its sidecar.
    expect(istio(r, 'destination', '503', 'UC')).toBeGreaterThan(0);
    // The frontends never saw a connection failure from the container crash: only upstream 503s ...
    expect(istio(r, 'source', '503', '-')).toBe(refused + istio(r, 'destination', '503', 'UC'));
    // ... while the pod crash at 40 s resets their connections (UC at the source, no server reply).
    expect(istio(r, 'source', '503', 'UC')).toBeGreaterThan(0);
  });
});
