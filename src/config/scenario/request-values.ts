/**
 * A request template's headers, cookies and query parameters (docs/scenario.md "Request values"):
 * scalars are fixed values; `{values: ...}` draws one value per request from a population
 * (`prefix1..prefixN`, uniform or Zipf) or a weighted list. The drawing itself is mesh/request-values.ts.
 */
import type { YamlPath } from '../yaml-source.js';
import type { RequestValuesDocument } from './schema.js';
import type { GeneratedValue, RequestTemplate, ValueGenerator } from './types.js';

type Report = (path: YamlPath, message: string) => void;
type Target = GeneratedValue['target'];

/** RFC 6265 cookie-name (an RFC 7230 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 cookie-octets: no whitespace, double quote, comma, semicolon or backslash. */
const COOKIE_VALUE = /^[^\s",;\\]*$/;

/** The template's fixed and generated values; errors go to `report` (MSIM3080). */
export function resolveRequestValues(
  r: {
    headers?: RequestValuesDocument | undefined;
    cookies?: RequestValuesDocument | undefined;
    queryParams?: RequestValuesDocument | undefined;
  },
  path: YamlPath,
  report: Report,
): Pick<RequestTemplate, 'headers' | 'cookies' | 'queryParams' | 'generated'> {
  const generated: GeneratedValue[] = [];
  const fixed = (doc: RequestValuesDocument | undefined, target: Target, field: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc ?? {})) {
      const p = [...path, field, k];
      const name = target === 'header' ? k.toLowerCase() : k;
      // Cookie names are RFC 6265 tokens (a `;` or `=` would split the Cookie header); header names keep
      // what the scenario format always accepted.
      if (target === 'cookie' && !TOKEN.test(k)) report(p, `"${k}" is not a valid cookie name`);
      if (typeof v === 'object') {
        const g = generator(v.values, [...p, 'values'], report);
        if (g && target === 'cookie') cookieValues(g, [...p, 'values'], report);
        if (g) generated.push({ target, name, generator: g });
      } else {
        if (target === 'cookie' && !COOKIE_VALUE.test(String(v)))
          report(
            p,
            `cookie value ${JSON.stringify(String(v))} has a character a cookie cannot carry (space, ", comma, ; or \\)`,
          );
        out[name] = String(v);
      }
    }
    return out;
  };
  const headers = fixed(r.headers, 'header', 'headers');
  const cookies = fixed(r.cookies, 'cookie', 'cookies');
  const queryParams = fixed(r.queryParams, 'queryParam', 'queryParams');
  const out: ReturnType<typeof resolveRequestValues> = { headers };
  if (Object.keys(cookies).length > 0) out.cookies = cookies;
  if (Object.keys(queryParams).length > 0) out.queryParams = queryParams;
  if (generated.length > 0) out.generated = generated;
  return out;
}

function cookieValues(g: ValueGenerator, path: YamlPath, report: Report): void {
  const bad = g.kind === 'list' ? g.values.find((v) => !COOKIE_VALUE.test(v)) : undefined;
  if (g.kind === 'population' && !COOKIE_VALUE.test(g.prefix))
    report(
      [...path, 'prefix'],
      `cookie value prefix ${JSON.stringify(g.prefix)} has a character a cookie cannot carry`,
    );
  if (bad !== undefined)
    report([...path, 'list'], `cookie value ${JSON.stringify(bad)} has a character a cookie cannot carry`);
}

function generator(
  v: NonNullable<Extract<RequestValuesDocument[string], { values: unknown }>['values']>,
  path: YamlPath,
  report: Report,
): ValueGenerator | undefined {
  if ((v.count === undefined) === (v.list === undefined)) {
    report(path, 'a value generator needs exactly one of count (values prefix1..prefixN) or list');
    return undefined;
  }
  if (v.list !== undefined) {
    for (const f of ['prefix', 'distribution', 's'] as const)
      if (v[f] !== undefined) report([...path, f], `${f} applies to count, not to a list`);
    const values = v.list.map((e) => (typeof e === 'object' ? String(e.value) : String(e)));
    const weights = v.list.map((e) => (typeof e === 'object' ? (e.weight ?? 1) : 1));
    if (weights.every((w) => w === 0)) {
      report([...path, 'list'], 'every value of the list has weight 0: at least one needs a weight above 0');
      return undefined;
    }
    return { kind: 'list', values, weights };
  }
  const distribution = v.distribution ?? 'uniform';
  if (v.s !== undefined && distribution !== 'zipf')
    report([...path, 's'], 's (the Zipf exponent) needs distribution: zipf');
  return { kind: 'population', prefix: v.prefix ?? '', count: v.count!, distribution, s: v.s ?? 1 };
}
