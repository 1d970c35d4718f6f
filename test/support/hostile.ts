/**
 * Generators of hostile input for the hardening tests: deep nesting, large files written with
 * streams, secret canaries, and structure-aware mutations of real fixtures (every JSON path of a
 * document, a value replaced at one of them).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A unique value that must never appear in any output. Looks like a secret, is easy to grep. */
export function canary(label: string): string {
  return `CANARY-${label}-${randomBytes(6).toString('hex')}`;
}

/** JSON text of `depth` nested objects (`{"a":{"a":...leaf...}}`) without building it in memory first. */
export function deepObjectText(depth: number, leaf = '1', key = 'a'): string {
  return `{"${key}":`.repeat(depth) + leaf + '}'.repeat(depth);
}

/** JSON text of `depth` nested lists. */
export function deepListText(depth: number, leaf = ''): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

/**
 * Puts raw JSON text at a marker: the document is serialized with `"__HOSTILE__"` where the raw
 * text goes (so a 100,000-deep value never passes through JSON.stringify).
 */
export const MARK = '__HOSTILE__';
export function withRaw(doc: unknown, raw: string): string {
  const text = JSON.stringify(doc);
  const at = text.indexOf(JSON.stringify(MARK));
  if (at < 0) throw new Error('withRaw: the document has no marker');
  return text.slice(0, at) + raw + text.slice(at + JSON.stringify(MARK).length);
}

/**
 * Writes a file of about `bytes` bytes: head, then `filler` repeated, then tail, through a stream
 * (fast, bounded memory). Returns the size written.
 */
export async function writeLargeFile(file: string, bytes: number, head: string, filler: string, tail: string): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(head);
  const chunk = filler.repeat(Math.max(1, Math.floor((1 << 20) / filler.length)));
  while (written + chunk.length + tail.length < bytes) await write(chunk);
  await write(tail);
  out.end();
  await once(out, 'finish');
  return written;
}

export type JsonPath = Array<string | number>;

/** Every path of a JSON document (objects and lists, depth-first), the root included, up to `maxDepth`. */
export function pathsOf(doc: unknown, maxDepth = 12): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (v: unknown, p: JsonPath) => {
    out.push(p);
    if (p.length >= maxDepth) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(doc, []);
  return out;
}

/** A deep copy with the value at `path` replaced (or, with `remove`, deleted). */
export function setAt(doc: unknown, path: JsonPath, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** Odd strings: BOM, lone surrogates, NUL, bidi overrides, control characters, very long. */
export const ODD_STRINGS = [
  '',
  '\uFEFFrole',
  'role\uD800',
  '\uDC00role',
  'ro\u0000le',
  'ro\u202Eelor',
  'line\nbreak',
  '\u2066isolate\u2069',
  'x'.repeat(10_000),
  '${aws_iam_role.x.name}',
  '*',
  '%7B%22Statement%22%3A%5B%5D%7D',
  '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
];
