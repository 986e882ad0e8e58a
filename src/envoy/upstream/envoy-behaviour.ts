import type { EnvoyBehaviour } from '../../config/istio-version.js';

/**
 * What an Envoy built without a version (unit tests, benches) does: the newest line's behaviour. The
 * world always passes the resolved profile's EnvoyBehaviour (config/istio-version.ts, the one table);
 * test/versions/profile.test.ts checks that this equals that table's newest row.
 */
export const NEWEST_ENVOY_BEHAVIOUR: EnvoyBehaviour = Object.freeze({
  version: '1.39',
  http2MaxConcurrentStreamsDefault: 1024,
  maxRequestsOverflowCounter: 'upstream_rq_active_overflow',
  trackRemaining: false,
  strictMaxEjectionPercent: true,
});
