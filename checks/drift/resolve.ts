/**
 * The declaration resolved against the live account, before the drift rules compare (a fact,
 * computed here; the rules judge). A declared document can name other declared elements by a
 * reference that only apply fills in: `${aws_s3_bucket.results.arn}/*` in synth,
 * `arn:aws:s3:::${aws_s3_bucket.b.bucket}/*`, an ARN unknown at plan time. Each reference is
 * replaced by the live value of the element it names, through the declared-to-live matches
 * (checks/drift/match.ts), or by the value the declaration itself fixes (a bucket's ARN is its
 * name). What stays unknown becomes a pattern of the element's resource type
 * (`arn:aws:kms:us-east-1:111122223333:key/*`): compared loosely, never reported as drift.
 *
 * Only terraform references are replaced: IAM policy variables (`${aws:username}`) and the IAM
 * escapes (`${*}`, `${?}`, `${$}`) are part of the document and stay as written.
 */
import type { Condition, DocRef, Inventory, Principals, Statement } from '../model.js';
import { refTarget, splitAddress } from '../loaders/values.js';
import type { DriftMatches } from './match.js';

/** What the declaration and the account say about one element another one refers to. */
interface Element {
  type: string;
  name: string | null;
  arn?: string;
  path?: string;
}

interface Context {
  partition: string;
  region: string;
  account: string;
  /** Declared elements by `scope|address` (scope: the synth stack, else the plan or state file). */
  declared: Map<string, { el: Element; live?: Element }>;
}

const IAM_VARIABLE = /^(?:[A-Za-z0-9-]+:[A-Za-z0-9_./-]+|\*|\?|\$)$/;
const INTERPOLATION = /\$\{([^{}]*)\}/g;

/** True when a declared string still holds a terraform reference or expression. */
export function hasReference(s: string): boolean {
  for (const m of s.matchAll(INTERPOLATION)) if (!IAM_VARIABLE.test(m[1]!.trim())) return true;
  return false;
}

/** The ARN pattern of a resource type when nothing more is known (`*` for an unknown type). */
function arnPattern(type: string, ctx: Context, name = '*', path = '/'): string {
  const { partition: p, region: r, account: a } = ctx;
  switch (type) {
    case 'aws_s3_bucket':
      return `arn:${p}:s3:::${name}`;
    case 'aws_kms_key':
      return `arn:${p}:kms:${r}:${a}:key/*`;
    case 'aws_kms_alias':
      return `arn:${p}:kms:${r}:${a}:alias/${name === '*' ? '*' : name.replace(/^alias\//, '')}`;
    case 'aws_dynamodb_table':
      return `arn:${p}:dynamodb:${r}:${a}:table/${name}`;
    case 'aws_iam_role':
      return `arn:${p}:iam::${a}:role${name === '*' ? '/*' : `${path}${name}`}`;
    case 'aws_iam_user':
      return `arn:${p}:iam::${a}:user${name === '*' ? '/*' : `${path}${name}`}`;
    case 'aws_iam_group':
      return `arn:${p}:iam::${a}:group${name === '*' ? '/*' : `${path}${name}`}`;
    case 'aws_iam_policy':
      return `arn:${p}:iam::${a}:policy${name === '*' ? '/*' : `${path}${name}`}`;
    // Secrets Manager appends six random characters to a secret's name.
    case 'aws_secretsmanager_secret':
      return `arn:${p}:secretsmanager:${r}:${a}:secret:${name === '*' ? '*' : `${name}-??????`}`;
    case 'aws_lambda_function':
      return `arn:${p}:lambda:${r}:${a}:function:${name}`;
    case 'aws_sqs_queue':
      return `arn:${p}:sqs:${r}:${a}:${name}`;
    case 'aws_sns_topic':
      return `arn:${p}:sns:${r}:${a}:${name}`;
    case 'aws_cloudwatch_log_group':
      return `arn:${p}:logs:${r}:${a}:log-group:${name}`;
    case 'aws_kinesis_stream':
      return `arn:${p}:kinesis:${r}:${a}:stream/${name}`;
    case 'aws_db_instance':
      return `arn:${p}:rds:${r}:${a}:db:${name}`;
    case 'aws_rds_cluster':
      return `arn:${p}:rds:${r}:${a}:cluster:${name}`;
    case 'aws_healthlake_fhir_datastore':
      return `arn:${p}:healthlake:${r}:${a}:datastore/fhir/*`;
    default:
      return 'arn:*';
  }
}

