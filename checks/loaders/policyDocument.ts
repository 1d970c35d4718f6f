/**
 * IAM policy documents into the normalized Statement model: from JSON text (inline policies,
 * trust policies, live documents) and from `aws_iam_policy_document` data source blocks.
 * Invalid documents come back as data ({known:false, reason}), never as a throw.
 */
import { dict, own } from '../dict.js';
import { isWellFormed } from '../unicode.js';
import { PLACEHOLDER, type Condition, type DocRef, type PolicyDocument, type Principals, type Statement } from '../model.js';
import { asBlocks, asString, asStrings, isUnresolved, Unresolved, type Value } from './values.js';

/**
 * What nhi-guard judges of one document (SECURITY.md, "Bounded work"). AWS refuses documents far
 * smaller: 10,240 characters for a role's inline policies, 6,144 for a managed policy, 2,048 for
 * a trust policy, ARNs of at most 2,048 characters. A document beyond a bound is not judged: it
 * becomes `{known: false, unreadable: true}`, which NHI-UNK-002 reports at the severity of the
 * worst rule it could hide, so it never passes silently and never costs unbounded time.
 */
export const POLICY_BOUNDS = {
  /** Statements per document. */
  statements: 1_000,
  /** Entries of one Action, NotAction, Resource, NotResource or principal list, or one condition's values. */
  entriesPerList: 1_000,
  /** Entries of all lists of the document together. */
  entriesPerDocument: 10_000,
  /** Characters of one entry (an action pattern, an ARN pattern, a principal, a condition value). */
  entryLength: 2_048,
} as const;

/**
 * Characters an entry may not hold: a lone surrogate (no character at all; the WASM runtime's
 * JSON cannot carry it) and private-use characters (U+E000-U+F8FF, which the policies use to
 * keep glob syntax literal, policies/lib/iam.rego glob_literals). Neither is ever part of an
 * IAM action, ARN, principal or condition value AWS accepts.
 */
export function oddCharacter(s: string): string | undefined {
  if (!isWellFormed(s)) return 'a lone surrogate';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xe000 && c <= 0xf8ff) return 'a private-use character';
  }
  return undefined;
}

/** A document beyond POLICY_BOUNDS: not an invalid one, one nhi-guard does not judge. */
class BeyondBounds extends Error {}

/** Counts the entries of one document against the bounds. */
class Budget {
  private entries = 0;
  take(l: readonly unknown[], what: string): void {
    if (l.length > POLICY_BOUNDS.entriesPerList)
      throw new BeyondBounds(`${what} has ${l.length} entries, more than the ${POLICY_BOUNDS.entriesPerList} nhi-guard judges`);
    this.entries += l.length;
    if (this.entries > POLICY_BOUNDS.entriesPerDocument)
      throw new BeyondBounds(`the document has more than the ${POLICY_BOUNDS.entriesPerDocument} entries nhi-guard judges`);
    for (const x of l) {
      if (typeof x !== 'string') continue;
      if (x.length > POLICY_BOUNDS.entryLength)
        throw new BeyondBounds(`an entry of ${what} has ${x.length} characters, more than the ${POLICY_BOUNDS.entryLength} nhi-guard judges`);
      const odd = oddCharacter(x);
      if (odd) throw new BeyondBounds(`an entry of ${what} holds ${odd}, which nhi-guard does not judge`);
    }
  }
}

/** Budget of a parse in progress (documents parse synchronously, one at a time). */
let budget = new Budget();

function notJudged(reason: string): DocRef {
  return { known: false, unreadable: true, reason };
}

function list(v: unknown): unknown[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? (v as unknown[]) : [v];
}

function strList(v: unknown, what: string): string[] | undefined {
  const l = list(v);
  if (l === undefined) return undefined;
  budget.take(l, what);
  if (!l.every((x) => typeof x === 'string')) throw new Error(`${what} must be a string or a list of strings`);
  return l;
}

