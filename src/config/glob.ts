/**
 * Minimal glob support for `meshsim validate 'manifests/**\/*.yaml'` when the shell did not expand the
 * pattern (quoted, or Windows): `*`, `?`, `[...]` / `[!...]`, `{a,b}` and `**` for any number of
 * directories. User text is never compiled into a RegExp: the pattern is parsed once into tokens and
 * matched by a memoised walk, so the cost is bounded by pattern length x path length (24 `*` in a row
 * no longer backtrack for 30 s) and a malformed class is a positioned error, not a crash.
 */
import { LIMITS } from './limits.js';

export function hasGlobChars(path: string): boolean {
  return /[*?[{]/.test(path);
}

/** The directory part before the first segment with glob characters (`.` when none). */
export function globBase(pattern: string): string {
  const segs = pattern.split('/');
  const out: string[] = [];
  for (const s of segs) {
    if (hasGlobChars(s)) break;
    out.push(s);
  }
  if (out.length === segs.length) out.pop();
  const base = out.join('/');
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
}

type Token =
  | { t: 'lit'; c: string }
  | { t: 'any' } // ?
  | { t: 'star' } // * within a segment
  | { t: 'globstar' } // **/ (zero or more directories) or a trailing ** (anything)
  | { t: 'class'; negate: boolean; ranges: readonly (readonly [string, string])[] }
  | { t: 'alt'; options: readonly Token[][] };

export type Glob =
  | { ok: true; matches: (path: string) => boolean }
  | { ok: false; message: string; column: number };

/** Alternatives in one `{...}`. */
const MAX_ALTERNATIVES = 64;

export function compileGlob(pattern: string): Glob {
  if (pattern.length > LIMITS.maxGlobLength)
    return {
      ok: false,
      message: `glob is ${pattern.length} characters long; the limit is ${LIMITS.maxGlobLength}`,
      column: 1,
    };
  const parsed = parse(pattern, 0, false);
  if ('message' in parsed) return { ok: false, message: parsed.message, column: parsed.at + 1 };
  const lists = expand(parsed.tokens);
  if (lists === undefined)
    return {
      ok: false,
      message: `the {...} groups expand to more than ${MAX_EXPANSIONS} patterns`,
      column: 1,
    };
  return { ok: true, matches: (path) => lists.some((l) => matchList(l, path)) };
}

type ParseResult = { tokens: Token[]; end: number } | { message: string; at: number };

/** Parses from `i`; inside braces it stops at the closing `}` or a `,`. */
function parse(p: string, start: number, inBraces: boolean): ParseResult {
  const tokens: Token[] = [];
  let i = start;
  while (i < p.length) {
    const c = p[i]!;
    if (inBraces && (c === ',' || c === '}')) return { tokens, end: i };
    if (c === '*') {
      if (p[i + 1] === '*' && (i === 0 || p[i - 1] === '/') && (p[i + 2] === '/' || i + 2 === p.length)) {
        tokens.push({ t: 'globstar' });
        i += p[i + 2] === '/' ? 3 : 2;
      } else {
        tokens.push({ t: 'star' });
        i++;
      }
    } else if (c === '?') {
      tokens.push({ t: 'any' });
      i++;
    } else if (c === '[') {
      const cls = parseClass(p, i);
      if ('message' in cls) return cls;
      tokens.push(cls.token);
      i = cls.end;
    } else if (c === '{') {
      const options: Token[][] = [];
      let j = i + 1;
      for (;;) {
        const r = parse(p, j, true);
        if ('message' in r) return r;
        options.push(r.tokens);
        if (options.length > MAX_ALTERNATIVES)
          return { message: `more than ${MAX_ALTERNATIVES} alternatives in {...}`, at: i };
        if (r.end >= p.length) return { message: 'unclosed "{" in glob', at: i };
        j = r.end + 1;
        if (p[r.end] === '}') break;
      }
      tokens.push({ t: 'alt', options });
      i = j;
    } else if (c === '\\' && i + 1 < p.length) {
      tokens.push({ t: 'lit', c: p[i + 1]! });
      i += 2;
    } else {
      tokens.push({ t: 'lit', c });
      i++;
    }
  }
  return { tokens, end: i };
}

function parseClass(
  p: string,
  open: number,
): { token: Token; end: number } | { message: string; at: number } {
  let i = open + 1;
  const negate = p[i] === '!' || p[i] === '^';
  if (negate) i++;
  const ranges: [string, string][] = [];
  // A ']' right after '[' or '[!' is a member, as in POSIX.
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    let lo = p[i]!;
    if (lo === '\\' && i + 1 < p.length) lo = p[++i]!;
    if (lo === '/') return { message: 'a "/" cannot be inside [...] in a glob', at: i };
    let hi = lo;
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      hi = p[i + 2]!;
      if (hi === '\\' && i + 3 < p.length) {
        hi = p[i + 3]!;
        i++;
      }
      if (hi < lo) return { message: `invalid range "${lo}-${hi}" in [...]: ${lo} comes after ${hi}`, at: i };
      i += 2;
    }
    ranges.push([lo, hi]);
    i++;
  }
  if (i >= p.length) return { message: 'unclosed "[" in glob (write "\\[" for a literal bracket)', at: open };
  return { token: { t: 'class', negate, ranges }, end: i + 1 };
}

