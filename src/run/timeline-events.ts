/**
 * The run's timeline: what changed the mesh and when, in one time-ordered list: the scenario's chaos
 * events (and their reverts), the HorizontalPodAutoscalers' rescales and the progressive-delivery
 * controllers' decisions. Plain data built after the run from what the recorder and the controllers kept,
 * so it costs the event loop nothing; the same run gives the same list.
 */
import type { ChaosAction, ChaosEvent } from '../config/scenario/index.js';
import type { HpaRecord } from '../mesh/autoscaling/hpa-record.js';
import type { ControllerResult } from '../mesh/progressive-delivery/timeline.js';

export type TimelineEventKind = 'chaos' | 'chaos-revert' | 'rescale' | 'rollout';

export interface TimelineEvent {
  timeMs: number;
  kind: TimelineEventKind;
  /** Who acted: `chaos`, `HorizontalPodAutoscaler ns/name`, `Canary ns/name` or `Rollout ns/name`. */
  source: string;
  /** What it acted on: a workload `ns/name`, a zone, two zones `a<->b`; the Canary or Rollout for a decision. */
  target: string;
  /** One line in the actor's words (Kubernetes' SuccessfulRescale message, Flagger's event text ...). */
  text: string;
  /** Rescales and chaos `scale`: the replica counts before and after. */
  replicas?: { from: number; to: number };
}

/** Same instant: chaos first (it is what the controllers react to), then rescales, then rollout steps. */
const RANK: Record<TimelineEventKind, number> = { chaos: 0, 'chaos-revert': 1, rescale: 2, rollout: 3 };

export function timelineEvents(
  chaos: readonly { timeMs: number; event: ChaosEvent }[],
  autoscaling: readonly HpaRecord[],
  rollouts: readonly ControllerResult[],
  simulatedMs: number,
): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const { timeMs, event } of chaos) {
    const target = chaosTarget(event);
    out.push({ timeMs, kind: 'chaos', source: 'chaos', target, text: chaosText(event.action) });
    // The revert is scheduled `for` after the event (mesh/chaos.ts); it is on the timeline if the run got there.
    if (event.forMs > 0 && timeMs + event.forMs < simulatedMs)
      out.push({
        timeMs: timeMs + event.forMs,
        kind: 'chaos-revert',
        source: 'chaos',
        target,
        text: `revert ${chaosText(event.action)}`,
      });
  }
  for (const a of autoscaling) {
    const ns = a.name.slice(0, a.name.indexOf('/'));
    const workload = `${ns}/${a.target.slice(a.target.indexOf('/') + 1)}`;
    for (const e of a.events)
      out.push({
        timeMs: e.timeMs,
        kind: 'rescale',
        source: `HorizontalPodAutoscaler ${a.name}`,
        target: workload,
        // The controller's SuccessfulRescale event (podautoscaler/horizontal.go reconcileAutoscaler).
        text: `SuccessfulRescale New size: ${e.to}; reason: ${e.reason}`,
        replicas: { from: e.from, to: e.to },
      });
  }
  for (const c of rollouts)
    for (const d of c.decisions)
      out.push({
        timeMs: d.timeMs,
        kind: 'rollout',
        source: `${c.kind} ${c.name}`,
        target: c.name,
        text: `${d.phase} ${d.verdict}, canary weight ${d.weight} %: ${d.message}`,
      });
  // A stable sort: within one instant and kind, the order each source produced them in.
  return out
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        a.e.timeMs - b.e.timeMs ||
        RANK[a.e.kind] - RANK[b.e.kind] ||
        (a.e.source < b.e.source ? -1 : a.e.source > b.e.source ? 1 : 0) ||
        a.i - b.i,
    )
    .map(({ e }) => e);
}

function chaosTarget(e: ChaosEvent): string {
  const a = e.action;
  if (a.kind === 'zone-down') return a.zone;
  if (a.kind === 'delay') return `${a.zones[0]}<->${a.zones[1]}`;
  return e.target ?? '';
}

/** The event as the scenario's `events` entry says it (docs/scenario.md). */
function chaosText(a: ChaosAction): string {
  switch (a.kind) {
    case 'set':
      return `set ${Object.keys(a.patch).sort().join(', ')}`;
    case 'crash':
      return `crash ${plural(a.pods, 'pod')}`;
    case 'crash-container':
      return `crash the app container of ${plural(a.pods, 'pod')}`;
    case 'remove-endpoints':
      return `remove ${plural(a.pods, 'pod')} from endpoints`;
    case 'scale':
      return `scale to ${plural(a.replicas, 'replica')}`;
    case 'zone-down':
      return `zone ${a.zone} down`;
    case 'delay':
      return `add ${a.extraMs} ms delay between ${a.zones[0]} and ${a.zones[1]}`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
