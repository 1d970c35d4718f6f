/**
 * Maps built from input. Keys of plans, state, synth output, snapshots, tags and waivers are
 * chosen by whoever wrote the file: `__proto__`, `constructor` or `toString` must be keys like any
 * other, never a way into an object's prototype. Every map filled from input is a `dict()` (no
 * prototype) or a `Map`, and every lookup by an input key goes through `own()`.
 */

/** An empty map without a prototype: `d['__proto__'] = x` stores a key, `d.constructor` is undefined. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A prototype-free copy of the own enumerable entries of `o` (or of a list of entries). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]> | Readonly<Record<string, T>> | undefined): Record<string, T> {
  const out = dict<T>();
  if (entries === undefined) return out;
  const list = Symbol.iterator in entries ? entries : Object.entries(entries as Record<string, T>);
  for (const [k, v] of list) out[k] = v;
  return out;
}

/** `o[k]` when `o` has `k` as its own property; undefined otherwise (never an inherited member). */
export function own<T>(o: Readonly<Record<string | number, T>> | undefined | null, k: string | number): T | undefined {
  return o !== undefined && o !== null && Object.hasOwn(o, k) ? o[k] : undefined;
}
