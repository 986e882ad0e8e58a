/**
 * DestinationRule rules of Istio's validating webhook [I:pkg/config/validation/validation.go
 * `ValidateDestinationRule`, `validateTrafficPolicy`, `validateConnectionPool`, `validateOutlierDetection`,
 * `validateLoadBalancer`, `ValidateLocalityLbSetting`; Istio validation.go].
 */
import { isDottedShortHost } from '../hosts.js';
import type { Reporter } from '../report.js';
import type {
  DestinationRuleDoc,
  LoadBalancerDoc,
  OutlierDetectionDoc,
  TrafficPolicyDoc,
} from '../schema/destination-rule.js';
import type { YamlPath } from '../yaml-source.js';
import { checkExportTo, checkLabels, dns1123LabelProblem, wildcardDomainProblem } from './common.js';
import { checkZoneAwareLbSetting } from './destination-rule-version-rules.js';
import { dottedHostWarning } from './virtual-service-rules.js';

const MAX_MAGLEV_TABLE = 5_000_011;
const TOPOLOGY_LABELS = new Set([
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
]);

export function validateDestinationRuleSpec(r: Reporter, spec: DestinationRuleDoc['spec'], ns: string): void {
  const S: YamlPath = ['spec'];
  const problem = wildcardDomainProblem(spec.host);
  if (problem) r.add('IST0106', [...S, 'host'], problem);
  else if (isDottedShortHost(spec.host, ns)) dottedHostWarning(r, [...S, 'host'], spec.host, ns);
  if (spec.trafficPolicy) checkTrafficPolicy(r, [...S, 'trafficPolicy'], spec.trafficPolicy);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((s, i) => {
    const p = [...S, 'subsets', i];
    const bad = dns1123LabelProblem(s.name, 'subset name');
    if (bad) r.add('IST0106', [...p, 'name'], bad);
    if (names.has(s.name)) r.add('IST0106', [...p, 'name'], `duplicate subset names: "${s.name}"`);
    names.add(s.name);
    checkLabels(r, [...p, 'labels'], s.labels);
    if (s.trafficPolicy) checkTrafficPolicy(r, [...p, 'trafficPolicy'], s.trafficPolicy);
  });
  checkExportTo(r, [...S, 'exportTo'], spec.exportTo);
}

type Blocks = Pick<TrafficPolicyDoc, 'connectionPool' | 'outlierDetection' | 'loadBalancer' | 'tls'>;

function checkTrafficPolicy(r: Reporter, p: YamlPath, tp: TrafficPolicyDoc): void {
  if (Object.keys(tp).length === 0) r.add('IST0106', p, 'traffic policy must have at least one field');
  checkBlocks(r, p, tp);
  const ports = new Set<number>();
  (tp.portLevelSettings ?? []).forEach((pl, i) => {
    const pp = [...p, 'portLevelSettings', i];
    if (pl.port?.number === undefined) r.add('IST0106', pp, 'portTrafficPolicy must have valid port');
    else if (ports.has(pl.port.number))
      r.add('IST0106', [...pp, 'port'], `duplicate port ${pl.port.number} in portLevelSettings`);
    else ports.add(pl.port.number);
    if (!pl.connectionPool && !pl.outlierDetection && !pl.loadBalancer && !pl.tls)
      r.add('IST0106', pp, 'port traffic policy must have at least one field');
    checkBlocks(r, pp, pl);
  });
  const rb = tp.retryBudget;
  if (rb?.percent !== undefined && (rb.percent < 0 || rb.percent > 100))
    r.add(
      'IST0106',
      [...p, 'retryBudget', 'percent'],
      `retry budget percent ${rb.percent} must be between 0 and 100`,
    );
}

