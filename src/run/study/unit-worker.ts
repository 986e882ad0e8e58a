/** Piscina worker entry (Node only): runs one study unit per task. */
import { runUnit, type UnitTask } from './unit.js';

export default function run(task: UnitTask): (number | null)[] {
  return runUnit(task);
}