/** The value of `attr` of a declared element (and its live counterpart), or a pattern. */
function attribute(type: string, attr: string | undefined, hit: { el: Element; live?: Element } | undefined, ctx: Context): string {
  const live = hit?.live;
  const name = live?.name ?? hit?.el.name ?? null;
  const arn = live?.arn ?? hit?.el.arn;
  const arnOf = (): string => arn ?? arnPattern(type, ctx, name ?? '*', live?.path ?? hit?.el.path ?? '/');
  switch (attr) {
    case 'arn':
      return arnOf();
    case 'name':
    case 'bucket':
    case 'identifier':
    case 'cluster_identifier':
    case 'datastore_name':
      return name ?? '*';
    case 'id':
      // Terraform ids: a role's, user's, group's, bucket's or table's name; a policy's or secret's ARN; a KMS key's key id.
      if (['aws_iam_role', 'aws_iam_user', 'aws_iam_group', 'aws_s3_bucket', 'aws_dynamodb_table', 'aws_db_instance', 'aws_sqs_queue'].includes(type))
        return name ?? '*';
      if (type === 'aws_iam_policy' || type === 'aws_secretsmanager_secret' || type === 'aws_sns_topic') return arnOf();
      if (type === 'aws_kms_key') return keyIdOf(arn);
      return '*';
    case 'key_id':
      return keyIdOf(arn);
    default:
      return '*';
  }
}

const keyIdOf = (arn: string | undefined): string => (arn && /:key\/[^*?]+$/.test(arn) ? arn.slice(arn.lastIndexOf('/') + 1) : '*');

