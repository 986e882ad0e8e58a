/**
 * Minimal glob support for `meshsim validate 'manifests/**\/*.yaml'` when the shell did not expand the
 * pattern (quoted, or Windows): `*`, `?`, `[...]`, `{a,b}` and `**` for any number of directories.
 */
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

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches anything.
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern
          .slice(i + 1, end)
          .split(',')
          .map((alt) => alt.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