export function principalsOf(v: unknown): Principals | undefined {
  if (v === undefined) return undefined;
  if (v === '*') return { any: true };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('Principal must be "*" or an object');
  const out: Principals = {};
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    const values = strList(raw, `Principal.${k}`) ?? [];
    const key = k.toLowerCase();
    const slot =
      key === 'aws' ? 'aws' : key === 'service' ? 'service' : key === 'federated' ? 'federated' : key === 'canonicaluser' ? 'canonicalUser' : undefined;
    if (!slot) throw new Error(`Principal type ${k} is not AWS, Service, Federated or CanonicalUser`);
    out[slot] = [...(out[slot] ?? []), ...values];
    if (slot === 'aws' && values.includes('*')) out.any = true;
  }
  return out;
}

/** A condition with its key lower-cased for matching, and the user's spelling beside it when it differs (for messages). */
export function conditionOf(operator: string, key: string, values: string[]): Condition {
  const lower = key.toLowerCase();
  return lower === key ? { operator, key, values } : { operator, key: lower, writtenKey: key, values };
}

export function conditionsOf(v: unknown): Condition[] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('Condition must be an object');
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) throw new Error(`Condition ${operator} must be an object`);
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const items = list(raw) ?? [];
      budget.take(items, `Condition ${operator}`);
      const values = items.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      out.push(conditionOf(operator, key, values));
    }
  }
  return out;
}

/**
 * Sets `actions` or `notActions` lower-cased (IAM action names are case-insensitive, and every rule
 * compares lower case), keeping the user's spelling beside them when it differs, for messages.
 */
export function setActions(st: Statement, slot: 'actions' | 'notActions', written: string[]): void {
  const lower = written.map((a) => a.toLowerCase());
  st[slot] = lower;
  if (lower.some((a, i) => a !== written[i])) st[slot === 'actions' ? 'writtenActions' : 'writtenNotActions'] = [...written];
}

function statementOf(raw: unknown, i: number): Statement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`Statement[${i}] must be an object`);
  const s = raw as Record<string, unknown>;
  const effect = s.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new Error(`Statement[${i}].Effect must be Allow or Deny`);
  const out: Statement = { effect, conditions: conditionsOf(s.Condition) };
  if (typeof s.Sid === 'string') out.sid = s.Sid;
  const actions = strList(s.Action, `Statement[${i}].Action`);
  const notActions = strList(s.NotAction, `Statement[${i}].NotAction`);
  const resources = strList(s.Resource, `Statement[${i}].Resource`);
  const notResources = strList(s.NotResource, `Statement[${i}].NotResource`);
  if (actions) setActions(out, 'actions', actions);
  if (notActions) setActions(out, 'notActions', notActions);
  if (resources) out.resources = resources;
  if (notResources) out.notResources = notResources;
  const principals = principalsOf(s.Principal);
  const notPrincipals = principalsOf(s.NotPrincipal);
  if (principals) out.principals = principals;
  if (notPrincipals) out.notPrincipals = notPrincipals;
  return out;
}

/** Parses a policy document object (already JSON-decoded). */
export function documentOf(raw: unknown): DocRef {
  try {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return { known: false, unreadable: true, reason: 'policy document is not a JSON object' };
    const d = raw as Record<string, unknown>;
    const stmts = list(d.Statement);
    if (!stmts) return { known: false, unreadable: true, reason: 'policy document has no Statement' };
    if (stmts.length > POLICY_BOUNDS.statements)
      return notJudged(`the document has ${stmts.length} statements, more than the ${POLICY_BOUNDS.statements} nhi-guard judges`);
    budget = new Budget();
    const doc: PolicyDocument = { statements: stmts.map(statementOf) };
    if (typeof d.Version === 'string') doc.version = d.Version;
    return { known: true, document: doc };
  } catch (e) {
    if (e instanceof BeyondBounds) return notJudged(e.message);
    return { known: false, unreadable: true, reason: `invalid policy document: ${(e as Error).message}` };
  }
}

