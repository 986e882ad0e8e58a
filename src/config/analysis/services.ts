/**
 * Service findings: IST0118 PortNameIsNotUnderNamingConvention (info: Istio falls back to protocol
 * sniffing, meshsim treats the port as HTTP/1.1) and MSIM1060, a Service that selects no pods (every
 * request to it would get 503 UH "no healthy upstream").
 */
import type { MeshConfig } from '../types.js';
import { endpointCount, type Findings } from './context.js';

export function analyzeServices(config: MeshConfig, f: Findings): void {
  for (const svc of config.services) {
    svc.ports.forEach((p, i) => {
      if (p.istioProtocol === 'unknown')
        f.add(
          'IST0118',
          'Service',
          svc.meta,
          ['spec', 'ports', i, p.name !== undefined ? 'name' : 'port'],
          `Port name ${p.name ?? '(none)'} (port: ${p.port}, targetPort: ${p.targetPort}) doesn't follow the naming convention of Istio port.`,
        );
    });
    if (
      svc.type !== 'ExternalName' &&
      Object.keys(svc.selector).length > 0 &&
      endpointCount(config, svc) === 0
    )
      f.add(
        'MSIM1060',
        'Service',
        svc.meta,
        ['spec', 'selector'],
        `Service ${svc.meta.name} selects no pods in the given manifests: requests to it get 503 UH (no healthy upstream)`,
      );
  }
}
