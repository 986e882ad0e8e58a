import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMesh, sortDiagnostics } from '../../src/config/index.js';
import { loadManifestPaths } from '../../src/config/fs-loader.js';

async function findings(paths: string[]): Promise<string[]> {
  const r = await loadManifestPaths(paths);
  return sortDiagnostics([...r.diagnostics, ...analyzeMesh(r.config)]).map(
    (d) => `${d.file}:${d.line} ${d.severity} ${d.code}`,
  );
}

describe('models/recipe', () => {
  it('loads cleanly: only the warning Istio itself gives (consecutiveErrors) and the DR merge note', async () => {
    expect(await findings(['models/recipe'])).toEqual([
      'models/recipe/step07-circuit-breaker.yaml:20 warning IST0002',
      'models/recipe/supporting-services.yaml:452 info MSIM1050',
    ]);
  });

  it('has a file per recipe step 2-10 plus the supporting services', () => {
    expect(
      readdirSync('models/recipe')
        .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml'))
        .sort(),
    ).toEqual([
      'step02-product-service.yaml',
      'step03-traffic-split.yaml',
      'step04-header-routing.yaml',
      'step05-uri-routing.yaml',
      'step06-fault-injection.yaml',
      'step07-circuit-breaker.yaml',
      'step08-timeouts-retries.yaml',
      'step09-mirroring.yaml',
      'step10-load-balancing.yaml',
      'supporting-services.yaml',
    ]);
  });

  it('resolves the recipe the way the simulator needs it', async () => {
    const { config } = await loadManifestPaths(['models/recipe']);
    expect(config.services).toHaveLength(9);
    const mirror = config.virtualServices.find((v) => v.meta.name === 'traffic-mirroring')!.http[0]!;
    expect(mirror.mirrors).toEqual([
      {
        destination: { host: 'api-service.production.svc.cluster.local', subset: 'v2-test' },
        percentage: 10,
      },
    ]);
    expect(mirror.timeoutMs).toBe(10_000);
    expect(mirror.retries).toMatchObject({
      numRetries: 3,
      perTryTimeoutMs: 2000,
      retryOn: ['gateway-error', 'connect-failure', 'refused-stream', '5xx'],
    });
    const fault = config.virtualServices.find((v) => v.meta.name === 'fault-injection')!;
    expect(fault.http.map((h) => h.fault)).toEqual([
      { delay: { percentage: 100, fixedDelayMs: 7000 } },
      { abort: { percentage: 50, httpStatus: 500 } },
      { abort: { percentage: 0.1, httpStatus: 503 } },
    ]);
  });
});

describe('the recipe as published (test/fixtures/config/recipe-verbatim)', () => {
  it('gets the diagnostics Istio gives it: IST0109 for two api-service VirtualServices, IST0106 for distribute+failover', async () => {
    const models = readdirSync('models/recipe')
      .filter((f) => /^step0[2-7]|^supporting/.test(f) && !f.endsWith('.scenario.yaml'))
      .map((f) => `models/recipe/${f}`);
    expect(await findings(['test/fixtures/config/recipe-verbatim', ...models])).toEqual([
      'models/recipe/step07-circuit-breaker.yaml:20 warning IST0002',
      'test/fixtures/config/recipe-verbatim/step08-timeouts-retries.yaml:8 error IST0109',
      'test/fixtures/config/recipe-verbatim/step09-mirroring.yaml:8 error IST0109',
      'test/fixtures/config/recipe-verbatim/step10-load-balancing.yaml:25 error IST0106',
    ]);
  });
});

describe('broken copies (test/fixtures/config/broken)', () => {
  it('produce exactly the expected codes at the expected lines', async () => {
    const dir = 'test/fixtures/config/broken';
    expect(await findings([dir, 'models/recipe/supporting-services.yaml'])).toEqual([
      `${dir}/step04-header-routing.yaml:15 error IST0106`,
      `${dir}/step04-header-routing.yaml:23 error IST0106`,
      `${dir}/step04-header-routing.yaml:27 error IST0106`,
      `${dir}/step06-fault-injection.yaml:19 error IST0106`,
      `${dir}/step06-fault-injection.yaml:20 error IST0106`,
      `${dir}/step06-fault-injection.yaml:28 error IST0106`,
      `${dir}/step07-circuit-breaker.yaml:13 error IST0106`,
      `${dir}/step07-circuit-breaker.yaml:17 warning IST0002`,
      `${dir}/step07-circuit-breaker.yaml:20 error IST0106`,
      `${dir}/step08-timeouts-retries.yaml:18 error IST0106`,
      `${dir}/step08-timeouts-retries.yaml:19 error IST0106`,
      `${dir}/step08-timeouts-retries.yaml:24 error IST0106`,
      `${dir}/step09-mirroring.yaml:14 error IST0101`,
      `${dir}/step09-mirroring.yaml:16 warning MSIM1002`,
      `${dir}/step09-mirroring.yaml:19 error IST0101`,
    ]);
  });
});