/** The value of one reference (`aws_s3_bucket.x.arn`, `data.aws_region.current.name`) seen from `scope`. */
function referenceValue(ref: string, scope: string, fromAddress: string | undefined, ctx: Context): string {
  const parts = splitAddress(ref);
  let i = 0;
  while (parts[i] === 'module') i += 2;
  if (parts[i] === 'data') {
    const type = parts[i + 1];
    const attr = parts[i + 3];
    if (type === 'aws_caller_identity' && attr === 'account_id') return ctx.account;
    if (type === 'aws_region' && (attr === 'name' || attr === 'region' || attr === 'id')) return ctx.region;
    if (type === 'aws_partition' && attr === 'partition') return ctx.partition;
    return '*';
  }
  const type = (parts[i] ?? '').replace(/\[.*$/, '');
  const attr = parts[i + 2]?.replace(/\[.*$/, '');
  const target = refTarget(ref);
  let hit = ctx.declared.get(`${scope}|${target}`);
  // A reference from inside a module names resources of the same module without the prefix.
  const modulePrefix = fromAddress ? /^(.*\.)?(module\.[^.]+\.)/.exec(fromAddress)?.[0] : undefined;
  if (!hit && modulePrefix && !target.startsWith('module.')) hit = ctx.declared.get(`${scope}|${modulePrefix}${target}`);
  return attribute(type, attr, hit, ctx);
}

/** A declared string with every terraform reference replaced (a pattern when a part stays unknown). */
export function resolveString(s: string, scope: string, fromAddress: string | undefined, ctx: Context): string {
  if (!s.includes('${')) return s;
  return s.replace(INTERPOLATION, (whole, expr: string) => {
    const e = expr.trim();
    if (IAM_VARIABLE.test(e)) return whole;
    // A plain reference resolves; any other expression (a function call, a variable) is unknown.
    if (
      /^(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*(?:data\.)?[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]*\])?(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(
        e,
      )
    ) {
      return referenceValue(e, scope, fromAddress, ctx);
    }
    return '*';
  });
}

/**
 * How the strings of one document are resolved. `one`: a principal, exactly. `many`: a Resource
 * entry or a Condition value; for a plan that states only the reference of an expression
 * (DocRef.referencesOnly), a bare `${aws_s3_bucket.b.arn}` may stand for the ARN or a path or
 * qualifier below it, so it is the live value V, `V/*` and `V:*`: never a bucket or table whose
 * name merely starts with V. With the expression as written (synth, state, a plan with its
 * configuration) every string is exactly its value.
 */
interface Resolver {
  one: (s: string) => string;
  many: (s: string) => string[];
  /** The value of a bare reference of a references-only plan, else undefined. */
  below: (s: string) => string | undefined;
}

const BARE_REFERENCE = /^\$\{[^{}]*\}$/;

function resolverOf(scope: string, fromAddress: string | undefined, ctx: Context, referencesOnly: boolean): Resolver {
  const one = (s: string) => resolveString(s, scope, fromAddress, ctx);
  const below = (s: string): string | undefined => {
    if (!referencesOnly || !BARE_REFERENCE.test(s) || !hasReference(s)) return undefined;
    const v = one(s);
    return v === '*' ? undefined : v;
  };
  const many = (s: string): string[] => {
    const v = below(s);
    return v === undefined ? [one(s)] : [...new Set([v, `${v}/*`, `${v}:*`])];
  };
  return { one, many, below };
}

function principals(p: Principals | undefined, r: Resolver): Principals | undefined {
  if (!p) return p;
  const out: Principals = { ...p };
  for (const k of ['aws', 'service', 'federated', 'canonicalUser'] as const) if (p[k]) out[k] = p[k].map(r.one);
  return out;
}

/**
 * A condition with its references resolved. A value whose reference stayed unknown became a
 * pattern: it is listed in `patterns` too, so that the drift rules read its wildcards as such
 * whatever the operator (a `*` in a StringEquals value as written is a character).
 */
const wildcards = (s: string): number => s.split('').filter((ch) => ch === '*' || ch === '?').length;

function condition(c: Condition, r: Resolver): Condition {
  const patterns: string[] = [];
  const values = c.values.flatMap((v) => {
    const out = r.many(v);
    // The resolution brought a wildcard the written text does not have: an unresolved part.
    for (const o of out) if (hasReference(v) && wildcards(o) > wildcards(v.replace(INTERPOLATION, ''))) patterns.push(o);
    return out;
  });
  return { ...c, values, ...(patterns.length ? { patterns } : {}) };
}

function statement(s: Statement, r: Resolver): Statement {
  const out: Statement = { ...s, conditions: s.conditions.map((c) => condition(c, r)) };
  if (s.resources) {
    out.resources = s.resources.map(r.one);
    const below = s.resources.map(r.below).filter((v): v is string => v !== undefined);
    if (below.length) out.referenceResources = [...new Set(below)];
  }
  if (s.notResources) out.notResources = s.notResources.map(r.one);
  if (s.principals) out.principals = principals(s.principals, r);
  if (s.notPrincipals) out.notPrincipals = principals(s.notPrincipals, r);
  return out;
}

function documentRef(d: DocRef | undefined, resolver: (referencesOnly: boolean) => Resolver): DocRef | undefined {
  if (!d?.known || !d.document) return d;
  const r = resolver(d.referencesOnly === true);
  return { ...d, document: { ...d.document, statements: d.document.statements.map((s) => statement(s, r)) } };
}

type Scoped = { address?: string; stack?: string; file?: string; source?: string };

/** References name elements of the same stack: the synth stack, or the plan or state file of one. */
const scopeOf = (o: Scoped): string => o.stack ?? o.file ?? '';

/** The partition of the live account, from the first ARN it shows (`aws` when there is none). */
function partitionOf(live: Inventory): string {
  for (const x of [...live.identities, ...live.credentials]) {
    const m = /^arn:([a-z-]+):/.exec(x.arn ?? '');
    if (m) return m[1]!;
  }
  return 'aws';
}

/** The declared Inventory with the references in its documents resolved against the live one. */
export function resolveDeclared(declared: Inventory, live: Inventory, matches: DriftMatches): Inventory {
  const liveById = new Map<string, Element>();
  for (const i of live.identities) liveById.set(i.id, { type: i.kind, name: i.name, ...(i.arn ? { arn: i.arn } : {}), ...(i.path ? { path: i.path } : {}) });
  for (const c of live.credentials) liveById.set(c.id, { type: c.kind, name: c.name, ...(c.arn ? { arn: c.arn } : {}) });
  for (const p of live.policies) liveById.set(p.id, { type: p.type, name: p.name, ...(p.arn ? { arn: p.arn } : {}) });
  for (const d of live.dataStores) liveById.set(d.id, { type: d.kind, name: d.name, ...(d.arn ? { arn: d.arn } : {}) });
  for (const g of live.groups) liveById.set(g.id, { type: 'group', name: g.name });
  const liveOf = new Map<string, string>();
  for (const m of [...matches.identities, ...matches.credentials, ...matches.policies, ...matches.groups, ...(matches.dataStores ?? [])])
    liveOf.set(m.declared, m.live);

  const ctx: Context = {
    partition: partitionOf(live),
    region: live.region ?? '*',
    account: live.accountId ?? declared.accountId ?? '*',
    declared: new Map(),
  };
  const add = (id: string, type: string, origin: Scoped, el: Omit<Element, 'type'>): void => {
    if (!origin.address) return;
    const l = liveOf.get(id);
    ctx.declared.set(`${scopeOf(origin)}|${origin.address}`, { el: { type, ...el }, ...(l && liveById.has(l) ? { live: liveById.get(l)! } : {}) });
  };
  const typeOf = (address: string): string => {
    const parts = splitAddress(address);
    let i = 0;
    while (parts[i] === 'module') i += 2;
    return (parts[i] ?? '').replace(/\[.*$/, '');
  };
  for (const i of declared.identities)
    add(i.id, typeOf(i.origin.address ?? ''), i.origin, { name: i.name, ...(i.arn ? { arn: i.arn } : {}), ...(i.path ? { path: i.path } : {}) });
  for (const c of declared.credentials) add(c.id, typeOf(c.origin.address ?? ''), c.origin, { name: c.name, ...(c.arn ? { arn: c.arn } : {}) });
  for (const p of declared.policies) if (p.type === 'managed') add(p.id, 'aws_iam_policy', p.origin, { name: p.name, ...(p.arn ? { arn: p.arn } : {}) });
  for (const d of declared.dataStores) add(d.id, typeOf(d.origin.address ?? ''), d.origin, { name: d.name, ...(d.arn ? { arn: d.arn } : {}) });
  for (const g of declared.groups) add(g.id, 'aws_iam_group', g.origin, { name: g.name });

  const resolver = (origin: Scoped) => (referencesOnly: boolean) => resolverOf(scopeOf(origin), origin.address, ctx, referencesOnly);
  return {
    ...declared,
    identities: declared.identities.map((i) => (i.trust?.known ? { ...i, trust: documentRef(i.trust, resolver(i.origin)) } : i)),
    policies: declared.policies.map((p) => (p.document.known ? { ...p, document: documentRef(p.document, resolver(p.origin))! } : p)),
  };
}