/** `***` and `**` inside a segment mean `*`: runs of stars collapse, which also bounds the work. */
function collapse(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.t === 'star' && out[out.length - 1]?.t === 'star') continue;
    out.push(t.t === 'alt' ? { t: 'alt', options: t.options.map(collapse) } : t);
  }
  return out;
}

function inClass(t: Extract<Token, { t: 'class' }>, c: string): boolean {
  let hit = false;
  for (const [lo, hi] of t.ranges) if (c >= lo && c <= hi) hit = true;
  return hit !== t.negate;
}

/** Brace groups expanded into plain token lists: their product is bounded by MAX_EXPANSIONS. */
const MAX_EXPANSIONS = 1024;

function expand(tokens: readonly Token[]): Token[][] | undefined {
  let out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.t !== 'alt') {
      for (const o of out) o.push(t);
      continue;
    }
    const next: Token[][] = [];
    for (const option of t.options) {
      const tails = expand(option);
      if (tails === undefined) return undefined;
      for (const head of out) for (const tail of tails) next.push([...head, ...tail]);
      if (next.length > MAX_EXPANSIONS) return undefined;
    }
    out = next;
  }
  return out.map(collapse);
}

/**
 * Does `list` (no braces left) match all of `path`? A memoised recursion over (token index, path
 * index): each state is computed once, so the work is bounded by tokens x path length.
 */
function matchList(list: readonly Token[], path: string): boolean {
  const n = path.length;
  const memo = new Uint8Array((list.length + 1) * (n + 1));
  const at = (ti: number, pi: number): boolean => {
    const k = ti * (n + 1) + pi;
    if (memo[k] !== 0) return memo[k] === 1;
    const r = step(ti, pi);
    memo[k] = r ? 1 : 2;
    return r;
  };
  const step = (ti: number, pi: number): boolean => {
    if (ti === list.length) return pi === n;
    const t = list[ti]!;
    switch (t.t) {
      case 'lit':
        return pi < n && path[pi] === t.c && at(ti + 1, pi + 1);
      case 'any':
        return pi < n && path[pi] !== '/' && at(ti + 1, pi + 1);
      case 'class':
        return pi < n && path[pi] !== '/' && inClass(t, path[pi]!) && at(ti + 1, pi + 1);
      case 'star':
        // Zero characters, or one more non-slash character and still in the star.
        return at(ti + 1, pi) || (pi < n && path[pi] !== '/' && at(ti, pi + 1));
      case 'globstar': {
        // A trailing ** matches anything; **/ matches zero or more whole directories.
        if (ti === list.length - 1) return true;
        if (at(ti + 1, pi)) return true;
        const slash = path.indexOf('/', pi);
        return slash >= 0 && at(ti, slash + 1);
      }
      case 'alt':
        return false; // expanded away before matching
    }
  };
  return at(0, 0);
}
