/**
 * networking.istio.io Gateway (v1alpha3, v1beta1, v1: the same message) [A:networking/v1alpha3/gateway.proto].
 * Field-local shapes here; the webhook's rules (validation.go ValidateGateway, validateServer,
 * validateServerPort, validateTLSOptions) are in validate/gateway-rules.ts.
 */
import { z } from 'zod';
import { objectMeta } from './kubernetes.js';
import { bool, list, obj, oneOfEnum, str, stringMap, uint32 } from './zod-helpers.js';

/** ServerTLSSettings.TLSmode: PASSTHROUGH is the enum's zero value, hence Istio's default. */
export const TLS_MODES = [
  'PASSTHROUGH',
  'SIMPLE',
  'MUTUAL',
  'AUTO_PASSTHROUGH',
  'ISTIO_MUTUAL',
  'OPTIONAL_MUTUAL',
] as const;

const tlsCertificate = obj({
  serverCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
});

const serverTls = obj({
  httpsRedirect: bool().optional(),
  mode: oneOfEnum(TLS_MODES).optional(),
  serverCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
  caCrl: str().optional(),
  credentialName: str().optional(),
  credentialNames: list(str()).optional(),
  tlsCertificates: list(tlsCertificate).optional(),
  subjectAltNames: list(str()).optional(),
  verifyCertificateSpki: list(str()).optional(),
  verifyCertificateHash: list(str()).optional(),
  minProtocolVersion: oneOfEnum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const).optional(),
  maxProtocolVersion: oneOfEnum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const).optional(),
  cipherSuites: list(str()).optional(),
});

/** `Port`: number (0 only for unix sockets), protocol and name; the rules are in gateway-rules.ts. */
const serverPort = obj({
  number: uint32().optional(),
  protocol: str().optional(),
  name: str().optional(),
  targetPort: uint32().optional(),
});

export const gatewayServer = obj({
  port: serverPort.optional(),
  bind: str().optional(),
  hosts: list(str()).optional(),
  tls: serverTls.optional(),
  defaultEndpoint: str().optional(),
  name: str().optional(),
});

export const gatewaySpec = obj({
  servers: list(gatewayServer).optional(),
  selector: stringMap().optional(),
});

export const gateway = obj({
  apiVersion: str(),
  kind: str(),
  metadata: objectMeta,
  spec: gatewaySpec,
  status: z.unknown().optional(),
});

export type GatewayDoc = z.infer<typeof gateway>;
export type GatewaySpecDoc = z.infer<typeof gatewaySpec>;
export type GatewayServerDoc = z.infer<typeof gatewayServer>;
