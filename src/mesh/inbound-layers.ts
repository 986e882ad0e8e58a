import { DEFAULT_ISTIO_MESH_CONFIG } from '../config/resolve/mesh-config.js';
import type { MeshConfig } from '../config/types.js';
import { selectSidecar } from './control-plane/sidecar-scope.js';
import type { InboundLayerSource } from './inbound-listener.js';

/**
 * The inbound connection pool's layers that come from MeshConfig and the Sidecar resource, for a pod's
 * inbound port (Istio cluster_builder.go buildInboundCluster: the Sidecar's `inboundConnectionPool`
 * above the DestinationRule, MeshConfig `defaultTrafficPolicy.connectionPool` below it, via
 * applyDefaultTrafficPolicy and SidecarScope.InboundConnectionPoolForPort).
 *
 * NOTE: simplification: a Sidecar's `ingress[].connectionPool` (per port) is not applied: Sidecar ingress
 * listeners are parsed only (MSIM3044); its resource-wide `inboundConnectionPool` is.
 */
export function configInboundLayers(config: MeshConfig): InboundLayerSource {
  const meshDefault = (config.istioMeshConfig ?? DEFAULT_ISTIO_MESH_CONFIG).defaultTrafficPolicy
    .connectionPool;
  return (pod) => {
    const sidecar = selectSidecar(config, pod.namespace, pod.labels)?.inboundConnectionPool;
    return {
      ...(meshDefault !== undefined ? { meshDefault } : {}),
      ...(sidecar !== undefined ? { sidecar } : {}),
    };
  };
}
