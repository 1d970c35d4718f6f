/**
 * The JSON configuration beside a plan (`*.tf.json`: cdktf writes `cdk.tf.json`, and terraform
 * plans from it in that folder). A plan states only the references of an expression it cannot
 * evaluate before apply (`resources: [null, null]` with `references: [aws_s3_bucket.b.arn]`), not
 * its template; the JSON configuration has the template as written
 * (`"${aws_s3_bucket.b.arn}/*"`). This pass gives each unknown Resource, NotResource, Condition
 * value and Principal of a root-module `aws_iam_policy_document` its template, so that the drift
 * comparison is exact instead of "contains the reference" (checks/drift/resolve.ts).
 *
 * Facts only, and only where they are certain: an attribute whose unknown items do not line up
 * one for one with the templated strings of the configuration keeps its references.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { own } from '../dict.js';
import { isObject } from '../io/files.js';
import { asString, isUnresolved, Unresolved, type ResourceRecord, type Value } from './values.js';

/** Largest .tf.json file read, and most files per folder. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const MAX_FILES = 200;

/** The data sources and resources of the `*.tf.json` files of a folder, by address; none when there are none or they are not readable. */
export function jsonConfiguration(dir: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.tf.json'))
      .sort()
      .slice(0, MAX_FILES);
  } catch {
    return out;
  }
  for (const n of names) {
    const file = path.join(dir, n);
    let doc: unknown;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // not ours to judge: terraform itself reads the configuration
    }
    if (!isObject(doc)) continue;
    for (const mode of ['data', 'resource'] as const) {
      const block = own(doc, mode);
      if (!isObject(block)) continue;
      for (const [type, byName] of Object.entries(block)) {
        if (!isObject(byName)) continue;
        for (const [name, body] of Object.entries(byName)) if (isObject(body)) out.set(`${mode === 'data' ? 'data.' : ''}${type}.${name}`, body);
      }
    }
  }
  return out;
}

const blocks = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

/**
 * The unknown items of `planned` (a list of strings and Unresolved) get the templated strings of
 * `written` (the configuration's list), in order, when their counts agree. The items of a set
 * attribute come in any order, but every unknown item of one attribute depends on the same
 * references, so which one gets which template does not change the list as a whole.
 */
function withTemplates(planned: Value | undefined, written: unknown): Value | undefined {
  if (!Array.isArray(planned) || !Array.isArray(written)) return planned;
  const unknown = planned.filter((x) => isUnresolved(x) && x.text === undefined).length;
  const templates = written.filter((x): x is string => typeof x === 'string' && x.includes('${'));
  if (unknown === 0 || unknown !== templates.length) return planned;
  let i = 0;
  return planned.map((x) => (isUnresolved(x) && x.text === undefined ? new Unresolved(x.refs, x.reason, templates[i++]) : x));
}

/** The configuration block that a planned block is, by its `keys` fields: only when one block on each side has them. */
function counterpart(
  planned: Record<string, Value>,
  all: Value[],
  written: Array<Record<string, unknown>>,
  keys: string[],
): Record<string, unknown> | undefined {
  const id = keys.map((k) => asString(planned[k]));
  if (id.some((x) => x === undefined)) return undefined;
  const same = (b: unknown) => isObject(b) && keys.every((k, i) => b[k] === id[i]);
  const hits = written.filter(same);
  return hits.length === 1 && all.filter(same).length === 1 ? hits[0] : undefined;
}

function statementTemplates(st: Record<string, Value>, written: Record<string, unknown>): void {
  for (const attr of ['resources', 'not_resources']) {
    const t = withTemplates(st[attr], written[attr]);
    if (t !== undefined) st[attr] = t;
  }
  // Conditions and principals are sets of blocks: each is found by what identifies it.
  const pairs: Array<[string, string[], string]> = [
    ['condition', ['test', 'variable'], 'values'],
    ['principals', ['type'], 'identifiers'],
    ['not_principals', ['type'], 'identifiers'],
  ];
  for (const [attr, keys, list] of pairs) {
    const plannedBlocks = st[attr];
    if (!Array.isArray(plannedBlocks)) continue;
    const writtenBlocks = blocks(written[attr]);
    for (const b of plannedBlocks) {
      if (!b || typeof b !== 'object' || Array.isArray(b) || isUnresolved(b)) continue;
      const w = counterpart(b, plannedBlocks, writtenBlocks, keys);
      if (!w) continue;
      const t = withTemplates(b[list], w[list]);
      if (t !== undefined) b[list] = t;
    }
  }
}

/** Gives the unknown items of the root module's policy document data sources their templates. */
export function applyJsonTemplates(records: ResourceRecord[], dir: string): void {
  const docs = records.filter((r) => r.mode === 'data' && r.type === 'aws_iam_policy_document' && !r.address.startsWith('module.'));
  if (docs.length === 0) return;
  const config = jsonConfiguration(dir);
  if (config.size === 0) return;
  for (const r of docs) {
    const body = config.get(r.address.replace(/\[.*\]$/, ''));
    if (!body || r.address.endsWith(']')) continue; // count/for_each instances share one block: not certain
    const planned = r.values.statement;
    const written = blocks(body.statement);
    if (!Array.isArray(planned) || planned.length !== written.length) continue;
    planned.forEach((st, i) => {
      if (st && typeof st === 'object' && !Array.isArray(st) && !isUnresolved(st)) statementTemplates(st, written[i]!);
    });
  }
}
