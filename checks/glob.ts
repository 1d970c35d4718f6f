/**
 * The glob matcher shared by IAM action patterns (wildcard expansion over the AWS catalog), IAM
 * Resource entries (NHI-LP-008 targets) and waiver resources: `*` matches any run of characters,
 * `?` exactly one, everything else is literal (`(`, `[`, `{`, `\` included). No regular expression
 * is ever built from a pattern.
 *
 * A pattern is split at its stars into literal segments (`?` inside them matches one character).
 * A full match anchors the first segment at the start and the last at the end, and finds each
 * middle segment at its leftmost place after the previous one: leftmost is always safe, because
 * the star before the next segment can absorb whatever a later place would have skipped. Time is
 * bounded by text × pattern length and is close to linear in practice (no backtracking: a pattern
 * of many stars, which made a regular expression run for hours, costs one pass per segment).
 */

/** Longest pattern or text matched; loaders bound IAM entries below this (SECURITY.md) and report longer ones. */
export const MAX_GLOB = 4096;

export interface GlobOptions {
  /** Case-insensitive unless false (IAM is case-insensitive; waivers are not). */
  ignoreCase?: boolean;
}

/** A pattern compiled once, matched against many texts (every action of a service, every store). */
export class Glob {
  private readonly segments: string[];
  private readonly fold: boolean;
  readonly tooLong: boolean;

  constructor(pattern: string, opts: GlobOptions = {}) {
    this.fold = opts.ignoreCase !== false;
    this.tooLong = pattern.length > MAX_GLOB;
    this.segments = (this.fold ? pattern.toLowerCase() : pattern).split('*');
  }

  /** True when the pattern has no wildcard at all. */
  get literal(): boolean {
    return this.segments.length === 1 && !this.segments[0]!.includes('?');
  }

  /** The pattern matches all of `text`. */
  full(text: string): boolean {
    if (this.tooLong || text.length > MAX_GLOB) return false;
    const t = this.fold ? text.toLowerCase() : text;
    const segs = this.segments;
    const first = segs[0]!;
    if (segs.length === 1) return first.length === t.length && segmentAt(first, t, 0);
    const last = segs[segs.length - 1]!;
    if (first.length + last.length > t.length) return false;
    if (!segmentAt(first, t, 0) || !segmentAt(last, t, t.length - last.length)) return false;
    let pos = first.length;
    const end = t.length - last.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const s = segs[i]!;
      if (s === '') continue;
      const at = findSegment(s, t, pos, end);
      if (at < 0) return false;
      pos = at + s.length;
    }
    return true;
  }

  /** Some string that starts with `text` matches the pattern (after the first star, anything can follow). */
  prefix(text: string): boolean {
    if (this.tooLong || text.length > MAX_GLOB) return false;
    const t = this.fold ? text.toLowerCase() : text;
    const first = this.segments[0]!;
    const n = Math.min(first.length, t.length);
    for (let i = 0; i < n; i++) if (first[i] !== '?' && first[i] !== t[i]) return false;
    return t.length <= first.length || this.segments.length > 1;
  }
}

/** Segment `s` (literal but for `?`) occupies `t` from `at`. */
function segmentAt(s: string, t: string, at: number): boolean {
  if (at < 0 || at + s.length > t.length) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== '?' && s[i] !== t[at + i]) return false;
  return true;
}

/** Leftmost place of segment `s` in `t` within [from, end), or -1. */
function findSegment(s: string, t: string, from: number, end: number): number {
  if (!s.includes('?')) {
    const at = t.indexOf(s, from);
    return at >= 0 && at + s.length <= end ? at : -1;
  }
  for (let at = from; at + s.length <= end; at++) if (segmentAt(s, t, at)) return at;
  return -1;
}

/**
 * `pattern` against `text`: `full` when the pattern matches all of it, `prefix` when some string
 * starting with `text` matches. Case-insensitive unless `ignoreCase` is false.
 */
export function globMatch(pattern: string, text: string, mode: 'full' | 'prefix', opts: GlobOptions = {}): boolean {
  const g = new Glob(pattern, opts);
  return mode === 'full' ? g.full(text) : g.prefix(text);
}
