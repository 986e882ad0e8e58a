import type { PromExpr } from '../../src/config/resolve/rollout-promql.js';
import type { VirtualServiceConfig } from '../../src/config/types.js';
import { Simulation } from '../../src/engine/index.js';
import type { PromValue } from '../../src/mesh/progressive-delivery/promql-eval.js';
import type { ControllerHost } from '../../src/mesh/progressive-delivery/reconcile-loop.js';

/**
 * A ControllerHost whose queries answer from a script: `values(name, call)` gives the value of the
 * metric (by the query's text key) on its n-th evaluation. Records every weight push and promotion.
 */
export class FakeHost implements ControllerHost {
  readonly sim = new Simulation({ maxTimeMs: 1e9 });
  readonly pushes: VirtualServiceConfig[][] = [];
  readonly rollOuts: string[] = [];
  private readonly calls = new Map<PromExpr, number>();
  vss: readonly VirtualServiceConfig[];

  constructor(
    private readonly answer: (expr: PromExpr, call: number) => number | null,
    vss: readonly VirtualServiceConfig[] = [],
  ) {
    this.vss = vss;
  }

  query(expr: PromExpr): PromValue {
    const n = (this.calls.get(expr) ?? 0) + 1;
    this.calls.set(expr, n);
    const v = this.answer(expr, n);
    return { kind: 'vector', samples: v === null ? [] : [{ labels: {}, value: v }] };
  }

  editVirtualServices(edit: (vss: readonly VirtualServiceConfig[]) => readonly VirtualServiceConfig[]): void {
    this.vss = edit(this.vss);
    this.pushes.push([...this.vss]);
  }

  rollOut(from: string, to: string): void {
    this.rollOuts.push(`${from}->${to}`);
  }
}