/** Parses policy JSON text; live documents may arrive URL-encoded. */
export function documentFromText(text: string): DocRef {
  let t = text.trim();
  if (t.startsWith('%7B') || t.startsWith('%7b')) {
    try {
      t = decodeURIComponent(t);
    } catch {
      return { known: false, unreadable: true, reason: 'policy document is not valid URL-encoded text' };
    }
  }
  // A terraform interpolation left in the text is not the document yet; an IAM policy variable
  // (`${aws:username}`) is part of it (checks/model.ts, PLACEHOLDER).
  if (PLACEHOLDER.test(t)) return { known: false, reason: 'policy document contains an unresolved interpolation' };
  return documentFromJson(t);
}

/** Policy JSON text (already decoded) into a document, or why it is not one. */
export function documentFromJson(text: string): DocRef {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { known: false, unreadable: true, reason: 'policy document is not valid JSON' };
  }
  return documentOf(parsed);
}

/** The first placeholder inside a JSON value, if any. */
function placeholderIn(v: unknown, depth = 0): string | undefined {
  if (typeof v === 'string') return PLACEHOLDER.exec(v)?.[0];
  if (depth > 64 || typeof v !== 'object' || v === null) return undefined;
  for (const [k, x] of Object.entries(v)) {
    const hit = PLACEHOLDER.exec(k)?.[0] ?? placeholderIn(x, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * A policy document evaluated from the configuration (checks/loaders/hcl): JSON text whose strings
 * may hold placeholders for references the plan does not know (checks/model.ts). Judged when the
 * placeholders sit only where a rule can decide without them (Resource, NotResource, Principal,
 * Condition values, Sid); unknown when its structure, Effect, Action or NotAction depends on one.
 */
export function documentFromConfiguration(text: string): DocRef {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { known: false, unreadable: true, reason: 'policy document is not valid JSON' };
  }
  const unknown = (what: string, ph: string) => ({ known: false, reason: `${what} is known only after apply (depends on ${ph.slice(2, -1)})` });
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const d = parsed as Record<string, unknown>;
    const top = placeholderIn(typeof d.Statement === 'string' ? d.Statement : undefined) ?? placeholderIn(d.Version);
    if (top) return unknown('the Statement list', top);
    const stmts = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
    for (const [i, st] of stmts.entries()) {
      if (typeof st !== 'object' || st === null || Array.isArray(st)) {
        const ph = placeholderIn(st);
        if (ph) return unknown(`Statement[${i}]`, ph);
        continue;
      }
      const s = st as Record<string, unknown>;
      for (const k of ['Effect', 'Action', 'NotAction']) {
        const ph = placeholderIn(s[k]);
        if (ph) return unknown(`Statement[${i}].${k}`, ph);
      }
      for (const k of ['Principal', 'NotPrincipal', 'Condition']) {
        const v = s[k];
        if (typeof v === 'string' && PLACEHOLDER.test(v)) return unknown(`Statement[${i}].${k}`, PLACEHOLDER.exec(v)![0]);
        // Principal types and condition operators/keys are structure: a placeholder there is unknown.
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
          for (const [key, inner] of Object.entries(v)) {
            const ph = PLACEHOLDER.exec(key)?.[0] ?? (k === 'Condition' ? placeholderInKeys(inner) : undefined);
            if (ph) return unknown(`Statement[${i}].${k}`, ph);
          }
        }
      }
    }
  }
  return documentOf(parsed);
}

function placeholderInKeys(v: unknown): string | undefined {
  if (typeof v === 'string' && PLACEHOLDER.test(v)) return PLACEHOLDER.exec(v)![0];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  for (const k of Object.keys(v)) if (PLACEHOLDER.test(k)) return PLACEHOLDER.exec(k)![0];
  return undefined;
}

