/** Lone surrogates: UTF-16 code units that are no character (ES2024's isWellFormed / toWellFormed, for ES2023 targets). */

/** Index of the first lone surrogate of `s`, or -1. */
export function loneSurrogateAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

export function isWellFormed(s: string): boolean {
  return loneSurrogateAt(s) < 0;
}

/** `s` with every lone surrogate replaced by U+FFFD. */
export function toWellFormed(s: string): string {
  if (loneSurrogateAt(s) < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      out += '\uFFFD';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\uFFFD';
    else out += s[i]!;
  }
  return out;
}

/**
 * Replaces, in place, every lone surrogate of every string and key of a JSON-like value by
 * U+FFFD, and returns the value. One crafted string then reads as that string with a
 * replacement character, instead of making the WASM runtime (whose JSON cannot carry it) fail
 * every rule. Depth is bounded by the loaders (64 levels).
 */
export function wellFormedDeep<T>(value: T): T {
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') return toWellFormed(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = fix(v[i]);
      return v;
    }
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const val = fix(o[k]);
        const key = toWellFormed(k);
        if (key !== k) {
          delete o[k];
          if (!Object.hasOwn(o, key)) o[key] = val;
        } else o[k] = val;
      }
      return v;
    }
    return v;
  };
  return fix(value) as T;
}

/**
 * JSON text (from JSON.stringify, which writes a lone surrogate as a `\udXXX` escape) with every
 * such escape replaced by `\ufffd`. An escape is one only after an even number of backslashes.
 */
export function wellFormedJson(text: string): string {
  if (!text.includes('\\ud') && !text.includes('\\uD')) return text;
  return text.replace(/(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g, '$1\\ufffd');
}
