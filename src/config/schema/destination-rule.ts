/**
 * networking.istio.io DestinationRule (v1alpha3, v1beta1, v1), every traffic-policy field
 * [A:networking/v1alpha3/destination_rule.proto]. Cross-field rules: validate/destination-rule-rules.ts.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import {
  bool,
  duration,
  int,
  list,
  nonEmpty,
  num,
  obj,
  oneOfEnum,
  port,
  str,
  stringMap,
  uint32,
} from './zod-helpers.js';

const tcpKeepalive = obj({
  probes: uint32().optional(),
  time: duration().optional(),
  interval: duration().optional(),
});

export const connectionPool = obj({
  tcp: obj({
    maxConnections: int(-2147483648, 2147483647).optional(),
    connectTimeout: duration().optional(),
    tcpKeepalive: tcpKeepalive.optional(),
    maxConnectionDuration: duration().optional(),
    idleTimeout: duration({ allowZero: true }).optional(),
  }).optional(),
  http: obj({
    http1MaxPendingRequests: int(-2147483648, 2147483647).optional(),
    http2MaxRequests: int(-2147483648, 2147483647).optional(),
    maxRequestsPerConnection: int(-2147483648, 2147483647).optional(),
    maxRetries: int(-2147483648, 2147483647).optional(),
    idleTimeout: duration().optional(),
    h2UpgradePolicy: oneOfEnum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const).optional(),
    useClientProtocol: bool().optional(),
    maxConcurrentStreams: int(-2147483648, 2147483647).optional(),
    http2KeepAlive: obj({ interval: duration().optional(), timeout: duration().optional() }).optional(),
  }).optional(),
});

export const outlierDetection = obj({
  splitExternalLocalOriginErrors: bool().optional(),
  consecutiveLocalOriginFailures: uint32().optional(),
  consecutiveGatewayErrors: uint32().optional(),
  consecutive5xxErrors: uint32().optional(),
  consecutiveErrors: int(-2147483648, 2147483647).optional(),
  interval: duration().optional(),
  baseEjectionTime: duration().optional(),
  maxEjectionPercent: int(-2147483648, 2147483647).optional(),
  minHealthPercent: int(-2147483648, 2147483647).optional(),
  /** Istio 1.31: only these statuses count as errors (CRD items minimum 100, maximum 599). */
  outlierDetectionHttpErrorCodes: list(int(100, 599)).optional(),
});

const httpCookie = obj({
  name: str().optional(),
  path: str().optional(),
  ttl: duration({ allowZero: true }).optional(),
  attributes: list(obj({ name: str().optional(), value: str().optional() })).optional(),
});

const consistentHash = obj({
  httpHeaderName: str().optional(),
  httpCookie: httpCookie.optional(),
  useSourceIp: bool().optional(),
  httpQueryParameterName: str().optional(),
  ringHash: obj({ minimumRingSize: int(0, Number.MAX_SAFE_INTEGER).optional() }).optional(),
  maglev: obj({ tableSize: int(0, Number.MAX_SAFE_INTEGER).optional() }).optional(),
  minimumRingSize: int(0, Number.MAX_SAFE_INTEGER).optional(),
});

export const localityLbSetting = obj({
  distribute: list(obj({ from: str().optional(), to: z.record(z.string(), uint32()).optional() })).optional(),
  failover: list(obj({ from: str().optional(), to: str().optional() })).optional(),
  failoverPriority: list(str()).optional(),
  enabled: bool().optional(),
});

export const loadBalancer = obj({
  simple: oneOfEnum([
    'UNSPECIFIED',
    'LEAST_CONN',
    'RANDOM',
    'PASSTHROUGH',
    'ROUND_ROBIN',
    'LEAST_REQUEST',
  ] as const).optional(),
  consistentHash: consistentHash.optional(),
  localityLbSetting: localityLbSetting.optional(),
  warmupDurationSecs: duration().optional(),
  /** Istio 1.31 [A:destination_rule.proto ZoneAwareLoadBalancerSetting]. */
  zoneAwareLbSetting: obj({
    enabled: bool().optional(),
    failover: list(obj({ from: str().optional(), to: str().optional() })).optional(),
    failoverPriority: list(str()).optional(),
    minClusterSize: int(1, 4294967295).optional(),
  }).optional(),
  warmup: obj({
    duration: duration().optional(),
    minimumPercent: num().optional(),
    aggression: num().optional(),
  }).optional(),
});

const clientTls = obj({
  mode: oneOfEnum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const).optional(),
  clientCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
  credentialName: str().optional(),
  subjectAltNames: list(str()).optional(),
  sni: str().optional(),
  insecureSkipVerify: bool().optional(),
  caCrl: str().optional(),
});

const policyBlocks = {
  connectionPool: connectionPool.optional(),
  outlierDetection: outlierDetection.optional(),
  loadBalancer: loadBalancer.optional(),
  tls: clientTls.optional(),
};

const portTrafficPolicy = obj({ port: obj({ number: port().optional() }).optional(), ...policyBlocks });

export const trafficPolicy = obj({
  ...policyBlocks,
  portLevelSettings: list(portTrafficPolicy).optional(),
  tunnel: obj({
    protocol: str().optional(),
    targetHost: str().optional(),
    targetPort: port().optional(),
  }).optional(),
  proxyProtocol: obj({ version: oneOfEnum(['V1', 'V2'] as const).optional() }).optional(),
  retryBudget: obj({
    percent: num().optional(),
    minRetryConcurrency: uint32().optional(),
    /** Istio 1.31 (release note 60389): 0 = only in-flight requests count. */
    budgetInterval: duration({ allowZero: true }).optional(),
  }).optional(),
});

const subset = obj({ name: str(), labels: stringMap().optional(), trafficPolicy: trafficPolicy.optional() });

export const destinationRuleSpec = obj({
  host: nonEmpty(),
  trafficPolicy: trafficPolicy.optional(),
  subsets: list(subset).optional(),
  exportTo: list(str()).optional(),
  workloadSelector: obj({ matchLabels: stringMap().optional() }).optional(),
});

export const destinationRule = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: destinationRuleSpec,
  status: z.unknown().optional(),
});

export type DestinationRuleDoc = z.infer<typeof destinationRule>;
export type TrafficPolicyDoc = z.infer<typeof trafficPolicy>;
export type ConnectionPoolDoc = z.infer<typeof connectionPool>;
export type OutlierDetectionDoc = z.infer<typeof outlierDetection>;
export type LoadBalancerDoc = z.infer<typeof loadBalancer>;
