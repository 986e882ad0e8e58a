import type { Result } from '../run/result.js';
import { fmtSecs, table } from './text-table.js';

const KIND: Record<string, string> = {
  chaos: 'chaos',
  'chaos-revert': 'chaos',
  rescale: 'rescale',
  rollout: 'rollout',
};

/**
 * The text report's "Timeline": every chaos event (and revert), HPA rescale and rollout decision of the
 * run in time order (Result.timelineEvents), so a reader sees what the autoscaler and the controllers
 * reacted to without joining the sections below.
 */
export function renderTimeline(r: Result): string[] {
  const events = r.timelineEvents ?? [];
  if (events.length === 0) return [];
  const rows = [['TIME', 'KIND', 'SOURCE', 'TARGET', 'EVENT']];
  for (const e of events) rows.push([fmtSecs(e.timeMs), KIND[e.kind]!, e.source, e.target, e.text]);
  return ['', 'Timeline (chaos events, HPA rescales, rollout decisions):', ...table(rows)];
}
