/**
 * HorizontalPodAutoscaler findings: what the controller would report as a failing condition, said before
 * the run (the controller's messages: pkg/controller/podautoscaler/horizontal.go, replica_calculator.go).
 * MSIM3200 a scale target that is not a simulated workload (FailedGetScale), MSIM3201 a metric the
 * simulation does not produce (FailedGetResourceMetric and friends), MSIM3202 a cpu Utilization target on
 * pods with a container without a cpu request ("missing request for cpu").
 */
import type { HpaMetric, MeshConfig } from '../types.js';
import type { Findings } from './context.js';

const REQUEST_RATE = new Set(['istio_requests_per_second', 'istio_requests', 'requests_per_second']);

export function analyzeAutoscalers(config: MeshConfig, f: Findings): void {
  for (const hpa of config.horizontalPodAutoscalers ?? []) {
    const ref = hpa.scaleTargetRef;
    const w = config.workloads.find(
      (x) => x.meta.namespace === hpa.meta.namespace && x.meta.name === ref.name && x.kind === ref.kind,
    );
    if (w === undefined) {
      f.add(
        'MSIM3200',
        'HorizontalPodAutoscaler',
        hpa.meta,
        ['spec', 'scaleTargetRef'],
        `the HPA controller was unable to get the target's current scale: ${ref.kind} ${hpa.meta.namespace}/${ref.name} is not among the manifests`,
      );
      continue;
    }
    hpa.metrics.forEach((m, i) => {
      const why = unsupported(m);
      if (why !== undefined)
        f.add('MSIM3201', 'HorizontalPodAutoscaler', hpa.meta, ['spec', 'metrics', i], why);
      if (m.type === 'Resource' && m.resource === 'cpu' && m.target.type === 'Utilization') {
        const missing = w.containers.filter((c) => c.cpuRequestMilli === undefined).map((c) => c.name);
        if (missing.length > 0)
          f.add(
            'MSIM3202',
            'HorizontalPodAutoscaler',
            hpa.meta,
            ['spec', 'metrics', i],
            `missing request for cpu in container(s) ${missing.join(', ')} of ${ref.kind} ${ref.name}: the HPA cannot compute utilization (FailedGetResourceMetric) and never scales on this metric`,
          );
      }
    });
  }
}

function unsupported(m: HpaMetric): string | undefined {
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource':
      return m.resource === 'cpu'
        ? undefined
        : `resource ${m.resource} is not simulated (only cpu): the HPA reports FailedGet${m.type}Metric for it`;
    case 'Pods':
      return REQUEST_RATE.has(m.metric)
        ? undefined
        : `pods metric ${m.metric} is not produced by the simulation (request rates are: istio_requests_per_second): the HPA reports FailedGetPodsMetric`;
    case 'Object':
      return m.describedObject.kind === 'Service' && REQUEST_RATE.has(m.metric)
        ? undefined
        : `object metric ${m.metric} on ${m.describedObject.kind} is not produced by the simulation (a Service's istio_requests_per_second is): the HPA reports FailedGetObjectMetric`;
    case 'External':
      return `external metric ${m.metric} is not simulated: the HPA reports FailedGetExternalMetric`;
  }
}
