/**
 * `analyzeMesh`: cross-resource findings over a loaded MeshConfig, as `istioctl analyze` reports them
 * (Istio's codes and levels) plus meshsim's simulator-only MSIM1xxx insight (docs/config.md).
 */
import { type Diagnostic, sortDiagnostics } from '../diagnostics.js';
import { withoutGatewayApiGenerated } from '../resolve/gateway-api-collect.js';
import type { MeshConfig } from '../types.js';
import { analyzeAmbient } from './ambient.js';
import { analyzeAutoscalers } from './autoscalers.js';
import { analyzeConflicts } from './conflicts.js';
import { Findings } from './context.js';
import { analyzeDestinationRules } from './destination-rules.js';
import { analyzeDestinations } from './destinations.js';
import { analyzeGateways } from './gateways.js';
import { analyzeInboundPools } from './inbound-pools.js';
import { analyzeServices } from './services.js';
import { analyzeSidecars } from './sidecars.js';
import { analyzeVirtualServiceRules } from './virtual-service-rules.js';

const ANALYZERS = [
  analyzeDestinations,
  analyzeConflicts,
  analyzeVirtualServiceRules,
  analyzeDestinationRules,
  analyzeServices,
  analyzeGateways,
  analyzeInboundPools,
  analyzeSidecars,
  analyzeAmbient,
  analyzeAutoscalers,
];

export function analyzeMesh(written: MeshConfig): Diagnostic[] {
  const f = new Findings();
  // istioctl analyze sees the written resources, not istiod's Gateway API translations.
  const config = withoutGatewayApiGenerated(written);
  for (const analyze of ANALYZERS) {
    try {
      analyze(config, f);
    } catch (e) {
      f.list.push({
        severity: 'error',
        code: 'MSIM0000',
        message: `internal error in ${analyze.name} (please report it): ${(e as Error)?.message ?? String(e)}`,
        file: '',
        line: 0,
        column: 0,
      });
    }
  }
  return sortDiagnostics(f.list);
}
