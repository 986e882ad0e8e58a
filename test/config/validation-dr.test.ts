import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/config/index.js';
import { dr, load } from './helpers.js';

const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.path ?? ''}: ${d.message}`);
const ok = (ds: Diagnostic[]) => expect(brief(ds)).toEqual([]);
function bad(ds: Diagnostic[], code: string, path: string, msg: string) {
  const found = ds.filter((d) => d.code === code && d.path === path && d.message.includes(msg));
  expect(found.length, brief(ds).join('\n')).toBeGreaterThan(0);
}
/** Diagnostics of a DR for reviews with `tp` as its trafficPolicy (YAML indented 4). */
const policy = (tp: string) => load(dr(`  host: reviews\n  trafficPolicy:\n${tp}`)).diagnostics;

describe('outlierDetection', () => {
  it.each([
    [0, true],
    [100, true],
    [101, false],
    [-1, false],
  ])('maxEjectionPercent %s', (v, valid) => {
    const ds = policy(`    outlierDetection: {maxEjectionPercent: ${v}}\n`);
    if (valid) ok(ds);
    else
      bad(
        ds,
        'IST0106',
        'spec.trafficPolicy.outlierDetection.maxEjectionPercent',
        'must be in range [0..100]',
      );
  });
  it('minHealthPercent 100 ok, 101 rejected', () => {
    ok(policy('    outlierDetection: {minHealthPercent: 100}\n'));
    bad(
      policy('    outlierDetection: {minHealthPercent: 101}\n'),
      'IST0106',
      'spec.trafficPolicy.outlierDetection.minHealthPercent',
      'min health',
    );
  });
  it('consecutiveErrors is deprecated (IST0002 warning) and ignored', () => {
    const { config, diagnostics } = load(
      dr('  host: reviews\n  trafficPolicy:\n    outlierDetection: {consecutiveErrors: 1}\n'),
    );
    expect(diagnostics.map((d) => d.code)).toEqual(['IST0002']);
    expect(config.destinationRules[0]?.trafficPolicy?.outlierDetection?.consecutive5xxErrors).toBe(5);
    expect(
      config.destinationRules[0]?.trafficPolicy?.outlierDetection?.consecutiveGatewayErrors.enforcing,
    ).toBe(false);
  });
  it('consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors', () => {
    bad(
      policy('    outlierDetection: {consecutiveLocalOriginFailures: 3}\n'),
      'IST0106',
      'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures',
      'split external local origin errors',
    );
    ok(
      policy(
        '    outlierDetection: {consecutiveLocalOriginFailures: 3, splitExternalLocalOriginErrors: true}\n',
      ),
    );
  });
  it('durations: 1ms is the minimum', () => {
    ok(policy('    outlierDetection: {interval: 1ms, baseEjectionTime: 1ms}\n'));
    bad(
      policy('    outlierDetection: {interval: 0.9ms}\n'),
      'IST0106',
      'spec.trafficPolicy.outlierDetection.interval',
      'at least 1ms',
    );
  });
});

describe('connectionPool', () => {
  it('needs tcp or http; counts are >= 0; a trafficPolicy needs a field', () => {
    bad(
      policy('    connectionPool: {}\n'),
      'IST0106',
      'spec.trafficPolicy.connectionPool',
      'at least one of tcp or http',
    );
    bad(
      policy('    connectionPool: {tcp: {maxConnections: -1}}\n'),
      'IST0106',
      'spec.trafficPolicy.connectionPool.tcp.maxConnections',
      'non-negative',
    );
    ok(policy('    connectionPool: {tcp: {maxConnections: 0}, http: {http1MaxPendingRequests: 0}}\n'));
    bad(
      load(dr('  host: reviews\n  trafficPolicy: {}\n')).diagnostics,
      'IST0106',
      'spec.trafficPolicy',
      'at least one field',
    );
  });
  it('useClientProtocol conflicts with UPGRADE; tcp idleTimeout may be 0s; connectTimeout >= 1ms', () => {
    bad(
      policy('    connectionPool: {http: {useClientProtocol: true, h2UpgradePolicy: UPGRADE}}\n'),
      'IST0106',
      'spec.trafficPolicy.connectionPool.http',
      'use client protocol',
    );
    ok(policy('    connectionPool: {tcp: {idleTimeout: 0s, connectTimeout: 1ms}}\n'));
    bad(
      policy('    connectionPool: {tcp: {connectTimeout: 0s}}\n'),
      'IST0106',
      'spec.trafficPolicy.connectionPool.tcp.connectTimeout',
      'at least 1ms',
    );
  });
  it('enum values get a did-you-mean', () => {
    bad(
      policy('    connectionPool: {http: {h2UpgradePolicy: UPGRAED}}\n'),
      'IST0106',
      'spec.trafficPolicy.connectionPool.http.h2UpgradePolicy',
      'did you mean "UPGRADE"?',
    );
  });
});

describe('loadBalancer', () => {
  const lb = (s: string) => policy(`    loadBalancer:\n${s}`);
  it('simple and consistentHash are exclusive; LEAST_CONN is deprecated', () => {
    bad(
      lb('      simple: RANDOM\n      consistentHash: {useSourceIp: true}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer',
      'only one of simple or consistentHash',
    );
    expect(lb('      simple: LEAST_CONN\n').map((d) => d.code)).toEqual(['IST0002']);
  });
  it('maglev table size: required, prime, below 5000011', () => {
    ok(lb('      consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}\n'));
    bad(
      lb('      consistentHash: {useSourceIp: true, maglev: {tableSize: 65536}}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize',
      'prime',
    );
    bad(
      lb('      consistentHash: {useSourceIp: true, maglev: {}}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.consistentHash.maglev',
      'required',
    );
  });
  it('httpCookie needs a name; minimumRingSize is deprecated and exclusive with ringHash', () => {
    bad(
      lb('      consistentHash: {httpCookie: {ttl: 10s}}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie',
      'name required',
    );
    const ds = lb(
      '      consistentHash: {useSourceIp: true, minimumRingSize: 10, ringHash: {minimumRingSize: 10}}\n',
    );
    bad(ds, 'IST0002', 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize', 'deprecated');
    bad(
      ds,
      'IST0106',
      'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize',
      'cannot be combined',
    );
  });
  it('locality: distribute weights 1..100 summing to 100; distribute and failover exclusive', () => {
    ok(
      lb(
        '      localityLbSetting:\n        distribute: [{from: "us-east/*", to: {"us-east/*": 80, "us-west/*": 20}}]\n',
      ),
    );
    bad(
      lb('      localityLbSetting:\n        distribute: [{from: "a/*", to: {"a/*": 80, "b/*": 19}}]\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to',
      'total locality weight 99 != 100',
    );
    bad(
      lb('      localityLbSetting:\n        distribute: [{from: "a/*", to: {"a/*": 100, "b/*": 0}}]\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to',
      'range [1, 100]',
    );
    bad(
      lb(
        '      localityLbSetting:\n        distribute: [{from: "a/*", to: {"a/*": 100}}]\n        failover: [{from: a, to: b}]\n',
      ),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.localityLbSetting',
      "can not simultaneously specify 'distribute' and 'failover'",
    );
  });
  it('failover: different regions, no wildcard; without outlierDetection a warning', () => {
    bad(
      lb('      localityLbSetting: {failover: [{from: a, to: a}]}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]',
      'different regions',
    );
    bad(
      lb('      localityLbSetting: {failover: [{from: a, to: "b*"}]}\n'),
      'IST0106',
      'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to',
      'wildcard',
    );
    const ds = lb('      localityLbSetting: {failover: [{from: a, to: b}]}\n');
    expect(ds.map((d) => d.code)).toEqual(['IST0133']);
    ok(
      policy(
        '    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer:\n      localityLbSetting: {failover: [{from: a, to: b}]}\n',
      ),
    );
  });
});

describe('subsets, ports, host', () => {
  it('subset names: DNS-1123 labels, unique', () => {
    const ds = load(
      dr(
        '  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v1, labels: {version: v2}}\n  - {name: V3}\n',
      ),
    ).diagnostics;
    bad(ds, 'IST0106', 'spec.subsets[1].name', 'duplicate subset names');
    bad(ds, 'IST0106', 'spec.subsets[2].name', 'DNS-1123');
  });
  it('portLevelSettings need a port and a field', () => {
    bad(
      policy('    portLevelSettings: [{loadBalancer: {simple: RANDOM}}]\n'),
      'IST0106',
      'spec.trafficPolicy.portLevelSettings[0]',
      'must have valid port',
    );
    bad(
      policy('    portLevelSettings: [{port: {number: 80}}]\n'),
      'IST0106',
      'spec.trafficPolicy.portLevelSettings[0]',
      'at least one field',
    );
    bad(
      policy('    portLevelSettings: [{port: {number: 0}, tls: {mode: SIMPLE}}]\n'),
      'IST0106',
      'spec.trafficPolicy.portLevelSettings[0].port.number',
      'between 1 and 65535',
    );
  });
  it('host is required and a valid (wildcard) domain', () => {
    bad(load(dr('  subsets: []\n')).diagnostics, 'IST0106', 'spec', 'missing required field "host"');
    bad(load(dr('  host: "bad_host!"\n')).diagnostics, 'IST0106', 'spec.host', 'not a valid host');
    ok(load(dr('  host: "*.example.com"\n')).diagnostics);
  });
});
