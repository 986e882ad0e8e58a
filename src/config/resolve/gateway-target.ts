import { dnsCandidates } from '../hosts.js';
import type { MeshConfig, ServiceConfig } from '../types.js';

/**
 * What a scenario's `gateway:` names: the gateway Service (`namespace/name` or its host, resolved like
 * cluster DNS from the generator's namespace), whose ports map to the pods' listener ports (targetPort),
 * or the gateway Deployment itself (`namespace/name`), dialled on the listener port directly.
 */
export interface GatewayTarget {
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Listener (pod) port for the port the client dials, or undefined when nothing listens there. */
  listenerPort(port: number): number | undefined;
  readonly label: string;
}

export function resolveGatewayTarget(
  config: MeshConfig,
  ref: string,
  clientNamespace: string,
): GatewayTarget | undefined {
  const slash = ref.indexOf('/');
  const candidates =
    slash >= 0
      ? [`${ref.slice(slash + 1)}.${ref.slice(0, slash)}.svc.cluster.local`]
      : dnsCandidates(ref, clientNamespace);
  const svc = config.services.find((s) => candidates.includes(s.fqdn));
  if (svc !== undefined && Object.keys(svc.selector).length > 0) {
    return {
      namespace: svc.meta.namespace,
      selector: svc.selector,
      label: `${svc.meta.namespace}/${svc.meta.name}`,
      listenerPort(port) {
        const sp = svc.ports.find((p) => p.port === port);
        if (sp === undefined) return undefined;
        if (typeof sp.targetPort === 'number') return sp.targetPort;
        return namedContainerPort(config, svc, sp.targetPort) ?? port;
      },
    };
  }
  if (slash < 0) return undefined;
  const w = config.workloads.find(
    (x) => x.meta.namespace === ref.slice(0, slash) && x.meta.name === ref.slice(slash + 1),
  );
  if (w === undefined) return undefined;
  return {
    namespace: w.meta.namespace,
    selector: w.podLabels,
    label: ref,
    listenerPort: (port) => port,
  };
}

function namedContainerPort(config: MeshConfig, svc: ServiceConfig, name: string): number | undefined {
  for (const w of config.workloads) {
    if (w.meta.namespace !== svc.meta.namespace) continue;
    if (!Object.entries(svc.selector).every(([k, v]) => w.podLabels[k] === v)) continue;
    for (const c of w.containers) for (const p of c.ports) if (p.name === name) return p.containerPort;
  }
  return undefined;
}
