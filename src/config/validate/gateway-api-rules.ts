/**
 * The Gateway CRD's CEL rules (x-kubernetes-validations in the standard channel's
 * gateway.networking.k8s.io_gateways.yaml, Gateway API v1.6) that relate several fields: unique listener
 * names, unique port/protocol/hostname combinations, no `tls` on HTTP/TCP/UDP listeners, `tls` on TLS
 * listeners, mode Terminate on HTTPS, certificateRefs or options with Terminate, no hostname on TCP/UDP
 * listeners, unique addresses; and, stricter than v1.6's CEL (from its field descriptions and older
 * releases' rules), a selector when `from: Selector` and IPAddress values that are IP addresses. The API server rejects an object
 * that breaks one, so these are errors (MSIM3120), like the field-local schema errors.
 */
import type { Reporter } from '../report.js';
import type { KubernetesGatewayDoc } from '../schema/gateway-api.js';

const CODE = 'MSIM3120';
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(%.+)?$/;

export function validateKubernetesGatewaySpec(r: Reporter, spec: KubernetesGatewayDoc['spec']): void {
  const listeners = spec.listeners ?? [];
  const names = new Map<string, number>();
  const combos = new Map<string, number>();
  listeners.forEach((l, i) => {
    const at = ['spec', 'listeners', i];
    if (l.name !== undefined) {
      const first = names.get(l.name);
      if (first !== undefined)
        r.add(
          CODE,
          [...at, 'name'],
          `Listener name must be unique within the Gateway ("${l.name}" is also listeners[${first}])`,
        );
      else names.set(l.name, i);
    }
    const combo = `${l.port}/${l.protocol}/${l.hostname ?? ''}`;
    const dup = combos.get(combo);
    if (dup !== undefined)
      r.add(
        CODE,
        at,
        `Combination of port, protocol and hostname must be unique for each listener (same as listeners[${dup}])`,
      );
    else combos.set(combo, i);
    const p = l.protocol;
    if ((p === 'HTTP' || p === 'TCP' || p === 'UDP') && l.tls)
      r.add(CODE, [...at, 'tls'], "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
    if (p === 'TLS' && !l.tls) r.add(CODE, at, 'tls mode must be set for protocol TLS');
    // NOTE: simplification: the v1.6 CRD accepts an HTTPS listener without `tls` (its certificates may come
    // from the Gateway's spec.tls, which meshsim does not read); meshsim refuses it.
    if (p === 'HTTPS' && !l.tls)
      r.add(
        CODE,
        at,
        'an HTTPS listener needs tls (with certificateRefs): meshsim does not read the Gateway-level spec.tls',
      );
    // The CRD defaults tls.mode to Terminate before its rules run.
    const mode = l.tls ? (l.tls.mode ?? 'Terminate') : undefined;
    if (p === 'HTTPS' && mode !== undefined && mode !== 'Terminate')
      r.add(CODE, [...at, 'tls', 'mode'], 'tls mode must be Terminate for protocol HTTPS');
    if (
      mode === 'Terminate' &&
      (l.tls!.certificateRefs?.length ?? 0) === 0 &&
      Object.keys(l.tls!.options ?? {}).length === 0
    )
      r.add(CODE, [...at, 'tls'], 'certificateRefs or options must be specified when mode is Terminate');
    if ((p === 'TCP' || p === 'UDP') && l.hostname !== undefined)
      r.add(CODE, [...at, 'hostname'], "hostname must not be specified for protocols ['TCP', 'UDP']");
    const ns = l.allowedRoutes?.namespaces;
    if (ns?.from === 'Selector' && !ns.selector)
      r.add(
        CODE,
        [...at, 'allowedRoutes', 'namespaces'],
        'selector must be specified when from is "Selector"',
      );
  });
  const seen = new Set<string>();
  (spec.addresses ?? []).forEach((a, i) => {
    const type = a.type ?? 'IPAddress';
    const at = ['spec', 'addresses', i];
    if (type === 'IPAddress' && !IPV4.test(a.value) && !IPV6.test(a.value))
      r.add(CODE, [...at, 'value'], `"${a.value}" is not an IP address (type IPAddress)`);
    const key = `${type}/${a.value}`;
    if (seen.has(key)) r.add(CODE, at, `${type} values must be unique`);
    seen.add(key);
  });
}
