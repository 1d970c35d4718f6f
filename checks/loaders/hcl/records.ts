/**
 * The configuration's facts onto a plan's resource records:
 * - where each resource is declared (origin.sourceFile, line, endLine);
 * - policy documents the plan knows only after apply, evaluated from the HCL with placeholders
 *   for the references the plan does not know (Unresolved.json, read by the Inventory builder);
 * - `secret_string` written as a constant in the code (NHI-ROT-007), jsonencode() included.
 */
import { dict } from '../../dict.js';
import { isObject } from '../../io/files.js';
import { isSecretAttribute } from '../tfjson.js';
import { isUnresolved, Unresolved, type ResourceRecord, type Value } from '../values.js';
import { TfConfiguration } from './configuration.js';
import { findOpaque } from './evaluate.js';

/** Policy document attributes by resource type (paths from the resource). */
const DOCUMENT_ATTRS: Record<string, string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_kms_key: ['policy'],
};

/** Plan JSON values into record Values (prototype-free objects). */
function valueOf(v: unknown, depth = 0): Value {
  if (depth > 64) return null;
  if (Array.isArray(v)) return v.map((x) => valueOf(x, depth + 1));
  if (isObject(v)) {
    const out = dict<Value>();
    for (const k of Object.keys(v)) out[k] = valueOf(v[k], depth + 1);
    return out;
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** The plan's root variables, without sensitive ones (configuration marks them) or secret-looking names. */
export function planVariables(doc: Record<string, unknown>): Map<string, Value> {
  const out = new Map<string, Value>();
  const vars = isObject(doc.variables) ? doc.variables : {};
  const cfg =
    isObject(doc.configuration) && isObject(doc.configuration.root_module) && isObject(doc.configuration.root_module.variables)
      ? doc.configuration.root_module.variables
      : {};
  for (const [name, v] of Object.entries(vars)) {
    const decl = cfg[name];
    if ((isObject(decl) && decl.sensitive === true) || isSecretAttribute(name) || !isObject(v) || !('value' in v)) continue;
    out.set(name, valueOf(v.value));
  }
  return out;
}

function at(v: Value | undefined, attrs: Array<string | number>): Value | undefined {
  let cur = v;
  for (const a of attrs) {
    if (Array.isArray(cur) && typeof a === 'number') cur = cur[a];
    else if (cur && typeof cur === 'object' && !Array.isArray(cur) && !isUnresolved(cur) && Object.hasOwn(cur, String(a))) cur = cur[String(a)];
    else return undefined;
  }
  return cur;
}

/** A document value evaluated from the configuration, as the builder reads it; undefined: nothing better than the plan's. */
function documentValue(planValue: Unresolved, evaluated: Value | undefined): Unresolved | undefined {
  if (evaluated === undefined || findOpaque(evaluated)) return undefined;
  if (typeof evaluated === 'string') return new Unresolved(planValue.refs, planValue.reason, planValue.text, evaluated);
  // A JSON document with placeholders (jsonencode, templatefile); a bare reference stays the plan's.
  if (isUnresolved(evaluated) && evaluated.text !== undefined && /^\s*[{[]/.test(evaluated.text)) {
    return new Unresolved(evaluated.refs, evaluated.reason, undefined, evaluated.text);
  }
  return undefined;
}

/** Attributes that link a resource to another (role of a policy, policy of an attachment...). */
const LINK_ATTRS = ['role', 'user', 'group', 'policy_arn', 'secret_id', 'kms_key_id'];

/**
 * A link the plan leaves ambiguous: `policy_arn = each.value` over a for_each map lists every
 * policy of the map as a reference. The configuration, evaluated for this instance, names the one.
 */
function linkValue(planValue: Unresolved, evaluated: Value | undefined): Value | undefined {
  if (typeof evaluated === 'string') return evaluated;
  if (isUnresolved(evaluated) && evaluated.refs.length === 1 && evaluated.text === `\${${evaluated.refs[0]}}` && planValue.refs.length > 1) return evaluated;
  return undefined;
}

export interface ConfigurationInput {
  /** The plan document (already validated as a plan). */
  doc: Record<string, unknown>;
  records: ResourceRecord[];
  /** Safe attributes of resources not read into records (ARNs, account data sources). */
  otherKnown: Map<string, Record<string, Value>>;
  /** The root module folder. */
  dir: string;
}

/** Applies the configuration's facts to the records; false when the folder has no .tf files. */
export async function applyConfiguration(input: ConfigurationInput): Promise<boolean> {
  const byAddress = new Map(input.records.map((r) => [r.address, r]));
  const cfg = await TfConfiguration.load(input.dir, input.doc.configuration, {
    variables: planVariables(input.doc),
    known: (address, attrs) => {
      const rec = byAddress.get(address);
      if (rec) {
        if (rec.sensitive?.has(String(attrs[0]))) return undefined;
        return at(rec.values, attrs);
      }
      const other = input.otherKnown.get(address);
      return other ? at(other, attrs) : undefined;
    },
  });
  if (!cfg) return false;
  try {
    for (const rec of input.records) {
      const where = cfg.where(rec.address);
      if (!where) continue;
      rec.origin.sourceFile = where.file;
      rec.origin.line = where.line;
      rec.origin.endLine = where.endLine;
      for (const attr of DOCUMENT_ATTRS[rec.type] ?? []) {
        const v = rec.values[attr];
        if (!isUnresolved(v)) continue;
        const doc = documentValue(v, cfg.evaluate(rec.address, [attr]));
        if (!doc) continue;
        rec.values[attr] = doc;
        // A document that is one policy document data source: where each of its statement blocks is.
        const ds = v.refs.length === 1 && /^data\.aws_iam_policy_document\./.test(v.refs[0]!) ? v.refs[0]!.replace(/\.(?:minified_)?json$/, '') : undefined;
        const ranges = ds ? cfg.statementRanges(ds) : undefined;
        if (ranges?.length) (rec.statementsAt ??= {})[attr] = ranges;
      }
      for (const attr of LINK_ATTRS) {
        const v = rec.values[attr];
        if (!isUnresolved(v) || v.refs.length < 2) continue;
        const link = linkValue(v, cfg.evaluate(rec.address, [attr]));
        if (link !== undefined) rec.values[attr] = link;
      }
      // A role's inline_policy blocks unknown as a whole (a module instance whose documents
      // reference new resources): each block as the configuration writes it.
      const blocks = rec.type === 'aws_iam_role' && isUnresolved(rec.values.inline_policy) ? cfg.nestedBlocks(rec.address, 'inline_policy') : undefined;
      if (blocks && isUnresolved(rec.values.inline_policy)) {
        const whole = rec.values.inline_policy;
        rec.values.inline_policy = Array.from({ length: blocks }, (_, i) => {
          const b = dict<Value>();
          const name = cfg.evaluate(rec.address, ['inline_policy', i, 'name']);
          if (typeof name === 'string') b.name = name;
          b.policy = documentValue(whole, cfg.evaluate(rec.address, ['inline_policy', i, 'policy'])) ?? whole;
          return b;
        });
      }
      if (rec.type === 'aws_iam_role' && Array.isArray(rec.values.inline_policy)) {
        rec.values.inline_policy.forEach((b, i) => {
          if (!b || typeof b !== 'object' || Array.isArray(b) || isUnresolved(b) || !isUnresolved(b.policy)) return;
          const doc = documentValue(b.policy, cfg.evaluate(rec.address, ['inline_policy', i, 'policy']));
          if (doc) b.policy = doc;
        });
      }
      if (rec.type === 'aws_secretsmanager_secret_version' && !rec.literal?.has('secret_string') && cfg.isConstant(rec.address, 'secret_string')) {
        (rec.literal ??= new Set()).add('secret_string');
      }
    }
  } finally {
    cfg.dispose();
  }
  return true;
}
