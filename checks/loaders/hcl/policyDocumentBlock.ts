/**
 * A `data "aws_iam_policy_document"` block rendered from the configuration, as the AWS provider
 * renders its `json`: statement blocks (with their principals, not_principals and condition
 * blocks, and `dynamic` blocks over a collection the configuration knows), `version` and
 * `policy_id`, then `source_policy_documents` / `source_json` first and `override_policy_documents`
 * / `override_json` last, merged by Sid (a statement with the Sid of an earlier one replaces it,
 * one without a Sid or with a new one is appended).
 *
 * The result is JSON text with `${address.attribute}` placeholders where the plan does not know a
 * reference (checks/model.ts), or opaque when the document's structure depends on what is known
 * only after apply (a dynamic block over an unknown collection, a source document that is only a
 * reference, a principal type or condition operator from a reference). Facts only: the rules
 * judge the document (checks/loaders/policyDocument.ts, documentFromConfiguration).
 */
import type { Node } from 'web-tree-sitter';
import { dict } from '../../dict.js';
import { PLACEHOLDER } from '../../model.js';
import { isUnresolved, Unresolved, type Value } from '../values.js';
import { opaque } from './evaluate.js';
import type { HclBlock } from './parser.js';

/** Evaluates an expression of the block in its scope, with extra bindings (dynamic iterators). */
export type EvalIn = (expr: Node, bindings?: Map<string, Value>) => Value;

/** The document as plain JSON values whose strings may hold placeholders. */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type JsonStatement = Record<string, Json>;

const MAX_DYNAMIC = 1_000;
const MAX_STATEMENTS = 5_000;

/** Why the document is not rendered: its structure is known only after apply. */
class Unknown extends Error {}

/** References of the placeholders in the document being rendered (rendering is synchronous, one at a time). */
let refs: string[] = [];
const addRefs = (u: Unresolved) => {
  for (const r of u.refs) if (!refs.includes(r)) refs.push(r);
};

/** A value with its placeholders as text; opaque anywhere is Unknown. */
function plain(v: Value, what: string, depth = 0): Json {
  if (depth > 32) throw new Unknown(`${what} is nested too deep`);
  if (isUnresolved(v)) {
    if (v.text === undefined) throw new Unknown(`${what}: ${v.reason}`);
    addRefs(v);
    return v.text;
  }
  if (Array.isArray(v)) return v.map((x) => plain(x, what, depth + 1));
  if (v && typeof v === 'object') {
    const out = dict<Json>();
    for (const k of Object.keys(v)) out[k] = plain(v[k]!, what, depth + 1);
    return out;
  }
  return v;
}

/** A string written literally enough to be a key or a type (no placeholder). */
function literalString(v: Value, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Unknown(`${what} is known only after apply`);
}

/** A list attribute (`actions`, `resources`, `identifiers`, `values`): one item alone is a string, as the provider writes it. */
function stringList(v: Value, what: string): Json {
  if (v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out = items.map((x) => {
    const p = plain(x, what);
    if (typeof p === 'object' && p !== null) throw new Unknown(`${what} holds a list or an object`);
    return p === null ? '' : typeof p === 'string' ? p : String(p);
  });
  return out.length === 1 ? out[0]! : out;
}

interface Expanded {
  block: HclBlock;
  bindings: Map<string, Value>;
}

/**
 * The nested blocks of a type, `dynamic` ones expanded over their collection, each with the
 * bindings its expressions see (the iterator `{key, value}` of every dynamic around it).
 */
function blocksOf(block: HclBlock, type: string, bindings: Map<string, Value>, ev: EvalIn): Expanded[] {
  const out: Expanded[] = [];
  for (const b of block.blocks) {
    if (b.type === type) {
      out.push({ block: b, bindings });
      continue;
    }
    if (b.type !== 'dynamic' || b.labels[0] !== type) continue;
    if (b.broken) throw new Unknown(`a dynamic "${type}" block could not be read`);
    const content = b.blocks.find((x) => x.type === 'content');
    const forEach = b.attrs.get('for_each');
    if (!content || !forEach) throw new Unknown(`a dynamic "${type}" block without for_each or content`);
    const iteratorExpr = b.attrs.get('iterator');
    const iterator = iteratorExpr ? iteratorExpr.text.trim() : type;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(iterator)) throw new Unknown(`the iterator of a dynamic "${type}" block is not a name`);
    const coll = ev(forEach, bindings);
    if (isUnresolved(coll)) throw new Unknown(`the for_each of a dynamic "${type}" block is known only after apply`);
    const entries: Array<[Value, Value]> = Array.isArray(coll)
      ? coll.map((v, i) => [i, v])
      : coll && typeof coll === 'object'
        ? Object.keys(coll).map((k) => [k, (coll as Record<string, Value>)[k]!])
        : coll === null
          ? []
          : [];
    if (entries.length > MAX_DYNAMIC) throw new Unknown(`a dynamic "${type}" block has more than ${MAX_DYNAMIC} entries`);
    for (const [key, value] of entries) {
      const it = dict<Value>();
      it.key = key;
      it.value = value;
      out.push({ block: content, bindings: new Map([...bindings, [iterator, it]]) });
    }
  }
  return out;
}