function checkBlocks(r: Reporter, p: YamlPath, b: Blocks): void {
  const cp = b.connectionPool;
  if (cp) {
    const cpp = [...p, 'connectionPool'];
    if (!cp.tcp && !cp.http) r.add('IST0106', cpp, 'must set at least one of tcp or http');
    const counts: [string, string, number | undefined][] = [
      ['tcp', 'maxConnections', cp.tcp?.maxConnections],
      ['http', 'http1MaxPendingRequests', cp.http?.http1MaxPendingRequests],
      ['http', 'http2MaxRequests', cp.http?.http2MaxRequests],
      ['http', 'maxRequestsPerConnection', cp.http?.maxRequestsPerConnection],
      ['http', 'maxRetries', cp.http?.maxRetries],
      ['http', 'maxConcurrentStreams', cp.http?.maxConcurrentStreams],
    ];
    for (const [blk, f, v] of counts)
      if (v !== undefined && v < 0) r.add('IST0106', [...cpp, blk, f], `${f} must be a non-negative integer`);
    if (cp.http?.useClientProtocol && cp.http.h2UpgradePolicy === 'UPGRADE')
      r.add(
        'IST0106',
        [...cpp, 'http'],
        'use client protocol must not be true when H2UpgradePolicy is UPGRADE',
      );
    const ka = cp.http?.http2KeepAlive;
    if (ka && (ka.interval === undefined || ka.timeout === undefined))
      r.add('IST0106', [...cpp, 'http', 'http2KeepAlive'], 'http2KeepAlive needs both interval and timeout');
  }
  if (b.outlierDetection) checkOutlier(r, [...p, 'outlierDetection'], b.outlierDetection);
  if (b.loadBalancer) checkLoadBalancer(r, [...p, 'loadBalancer'], b.loadBalancer, b.outlierDetection);
  if (b.loadBalancer) checkZoneAwareLbSetting(r, [...p, 'loadBalancer'], b.loadBalancer, b.outlierDetection);
}

function checkOutlier(r: Reporter, p: YamlPath, od: OutlierDetectionDoc): void {
  if (od.consecutiveErrors !== undefined) {
    // Ignored since Istio 1.7 (commit a291ab60): only this warning remains (Istio cluster_traffic_policy.go applyOutlierDetection).
    r.add(
      'IST0002',
      [...p, 'consecutiveErrors'],
      'Deprecated: outlier detection consecutive errors is deprecated and ignored since Istio 1.7, use consecutiveGatewayErrors or consecutive5xxErrors instead',
    );
    if (od.consecutiveErrors < 0)
      r.add(
        'IST0106',
        [...p, 'consecutiveErrors'],
        'outlier detection consecutive errors cannot be negative',
      );
  }
  for (const f of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const v = od[f];
    if (v !== undefined && (v < 0 || v > 100))
      r.add(
        'IST0106',
        [...p, f],
        `${f === 'maxEjectionPercent' ? 'max ejection' : 'min health'} percent must be in range [0..100] (it is ${v})`,
      );
  }
  if (od.consecutiveLocalOriginFailures !== undefined && !od.splitExternalLocalOriginErrors)
    r.add(
      'IST0106',
      [...p, 'consecutiveLocalOriginFailures'],
      'consecutive local origin failures is set, but split external local origin errors is set to false',
    );
}

