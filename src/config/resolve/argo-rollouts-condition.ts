/**
 * An AnalysisTemplate metric's `successCondition` / `failureCondition`: Argo Rollouts evaluates them with
 * expr-lang over `result` (utils/evaluate/evaluate.go EvalCondition; a Prometheus vector arrives as a
 * list of floats, a scalar as a float: metricproviders/prometheus/prometheus.go processResponse). This is
 * the subset the documented conditions use: `result`, `result[i]`, numbers, `true`/`false`, comparisons,
 * `+ - * /`, `&&`/`and`, `||`/`or`, `!`/`not`, parentheses and the functions `len`, `isNaN`, `isInf`,
 * `default`. Parsed once at load time; anything else is a positioned diagnostic.
 */

export type ConditionExpr =
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'result'; index?: number }
  | { kind: 'fn'; name: 'len' | 'isNaN' | 'isInf' | 'default'; args: readonly ConditionExpr[] }
  | { kind: 'not'; expr: ConditionExpr }
  | {
      kind: 'bin';
      op: '||' | '&&' | '>=' | '<=' | '>' | '<' | '==' | '!=' | '+' | '-' | '*' | '/';
      lhs: ConditionExpr;
      rhs: ConditionExpr;
    };

export type ConditionParse =
  | { ok: true; expr: ConditionExpr }
  | { ok: false; offset: number; message: string };

const ARITY = { len: 1, isNaN: 1, isInf: 2, default: 2 } as const;

class Bad {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

export function parseCondition(text: string): ConditionParse {
  const toks = tokenize(text);
  if (toks instanceof Bad) return { ok: false, offset: toks.offset, message: toks.message };
  let k = 0;
  const peek = () => toks[k];
  const fail = (message: string): never => {
    throw new Bad(toks[k]?.at ?? text.length, message);
  };
  const take = (v: string): boolean => {
    if (toks[k]?.v === v) {
      k++;
      return true;
    }
    return false;
  };
  const binary = (ops: readonly string[], next: () => ConditionExpr, alias: Record<string, string> = {}) => {
    let lhs = next();
    for (;;) {
      const t = peek();
      const op = t ? (alias[t.v] ?? t.v) : '';
      if (!ops.includes(op)) return lhs;
      k++;
      lhs = { kind: 'bin', op: op as never, lhs, rhs: next() };
    }
  };
  const or = (): ConditionExpr => binary(['||'], and, { or: '||' });
  const and = (): ConditionExpr => binary(['&&'], not, { and: '&&' });
  const not = (): ConditionExpr => (take('!') || take('not') ? { kind: 'not', expr: not() } : cmp());
  const cmp = (): ConditionExpr => {
    const lhs = add();
    const t = peek();
    if (t && ['>=', '<=', '>', '<', '==', '!='].includes(t.v)) {
      k++;
      return { kind: 'bin', op: t.v as never, lhs, rhs: add() };
    }
    return lhs;
  };
  const add = (): ConditionExpr => binary(['+', '-'], mul);
  const mul = (): ConditionExpr => binary(['*', '/'], unary);
  const unary = (): ConditionExpr => {
    if (take('-')) return { kind: 'bin', op: '-', lhs: { kind: 'num', value: 0 }, rhs: unary() };
    return atom();
  };
  const atom = (): ConditionExpr => {
    const t = peek();
    if (t === undefined) return fail('unexpected end of condition');
    k++;
    if (t.kind === 'num') return { kind: 'num', value: Number(t.v) };
    if (t.v === '(') {
      const e = or();
      if (!take(')')) fail('expected ")"');
      return e;
    }
    if (t.v === 'true' || t.v === 'false') return { kind: 'bool', value: t.v === 'true' };
    if (t.v === 'result') {
      if (!take('[')) return { kind: 'result' };
      const i = peek();
      if (i?.kind !== 'num' || !/^\d+$/.test(i.v)) fail('expected an index such as result[0]');
      k++;
      if (!take(']')) fail('expected "]"');
      return { kind: 'result', index: Number(i!.v) };
    }
    if (t.kind === 'id' && Object.hasOwn(ARITY, t.v)) {
      const name = t.v as keyof typeof ARITY;
      if (!take('(')) fail(`expected "(" after ${name}`);
      const args: ConditionExpr[] = [];
      if (!take(')')) {
        do args.push(or());
        while (take(','));
        if (!take(')')) fail('expected ")"');
      }
      const n = ARITY[name];
      if (args.length !== n && !(name === 'isInf' && args.length === 1))
        fail(`${name}() takes ${n} argument(s), got ${args.length}`);
      return { kind: 'fn', name, args };
    }
    k--;
    return fail(
      `"${t.v}" is not supported in a condition (use result, result[i], numbers, comparisons, len, isNaN, default)`,
    );
  };
  try {
    const expr = or();
    if (k < toks.length) fail(`unexpected "${toks[k]!.v}"`);
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

interface Tok {
  kind: 'num' | 'id' | 'op';
  v: string;
  at: number;
}

function tokenize(s: string): Tok[] | Bad {
  const out: Tok[] = [];
  const re =
    /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|&&|\|\||[-+*/()<>!,[\]]))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) {
      const at = i + (s.slice(i).length - s.slice(i).trimStart().length);
      return new Bad(at, `unexpected "${s[at]}"`);
    }
    const v = m[1] ?? m[2] ?? m[3]!;
    out.push({ kind: m[1] ? 'num' : m[2] ? 'id' : 'op', v, at: re.lastIndex - v.length });
    i = re.lastIndex;
  }
  return out;
}
