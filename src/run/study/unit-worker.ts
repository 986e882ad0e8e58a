/** Piscina worker entry (Node only): runs a batch of study units (one point's replications) per task. */
import { runUnit, type UnitTask } from './unit.js';

export default function run(batch: UnitTask[]): (number | null)[][] {
  return batch.map(runUnit);
}