/** An attribute's value, or undefined when the block does not set it (null is not set, as in terraform). */
function attr(x: Expanded, name: string, ev: EvalIn): Value | undefined {
  const e = x.block.attrs.get(name);
  if (!e) return undefined;
  const v = ev(e, x.bindings);
  return v === null ? undefined : v;
}

function principals(x: Expanded, type: 'principals' | 'not_principals', ev: EvalIn): Json | undefined {
  const blocks = blocksOf(x.block, type, x.bindings, ev);
  if (blocks.length === 0) return undefined;
  const byType = dict<string[]>();
  for (const p of blocks) {
    const t = literalString(attr(p, 'type', ev) ?? '', `the type of a ${type} block`);
    const ids = stringList(attr(p, 'identifiers', ev) ?? [], `the identifiers of a ${type} block`);
    byType[t] = [...(byType[t] ?? []), ...(Array.isArray(ids) ? (ids as string[]) : [ids as string])];
  }
  // A "*" principal (type "*", identifiers ["*"]) is written as Principal "*".
  if (Object.hasOwn(byType, '*')) return '*';
  const out = dict<Json>();
  for (const t of Object.keys(byType)) out[t] = byType[t]!.length === 1 ? byType[t]![0]! : byType[t]!;
  return out;
}

function conditions(x: Expanded, ev: EvalIn): Json | undefined {
  const blocks = blocksOf(x.block, 'condition', x.bindings, ev);
  if (blocks.length === 0) return undefined;
  const out = dict<Record<string, Json>>();
  for (const c of blocks) {
    const test = literalString(attr(c, 'test', ev) ?? '', 'a condition test');
    const variable = literalString(attr(c, 'variable', ev) ?? '', 'a condition variable');
    const values = stringList(attr(c, 'values', ev) ?? [], 'condition values');
    const byVar = (out[test] ??= dict<Json>());
    // The same test and variable twice: their values together.
    byVar[variable] = Object.hasOwn(byVar, variable) ? ([] as Json[]).concat(byVar[variable]!, values) : values;
  }
  return out;
}

function statement(x: Expanded, ev: EvalIn): JsonStatement {
  const st = dict<Json>();
  const sid = attr(x, 'sid', ev);
  if (sid !== undefined && sid !== '') st.Sid = plain(sid, 'a statement sid');
  st.Effect = plain(attr(x, 'effect', ev) ?? 'Allow', 'a statement effect');
  for (const [name, key] of [
    ['actions', 'Action'],
    ['not_actions', 'NotAction'],
    ['resources', 'Resource'],
    ['not_resources', 'NotResource'],
  ] as const) {
    const v = attr(x, name, ev);
    if (v !== undefined) st[key] = stringList(v, `statement ${name}`);
  }
  const p = principals(x, 'principals', ev);
  if (p !== undefined) st.Principal = p;
  const np = principals(x, 'not_principals', ev);
  if (np !== undefined) st.NotPrincipal = np;
  const c = conditions(x, ev);
  if (c !== undefined) st.Condition = c;
  return st;
}

interface Doc {
  version?: Json;
  id?: Json;
  statements: JsonStatement[];
}

