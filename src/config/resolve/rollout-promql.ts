/**
 * The PromQL that progressive-delivery controllers send to Prometheus, parsed once at load time into a
 * plain AST (evaluated against the simulation's own Istio series by mesh/progressive-delivery/promql-eval).
 * The grammar is the subset those tools' documented queries use (Flagger pkg/metrics/observers/istio.go,
 * Argo Rollouts docs/features/analysis.md): vector selectors with `=`, `!=`, `=~`, `!~` matchers and an
 * optional range `[1m]`; `rate`, `irate`, `increase`, `histogram_quantile`, `scalar`, `vector`; the
 * aggregations `sum`, `avg`, `min`, `max`, `count` with `by`/`without` before or after the argument;
 * `+ - * /` and number literals, with PromQL's precedence (prometheus/prometheus promql/parser).
 * Anything else is a positioned "unsupported PromQL" result, never an exception.
 */
import { RE2JS } from 're2js';
import { parseDurationMs } from '../../engine/duration.js';

export type PromMatchOp = '=' | '!=' | '=~' | '!~';
export type PromAggregation = 'sum' | 'avg' | 'min' | 'max' | 'count';
export type PromFunction = 'rate' | 'irate' | 'increase' | 'histogram_quantile' | 'scalar' | 'vector';

export type PromExpr =
  | { kind: 'number'; value: number }
  | {
      kind: 'selector';
      metric: string;
      matchers: readonly { name: string; op: PromMatchOp; value: string }[];
      /** A range selector's window in ms; absent for an instant selector. */
      rangeMs?: number;
    }
  | { kind: 'call'; fn: PromFunction; args: readonly PromExpr[] }
  | {
      kind: 'aggregate';
      op: PromAggregation;
      grouping: 'by' | 'without';
      labels: readonly string[];
      expr: PromExpr;
    }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; lhs: PromExpr; rhs: PromExpr };

export type PromParse = { ok: true; expr: PromExpr } | { ok: false; offset: number; message: string };

const AGGREGATIONS = new Set<string>(['sum', 'avg', 'min', 'max', 'count']);
const FUNCTIONS: Record<PromFunction, number> = {
  rate: 1,
  irate: 1,
  increase: 1,
  histogram_quantile: 2,
  scalar: 1,
  vector: 1,
};
const RANGE_FUNCTIONS = new Set<string>(['rate', 'irate', 'increase']);

