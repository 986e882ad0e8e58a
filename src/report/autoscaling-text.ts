import type { Result } from '../run/result.js';
import { fmtSecs, table } from './text-table.js';

/**
 * The HorizontalPodAutoscalers' part of the text report, in `kubectl describe hpa`'s terms: the last
 * sync's metrics (current / target), the replica bounds and counts, the conditions' reasons, and the
 * SuccessfulRescale events with their simulated times.
 */
export function renderAutoscaling(r: Result): string[] {
  const out: string[] = [];
  for (const a of r.autoscaling ?? []) {
    const last = a.syncs.at(-1);
    out.push('', `HorizontalPodAutoscaler ${a.name} (reference: ${a.target})`);
    if (last !== undefined) {
      out.push('Metrics: ( current / target )');
      for (const m of last.metrics) out.push(`  ${m.name}: ${m.current} / ${m.target}`);
      out.push(
        `Min replicas: ${a.minReplicas}, Max replicas: ${a.maxReplicas}; at ${fmtSecs(last.timeMs)}: ${last.currentReplicas} current / ${last.desiredReplicas} desired`,
        `Conditions: AbleToScale ${last.ableToScale}, ScalingActive ${last.scalingActive}, ScalingLimited ${last.scalingLimited}`,
      );
    }
    if (a.events.length === 0) {
      out.push('Events: none (no rescale)');
      continue;
    }
    const rows = [['TIME', 'EVENT', 'FROM', 'TO', 'REASON']];
    for (const e of a.events)
      rows.push([fmtSecs(e.timeMs), 'SuccessfulRescale', String(e.from), String(e.to), e.reason]);
    out.push('Events:', ...table(rows));
  }
  return out;
}