/**
 * Statement blocks of a `data "aws_iam_policy_document"` (synth config or plan/state values).
 * Unknown pieces make the whole document unknown: a guess could hide a wildcard. With
 * `unresolvedPrincipals` (resource policies of data stores and keys: the access map carries such
 * a principal as `unresolved`, and NHI-LP-010 judges it), a `principals` block whose type is
 * known and whose identifiers are references known only after apply keeps the statement, each
 * identifier its placeholder (`${data.aws_iam_role.vendor.arn}`). Trust policies do not: the
 * trust rules would read the placeholder as a safe named principal where it may be `*` or the
 * own account's root.
 */
export function documentFromDataSource(values: Record<string, Value>, opts: { unresolvedPrincipals?: boolean } = {}): DocRef {
  const sources = documentsOf(values, 'source_json', 'source_policy_documents');
  const overrides = documentsOf(values, 'override_json', 'override_policy_documents');
  if ('reason' in sources) return sources.reason;
  if ('reason' in overrides) return overrides.reason;
  const own = ownStatements(values, opts.unresolvedPrincipals === true);
  if (!own.known) return own;
  // The provider's merge: source documents, then the statements, then overrides, by Sid.
  const statements: Statement[] = [];
  for (const doc of [...sources.docs, own.document!, ...overrides.docs]) {
    for (const st of doc.statements) {
      const at = st.sid ? statements.findIndex((x) => x.sid === st.sid) : -1;
      if (at >= 0) statements[at] = st;
      else statements.push(st);
    }
  }
  const version = own.document!.version;
  const beyond = beyondBounds(statements);
  if (beyond) return notJudged(beyond);
  return { known: true, document: { statements, ...(version ? { version } : {}) }, ...(referencesOnly(values.statement) ? { referencesOnly: true } : {}) };
}

/**
 * The source or override documents of a policy document data source: parsed when known; a
 * reason when one is known only after apply (its statements would be missing) or unreadable.
 */
function documentsOf(values: Record<string, Value>, single: string, list: string): { docs: PolicyDocument[] } | { reason: DocRef } {
  const texts: Value[] = [];
  const one = values[single];
  if (one !== undefined && one !== null && one !== '') texts.push(one);
  const many = values[list];
  if (isUnresolved(many)) return { reason: { known: false, reason: `${list} is known only after apply` } };
  if (Array.isArray(many)) texts.push(...many.filter((x) => x !== null && x !== ''));
  const docs: PolicyDocument[] = [];
  for (const t of texts) {
    if (typeof t !== 'string') return { reason: { known: false, reason: `a document of ${list} is known only after apply` } };
    const d = documentFromText(t);
    if (!d.known || !d.document) return { reason: d };
    docs.push(d.document);
  }
  return { docs };
}

