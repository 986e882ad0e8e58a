import { describe, expect, it } from 'vitest';
import { runModel } from '../support/run-model.js';

describe('Istio standard metrics', () => {
  it('reporter=destination names the Service the pod serves, not the Host header (api.example.com -> api-service)', async () => {
    const r = await runModel('models/recipe/step05-uri-routing.scenario.yaml', { durationMs: 5000 });
    const dest = r.istio.filter((m) => m.labels.reporter === 'destination');
    const services = new Set(dest.map((m) => m.labels.destination_service));
    expect(services.has('api.example.com')).toBe(false);
    expect(services).toContain('api-service.production.svc.cluster.local');
    for (const m of dest) {
      expect(m.labels.destination_service_name).toBe(m.labels.destination_service!.split('.')[0]);
      expect(m.labels.destination_service_namespace).toBe('production');
    }
    // Each destination-reported request has a source-reported twin (no retries or mirrors in this model),
    // except responses still on their way back when the run ends (at most the requests in flight then).
    const count = (reporter: string) =>
      r.istio.filter((m) => m.labels.reporter === reporter).reduce((s, m) => s + m.count, 0);
    expect(count('destination')).toBeGreaterThanOrEqual(count('source'));
    expect(count('destination') - count('source')).toBeLessThanOrEqual(r.conservation.inFlightAtEnd);
  });
});
