/**
 * The glob matcher shared by IAM Resource entries (NHI-LP-008 targets) and waiver resources:
 * `*` matches any run of characters, `?` exactly one, everything else is literal. It follows the
 * set of pattern positions through the text, so its time is bounded by text × pattern length (a
 * regular expression with many `.*` can backtrack for minutes on a hostile pattern).
 */

/** Bounds the matcher: IAM caps a Resource entry at a few kilobytes; waiver resources are shorter. */
const MAX_PATTERN = 4096;

/**
 * `pattern` against `text`: `full` when the pattern matches all of it, `prefix` when some string
 * starting with `text` matches. Case-insensitive unless `ignoreCase` is false.
 */
export function globMatch(pattern: string, text: string, mode: 'full' | 'prefix', opts: { ignoreCase?: boolean } = {}): boolean {
  if (pattern.length > MAX_PATTERN || text.length > MAX_PATTERN) return false;
  const fold = opts.ignoreCase !== false;
  const p = fold ? pattern.toLowerCase() : pattern;
  const t = fold ? text.toLowerCase() : text;
  const close = (states: Set<number>): Set<number> => {
    for (const i of [...states]) {
      let j = i;
      while (p[j] === '*') states.add(++j);
    }
    return states;
  };
  let states = close(new Set([0]));
  for (const c of t) {
    const next = new Set<number>();
    for (const i of states) {
      if (i >= p.length) continue;
      if (p[i] === '*') next.add(i);
      else if (p[i] === '?' || p[i] === c) next.add(i + 1);
    }
    if (next.size === 0) return false;
    states = close(next);
  }
  return mode === 'prefix' ? states.size > 0 : states.has(p.length);
}