/** A source or override document: JSON text (with placeholders) into statements. */
function parsedDocument(v: Value, what: string): Doc {
  const text = typeof v === 'string' ? v : isUnresolved(v) && v.text !== undefined && /^\s*\{/.test(v.text) ? v.text : undefined;
  if (text === undefined) throw new Unknown(`${what} is known only after apply`);
  if (isUnresolved(v)) addRefs(v);
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch {
    throw new Unknown(`${what} is not JSON`);
  }
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new Unknown(`${what} is not a policy document`);
  const o = d as Record<string, unknown>;
  const raw = o.Statement === undefined ? [] : Array.isArray(o.Statement) ? o.Statement : [o.Statement];
  const statements = raw.map((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Unknown(`a statement of ${what} is not an object`);
    return s as JsonStatement;
  });
  const out: Doc = { statements };
  if (o.Version !== undefined) out.version = o.Version as Json;
  if (o.Id !== undefined) out.id = o.Id as Json;
  return out;
}

/** The provider's merge: a statement with the Sid of one already there replaces it; others are appended. */
function merge(into: Doc, doc: Doc): void {
  if (doc.id !== undefined && doc.id !== '') into.id = doc.id;
  if (typeof doc.version === 'string' && (typeof into.version !== 'string' || doc.version > into.version)) into.version = doc.version;
  for (const st of doc.statements) {
    const sid = st.Sid;
    if (sid !== undefined && typeof sid !== 'string') throw new Unknown('a statement Sid is not a string');
    if (typeof sid === 'string' && PLACEHOLDER.test(sid))
      throw new Unknown('a statement Sid is known only after apply, so which statement it replaces is not known');
    const at = sid ? into.statements.findIndex((s) => s.Sid === sid) : -1;
    if (at >= 0) into.statements[at] = st;
    else into.statements.push(st);
    if (into.statements.length > MAX_STATEMENTS) throw new Unknown(`the document has more than ${MAX_STATEMENTS} statements`);
  }
}

/** The documents of a list attribute (`source_policy_documents`) or a single one (`source_json`). */
function documents(block: HclBlock, listAttr: string, singleAttr: string, ev: EvalIn): Doc[] {
  const out: Doc[] = [];
  const single = attr({ block, bindings: new Map() }, singleAttr, ev);
  if (single !== undefined) out.push(parsedDocument(single, singleAttr));
  const list = attr({ block, bindings: new Map() }, listAttr, ev);
  if (list !== undefined) {
    if (!Array.isArray(list)) throw new Unknown(`${listAttr} is known only after apply`);
    list.forEach((d, i) => {
      if (d !== null) out.push(parsedDocument(d, `${listAttr}[${i}]`));
    });
  }
  return out;
}

/**
 * The block's `json` as the provider renders it: a string when every value is known, an
 * Unresolved with the text and its placeholders' references otherwise, opaque when the structure
 * is known only after apply.
 */
export function renderPolicyDocument(block: HclBlock, ev: EvalIn): Value {
  if (block.broken) return opaque('the policy document block could not be read');
  const outer = refs;
  refs = [];
  try {
    const merged: Doc = { statements: [] };
    for (const d of documents(block, 'source_policy_documents', 'source_json', ev)) merge(merged, d);
    const own: Doc = { version: plain(attr({ block, bindings: new Map() }, 'version', ev) ?? '2012-10-17', 'the version'), statements: [] };
    const id = attr({ block, bindings: new Map() }, 'policy_id', ev);
    if (id !== undefined) own.id = plain(id, 'the policy id');
    own.statements = blocksOf(block, 'statement', new Map(), ev).map((x) => statement(x, ev));
    merge(merged, own);
    for (const d of documents(block, 'override_policy_documents', 'override_json', ev)) merge(merged, d);
    const out = dict<Json>();
    out.Version = merged.version ?? '2012-10-17';
    if (merged.id !== undefined) out.Id = merged.id;
    out.Statement = merged.statements;
    const text = JSON.stringify(out);
    return refs.length ? new Unresolved(refs, `depends on ${refs.join(', ')}`, text) : text;
  } catch (e) {
    if (e instanceof Unknown) return opaque(e.message);
    throw e;
  } finally {
    refs = outer;
  }
}
