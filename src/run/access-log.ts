import { parseDurationMs, type Rng } from '../engine/index.js';
import { ResponseFlag, type RequestCompleteEvent } from '../envoy/index.js';
import { ObserverBase } from './observers.js';

/**
 * Which requests an access log keeps, after Envoy's access log filters
 * (envoyproxy.io, "Access logging" / config.accesslog.v3.AccessLogFilter): `status_code_filter`
 * (`code>=500`), `duration_filter` (`duration>1s`), `response_flag_filter` (`flags==UO`: the request
 * has the flag; `flags!=-`: it has any) and `runtime_filter` for sampling (`--access-log-sample 0.01`).
 * Conditions joined with `,` or `&&` must all hold (Envoy's and_filter).
 */
export type AccessLogCondition =
  | { field: 'code' | 'duration'; op: Comparison; value: number }
  | { field: 'flags'; op: '==' | '!='; value: string };

type Comparison = '<' | '<=' | '==' | '!=' | '>=' | '>';

const CONDITION = /^\s*(code|duration|flags)\s*(<=|>=|==|!=|=|<|>)\s*(\S+)\s*$/;

export function parseAccessLogFilter(text: string): { conditions: AccessLogCondition[] } | { error: string } {
  const conditions: AccessLogCondition[] = [];
  for (const part of text.split(/,|&&/)) {
    const m = CONDITION.exec(part);
    if (m === null)
      return {
        error: `"${part.trim()}" is not a condition; write code>=500, duration>1s or flags==UO (joined with ",")`,
      };
    const field = m[1] as AccessLogCondition['field'];
    const op = (m[2] === '=' ? '==' : m[2]) as Comparison;
    const raw = m[3]!;
    if (field === 'flags') {
      if (op !== '==' && op !== '!=') return { error: `flags takes == or !=, got "${m[2]}"` };
      if (raw !== '-' && !(raw in ResponseFlag))
        return {
          error: `unknown response flag "${raw}" (known: ${Object.keys(ResponseFlag).join(', ')}, or -)`,
        };
      conditions.push({ field, op, value: raw });
    } else if (field === 'code') {
      if (!/^\d{1,3}$/.test(raw)) return { error: `code needs a status such as 500, got "${raw}"` };
      conditions.push({ field, op, value: Number(raw) });
    } else {
      const d = /^\d+(\.\d+)?$/.test(raw) ? { ok: true as const, value: Number(raw) } : parseDurationMs(raw);
      if (!d.ok) return { error: `duration needs milliseconds or a duration such as 1s, got "${raw}"` };
      conditions.push({ field, op, value: d.value });
    }
  }
  return { conditions };
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>=':
      return a >= b;
    case '>':
      return a > b;
  }
}

export function matchesAccessLogFilter(
  e: RequestCompleteEvent,
  conditions: readonly AccessLogCondition[],
): boolean {
  for (const c of conditions) {
    if (c.field === 'code') {
      if (!compare(e.status, c.op, c.value)) return false;
    } else if (c.field === 'duration') {
      if (!compare(e.timeMs - e.startMs, c.op, c.value)) return false;
    } else {
      const has =
        c.value === '-'
          ? e.flags === 0
          : (e.flags & ResponseFlag[c.value as keyof typeof ResponseFlag]) !== 0;
      if (has !== (c.op === '==')) return false;
    }
  }
  return true;
}

export interface AccessLogOptions {
  /** Sidecars (pod names) whose log is kept; null: every sidecar. */
  pods: ReadonlySet<string> | null;
  conditions: readonly AccessLogCondition[];
  /** Share of matching requests kept (runtime_filter): 1 keeps all. */
  sample: number;
  /** Its own stream (`access-log`): sampling never shifts the model's draws. */
  rng: Rng;
}

/**
 * An outbound access log per client sidecar: every downstream request the router finished (warm-up
 * included, as Envoy logs everything), filtered and sampled, handed to `sink` in completion order. Only
 * subscribed when a log is asked for, so it costs nothing otherwise.
 * NOTE: simplification: only the client (outbound) sidecars log; the server side's inbound log is not kept.
 */
export class AccessLogCollector extends ObserverBase {
  constructor(
    private readonly opts: AccessLogOptions,
    private readonly sink: (e: RequestCompleteEvent) => void,
  ) {
    super();
  }

  override onRequestComplete(e: RequestCompleteEvent): void {
    const o = this.opts;
    if (o.pods !== null && !o.pods.has(e.sidecar)) return;
    if (o.conditions.length > 0 && !matchesAccessLogFilter(e, o.conditions)) return;
    if (o.sample < 1 && o.rng.next() >= o.sample) return;
    this.sink(e);
  }
}