class Unsupported {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Parses a rendered query (template variables already substituted). */
export function parsePromQL(text: string): PromParse {
  try {
    const p = new Parser(text);
    const expr = p.expression(0);
    p.skip();
    if (!p.atEnd()) p.fail(`unexpected "${p.peekWord()}"`);
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, offset: e.offset, message: e.message };
    return { ok: false, offset: 0, message: String(e) };
  }
}

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }
  fail(message: string): never {
    throw new Unsupported(this.i, message);
  }
  skip(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '#') while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }
  peekWord(): string {
    return this.s.slice(this.i, this.i + 12).split(/\s/)[0] ?? '';
  }
  private eat(tok: string): boolean {
    this.skip();
    if (this.s.startsWith(tok, this.i)) {
      this.i += tok.length;
      return true;
    }
    return false;
  }
  private expect(tok: string): void {
    if (!this.eat(tok))
      this.fail(`expected "${tok}"${this.atEnd() ? ' before the end' : `, got "${this.peekWord()}"`}`);
  }
  private ident(): string {
    this.skip();
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(this.s.slice(this.i));
    if (!m) this.fail(this.atEnd() ? 'unexpected end of query' : `unexpected "${this.peekWord()}"`);
    this.i += m[0].length;
    return m[0];
  }

  /** Precedence climbing over + - * / (left-associative, as PromQL's). */
  expression(minPrec: number): PromExpr {
    let lhs = this.unary();
    for (;;) {
      this.skip();
      const op = this.s[this.i];
      const prec = op !== undefined ? PRECEDENCE[op] : undefined;
      if (prec === undefined || prec < minPrec) {
        if (op !== undefined && /[%^<>=!]/.test(op)) this.fail(`operator "${op}" is not supported`);
        if (
          this.s.startsWith('and', this.i) ||
          this.s.startsWith('or', this.i) ||
          this.s.startsWith('unless', this.i)
        )
          this.fail(`set operator "${this.peekWord()}" is not supported`);
        return lhs;
      }
      this.i++;
      this.skip();
      for (const kw of ['on', 'ignoring', 'group_left', 'group_right', 'bool'])
        if (new RegExp(`^${kw}\\b`).test(this.s.slice(this.i)))
          this.fail(`vector matching "${kw}" is not supported`);
      const rhs = this.expression(prec + 1);
      lhs = { kind: 'binary', op: op as '+' | '-' | '*' | '/', lhs, rhs };
    }
  }

  private unary(): PromExpr {
    this.skip();
    if (this.eat('-')) {
      const e = this.unary();
      return { kind: 'binary', op: '*', lhs: { kind: 'number', value: -1 }, rhs: e };
    }
    if (this.eat('+')) return this.unary();
    return this.primary();
  }

  private primary(): PromExpr {
    this.skip();
    const c = this.s[this.i];
    if (c === undefined) this.fail('unexpected end of query');
    if (c === '(') {
      this.i++;
      const e = this.expression(0);
      this.expect(')');
      return e;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return { kind: 'number', value: Number(num[0]) };
    }
    if (c === '{') return this.selector('');
    const start = this.i;
    const name = this.ident();
    if (AGGREGATIONS.has(name)) return this.aggregate(name as PromAggregation);
    this.skip();
    if (this.s[this.i] === '(') {
      if (!Object.hasOwn(FUNCTIONS, name)) {
        this.i = start;
        this.fail(`function or aggregation "${name}" is not supported`);
      }
      return this.call(name as PromFunction);
    }
    return this.selector(name);
  }

  private call(fn: PromFunction): PromExpr {
    this.expect('(');
    const args: PromExpr[] = [];
    if (!this.eat(')')) {
      do args.push(this.expression(0));
      while (this.eat(','));
      this.expect(')');
    }
    if (args.length !== FUNCTIONS[fn])
      this.fail(`${fn}() takes ${FUNCTIONS[fn]} argument(s), got ${args.length}`);
    const last = args[args.length - 1]!;
    const isRange = last.kind === 'selector' && last.rangeMs !== undefined;
    if (RANGE_FUNCTIONS.has(fn) !== isRange)
      this.fail(
        RANGE_FUNCTIONS.has(fn)
          ? `${fn}() needs a range vector such as metric[1m]`
          : `${fn}() does not take a range vector`,
      );
    return { kind: 'call', fn, args };
  }

  private aggregate(op: PromAggregation): PromExpr {
    let grouping: 'by' | 'without' = 'by';
    let labels: string[] = [];
    const clause = (): boolean => {
      this.skip();
      const m = /^(by|without)\b/.exec(this.s.slice(this.i));
      if (!m) return false;
      this.i += m[0].length;
      grouping = m[1] as 'by' | 'without';
      labels = this.labelList();
      return true;
    };
    const before = clause();
    this.expect('(');
    const expr = this.expression(0);
    if (this.eat(',')) this.fail(`${op}() with a parameter is not supported`);
    this.expect(')');
    if (!before) clause();
    return { kind: 'aggregate', op, grouping, labels, expr };
  }

  private labelList(): string[] {
    this.expect('(');
    const out: string[] = [];
    if (this.eat(')')) return out;
    do out.push(this.ident());
    while (this.eat(','));
    this.expect(')');
    return out;
  }

  private selector(metric: string): PromExpr {
    const matchers: { name: string; op: PromMatchOp; value: string }[] = [];
    if (this.eat('{')) {
      while (!this.eat('}')) {
        const name = this.ident();
        this.skip();
        const op = (['=~', '!~', '!=', '='] as const).find((o) => this.s.startsWith(o, this.i));
        if (op === undefined) this.fail(`expected a label matcher operator after "${name}"`);
        this.i += op.length;
        const at = this.i;
        const value = this.string();
        if (op === '=~' || op === '!~') {
          try {
            RE2JS.compile(value);
          } catch (e) {
            this.i = at;
            this.fail(`invalid RE2 regex ${JSON.stringify(value)}: ${(e as Error).message}`);
          }
        }
        matchers.push({ name, op, value });
        if (!this.eat(',')) {
          this.expect('}');
          break;
        }
      }
    }
    if (metric === '' && !matchers.some((m) => m.name === '__name__'))
      this.fail('a selector needs a metric name');
    const sel: PromExpr = { kind: 'selector', metric, matchers };
    this.skip();
    if (this.s[this.i] === '[') {
      this.i++;
      const close = this.s.indexOf(']', this.i);
      if (close < 0) this.fail('unterminated range');
      const text = this.s.slice(this.i, close).trim();
      if (text.includes(':')) this.fail('subqueries are not supported');
      const d = parseDurationMs(text);
      if (!d.ok || d.value <= 0) this.fail(`invalid range "${text}"`);
      this.i = close + 1;
      this.skip();
      if (/^offset\b/.test(this.s.slice(this.i)) || this.s[this.i] === '@')
        this.fail('offset and @ modifiers are not supported');
      return { ...sel, rangeMs: d.value };
    }
    if (/^offset\b/.test(this.s.slice(this.i)) || this.s[this.i] === '@')
      this.fail('offset and @ modifiers are not supported');
    return sel;
  }

  /** A PromQL string literal: "..." or '...' with Go escapes (\\ \" \n \t), or a raw `...`. */
  private string(): string {
    this.skip();
    const q = this.s[this.i];
    if (q !== '"' && q !== "'" && q !== '`') this.fail('expected a quoted label value');
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\' && q !== '`') {
        const n = this.s[++this.i];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
      } else out += c;
    }
    return this.fail('unterminated string');
  }
}