/** The statement blocks of a data source itself. */
function ownStatements(values: Record<string, Value>, unresolvedPrincipals: boolean): DocRef {
  const statements: Statement[] = [];
  const blocks = asBlocks(values.statement);
  for (const b of blocks) {
    for (const [k, v] of Object.entries(b)) {
      if (unresolvedPrincipals && k === 'principals' && onlyIdentifiersUnresolved(v)) continue;
      if (containsUnresolved(v) && !['resources', 'not_resources', 'condition', 'sid'].includes(k)) {
        return { known: false, reason: `statement ${k} is known only after apply` };
      }
    }
    const effect = asString(b.effect) ?? 'Allow';
    if (effect !== 'Allow' && effect !== 'Deny') return { known: false, reason: `statement effect ${effect} is not Allow or Deny` };
    const st: Statement = { effect, conditions: [] };
    // A deferred read (read_because_config_unknown) writes absent lists as null: absent, not [null].
    const sid = asString(b.sid);
    if (sid) st.sid = sid;
    if (b.actions !== undefined && b.actions !== null) setActions(st, 'actions', asStrings(b.actions));
    if (b.not_actions !== undefined && b.not_actions !== null) setActions(st, 'notActions', asStrings(b.not_actions));
    if (b.resources !== undefined && b.resources !== null) st.resources = stringsKeepingUnknown(b.resources);
    if (b.not_resources !== undefined && b.not_resources !== null) st.notResources = stringsKeepingUnknown(b.not_resources);
    for (const [blockName, slot] of [
      ['principals', 'principals'],
      ['not_principals', 'notPrincipals'],
    ] as const) {
      const ps = asBlocks(b[blockName]);
      if (ps.length === 0) continue;
      const merged = dict<string[]>();
      for (const p of ps) {
        const type = asString(p.type) ?? '';
        merged[type] = [...(own(merged, type) ?? []), ...stringsKeepingUnknown(p.identifiers)];
      }
      try {
        st[slot] = principalsOf(own(merged, '*') ? '*' : merged);
      } catch (e) {
        return { known: false, reason: (e as Error).message };
      }
    }
    for (const c of asBlocks(b.condition)) {
      st.conditions.push(conditionOf(asString(c.test) ?? '', asString(c.variable) ?? '', stringsKeepingUnknown(c.values)));
    }
    statements.push(st);
  }
  const version = asString(values.version);
  return { known: true, document: { statements, ...(version ? { version } : {}) } };
}

/** Principals blocks written out, each with a known type; only their identifiers may be unknown. */
function onlyIdentifiersUnresolved(v: Value | undefined): boolean {
  if (isUnresolved(v)) return false;
  const ps = asBlocks(v);
  return ps.length > 0 && ps.every((p) => typeof p.type === 'string' && Object.entries(p).every(([k, x]) => k === 'identifiers' || !containsUnresolved(x)));
}

/** Why statements already read (policy document data sources) are beyond POLICY_BOUNDS, or undefined. */
function beyondBounds(statements: Statement[]): string | undefined {
  if (statements.length > POLICY_BOUNDS.statements)
    return `the document has ${statements.length} statements, more than the ${POLICY_BOUNDS.statements} nhi-guard judges`;
  budget = new Budget();
  try {
    for (const [i, s] of statements.entries()) {
      const at = `statement ${i}`;
      for (const [what, l] of [
        ['actions', s.actions],
        ['not_actions', s.notActions],
        ['resources', s.resources],
        ['not_resources', s.notResources],
      ] as const)
        if (l) budget.take(l, `${at} ${what}`);
      for (const p of [s.principals, s.notPrincipals])
        for (const l of [p?.aws, p?.service, p?.federated, p?.canonicalUser]) if (l) budget.take(l, `${at} principals`);
      for (const c of s.conditions) budget.take(c.values, `${at} condition ${c.operator}`);
    }
  } catch (e) {
    if (e instanceof BeyondBounds) return e.message;
    throw e;
  }
  return undefined;
}

/** True when an unknown item holds only references, not the expression as written (a plan without its configuration). */
function referencesOnly(v: Value | undefined, depth = 0): boolean {
  if (isUnresolved(v)) return v.text === undefined && v.refs.length > 0;
  if (depth > 16 || !v || typeof v !== 'object') return false;
  return (Array.isArray(v) ? v : Object.values(v)).some((x) => referencesOnly(x, depth + 1));
}

/** Resource and condition strings: an unknown item becomes a placeholder naming what it refers to. */
function stringsKeepingUnknown(v: Value | undefined): string[] {
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.map((x) => (typeof x === 'string' ? x : isUnresolved(x) ? placeholder(x) : JSON.stringify(x)));
}

export function placeholder(u: Unresolved): string {
  if (u.text) return u.text;
  return u.refs.length ? `\${${u.refs[0]}}` : '${unknown}';
}

export function containsUnresolved(v: Value | undefined): boolean {
  if (isUnresolved(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnresolved);
  if (v && typeof v === 'object') return Object.values(v).some(containsUnresolved);
  return false;
}