function checkLoadBalancer(
  r: Reporter,
  p: YamlPath,
  lb: LoadBalancerDoc,
  od: OutlierDetectionDoc | undefined,
): void {
  if (lb.simple !== undefined && lb.consistentHash !== undefined)
    r.add('IST0106', p, 'only one of simple or consistentHash may be set');
  if (lb.simple === 'LEAST_CONN')
    r.add('IST0002', [...p, 'simple'], 'Deprecated: LEAST_CONN is deprecated, use LEAST_REQUEST');
  const ch = lb.consistentHash;
  if (ch) {
    const cp = [...p, 'consistentHash'];
    const keys = (['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const).filter(
      (k) => ch[k] !== undefined,
    );
    if (keys.length > 1) r.add('IST0106', cp, `only one hash key may be set (found ${keys.join(', ')})`);
    if (ch.httpCookie) {
      if (!ch.httpCookie.name) r.add('IST0106', [...cp, 'httpCookie'], 'name required for HttpCookie');
      const attrs = (ch.httpCookie.attributes ?? []).map((a) => a.name ?? '');
      if (new Set(attrs).size !== attrs.length)
        r.add('IST0106', [...cp, 'httpCookie', 'attributes'], 'cookie attribute names must be unique');
    }
    if (ch.ringHash && ch.maglev) r.add('IST0106', cp, 'only one of ringHash or maglev may be set');
    if (ch.minimumRingSize !== undefined) {
      r.add(
        'IST0002',
        [...cp, 'minimumRingSize'],
        'Deprecated: consistentHash.minimumRingSize is deprecated, use ringHash.minimumRingSize',
      );
      if (ch.ringHash || ch.maglev)
        r.add(
          'IST0106',
          [...cp, 'minimumRingSize'],
          'minimumRingSize cannot be combined with ringHash or maglev',
        );
    }
    if (ch.maglev) {
      const t = ch.maglev.tableSize;
      if (t === undefined || t === 0) r.add('IST0106', [...cp, 'maglev'], 'maglev tableSize is required');
      else if (!isPrime(t) || t >= MAX_MAGLEV_TABLE)
        r.add(
          'IST0106',
          [...cp, 'maglev', 'tableSize'],
          `maglev tableSize ${t} must be a prime number below ${MAX_MAGLEV_TABLE}`,
        );
    }
  }
  const loc = lb.localityLbSetting;
  if (loc) {
    const lp = [...p, 'localityLbSetting'];
    const failover = loc.failover ?? [];
    const distribute = loc.distribute ?? [];
    if (distribute.length > 0 && failover.length > 0) {
      r.add('IST0106', lp, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (failover.length > 0)
      for (const l of loc.failoverPriority ?? [])
        if (TOPOLOGY_LABELS.has(l)) {
          r.add(
            'IST0106',
            [...lp, 'failoverPriority'],
            `can not simultaneously set 'failover' and topology label '${l}' in 'failover_priority'`,
          );
          return;
        }
    distribute.forEach((d, i) => {
      const to = Object.values(d.to ?? {});
      if (to.some((w) => w <= 0 || w > 100))
        r.add('IST0106', [...lp, 'distribute', i, 'to'], 'locality weight must be in range [1, 100]');
      else if (to.reduce((s, w) => s + w, 0) !== 100)
        r.add(
          'IST0106',
          [...lp, 'distribute', i, 'to'],
          `total locality weight ${to.reduce((s, w) => s + w, 0)} != 100`,
        );
    });
    failover.forEach((f, i) => {
      if (f.from === f.to)
        r.add(
          'IST0106',
          [...lp, 'failover', i],
          'locality lb failover settings must specify different regions',
        );
      if ((f.to ?? '').includes('*'))
        r.add(
          'IST0106',
          [...lp, 'failover', i, 'to'],
          "locality lb failover region should not contain '*' wildcard",
        );
    });
    if ((failover.length > 0 || (loc.failoverPriority ?? []).length > 0) && !od)
      r.add(
        'IST0133',
        lp,
        'Schema validation warning: outlier detection policy must be provided for failover',
      );
  }
  const w = lb.warmup;
  if (w) {
    if (w.duration === undefined) r.add('IST0106', [...p, 'warmup'], 'warmup duration is required');
    if (w.minimumPercent !== undefined && (w.minimumPercent < 0 || w.minimumPercent > 100))
      r.add('IST0106', [...p, 'warmup', 'minimumPercent'], 'warmup minimumPercent must be between 0 and 100');
    if (w.aggression !== undefined && w.aggression <= 0)
      r.add('IST0106', [...p, 'warmup', 'aggression'], 'warmup aggression must be greater than 0');
  }
  if (w && lb.warmupDurationSecs !== undefined)
    r.add('IST0106', p, 'only one of warmup or warmupDurationSecs may be set');
}

function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
