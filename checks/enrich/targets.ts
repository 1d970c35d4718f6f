/**
 * Which data stores of the same Inventory a policy statement's Resource entries point at
 * (Statement.resourceTargets), for the PHI data boundary (NHI-LP-008). Facts only: whether a
 * target matters is decided in Rego.
 *
 * A Resource entry reaches a store in two ways:
 * - by terraform reference, as loaders keep values unknown until apply: synth and plan write them
 *   as `${aws_s3_bucket.phi.arn}/*` (plan references are already module-prefixed). The reference
 *   names the store's address in the same stack; a reference without an instance key reaches
 *   every instance (`aws_s3_bucket.phi` -> `aws_s3_bucket.phi["a"]`).
 * - by ARN: the entry, an IAM pattern with `*` and `?`, matches the store's ARN or a sub-resource
 *   of it (`arn:aws:s3:::bucket/*`, `arn:aws:dynamodb:*:*:table/name/index/*`). When the store's
 *   ARN is not known (synth, plan), it is derived from its name where AWS builds ARNs from names
 *   (S3 buckets, DynamoDB tables, RDS instances and clusters), with the region and account taken
 *   as unknown: any value the entry states for them is accepted unless the account is known.
 * `*` alone reaches nothing here: "every resource of a service" is the rule's own decision.
 */
import { PLACEHOLDER, type DataStore, type Inventory, type Origin, type ResourceTarget } from '../model.js';
import { Glob } from '../glob.js';
import { refTarget } from '../loaders/values.js';

const PLACEHOLDERS = /\$\{([^{}]*)\}/g;
const REF = /(?:module\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.)*(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?/g;

/** True when an entry holds a placeholder of a terraform reference (not only IAM policy variables). */
export const hasPlaceholder = (entry: string): boolean => PLACEHOLDER.test(entry);

const POLICY_VARIABLE = /\$\{[^{}]*\}/g;

/**
 * An entry with its IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`) as `*`:
 * a variable takes its value per request, so for what an entry may reach it stands for any value.
 * The escapes `${*}` and `${?}` are read as the wildcards they spell (at least as wide), `${$}` as `$`.
 * Placeholders of terraform references are kept.
 */
export function policyVariablesAsWildcards(entry: string): string {
  if (!entry.includes('${')) return entry;
  return entry.replace(POLICY_VARIABLE, (m) => (PLACEHOLDER.test(m) ? m : m === '${$}' ? '$' : '*'));
}

/** Resource addresses referenced by `${...}` placeholders of an entry (deduplicated, in order). */
export function referencedAddresses(entry: string): string[] {
  const out: string[] = [];
  for (const m of entry.matchAll(PLACEHOLDERS)) {
    for (const r of m[1]!.match(REF) ?? []) {
      const t = refTarget(r);
      if (!out.includes(t)) out.push(t);
    }
  }
  return out;
}

interface StoreArn {
  partition: string;
  service: string;
  /** undefined: not known (matches anything the entry states). */
  region?: string;
  account?: string;
  resource: string;
}

function parseArn(arn: string): StoreArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

/** The ARN of a store: as known, or derived from its name (region/account unknown). */
export function storeArn(d: DataStore, accountId?: string): StoreArn | undefined {
  if (d.arn) return parseArn(d.arn);
  if (!d.name) return undefined;
  const acct = accountId ? { account: accountId } : {};
  switch (d.kind) {
    case 's3':
      return { partition: 'aws', service: 's3', region: '', account: '', resource: d.name };
    case 'dynamodb':
      return { partition: 'aws', service: 'dynamodb', ...acct, resource: `table/${d.name}` };
    case 'rds': {
      const cluster = /(^|\.)aws_rds_cluster\./.test(d.origin.address ?? '');
      return { partition: 'aws', service: 'rds', ...acct, resource: `${cluster ? 'cluster' : 'db'}:${d.name}` };
    }
    default:
      return undefined; // HealthLake datastores and KMS keys are named by generated ids
  }
}

/** A Resource entry prepared once for matching against many stores. */
interface Entry {
  parts: string[];
  lit: string;
  glob: Glob;
}

function compileEntry(entry: string): Entry {
  return { parts: entry.split(':'), lit: literalPrefix(entry), glob: new Glob(entry) };
}

/** True when the ARN pattern `entry` reaches the store ARN or one of its sub-resources. */
export function arnReaches(entry: string, arn: StoreArn): boolean {
  return reaches(compileEntry(entry), arn);
}

function reaches({ parts, lit, glob }: Entry, arn: StoreArn): boolean {
  // An entry with fewer fields (`arn:aws:s3:::*` is six; `arn:*` is two) stands in for the unknown ones.
  const field = (i: number, known: string | undefined) => (known !== undefined ? known : (parts[i] ?? '*'));
  const text = ['arn', arn.partition, arn.service, field(3, arn.region), field(4, arn.account), arn.resource].join(':');
  // Cheap necessary condition first (large plans pair thousands of entries with thousands of
  // stores): the entry's literal start, up to its first wildcard, must agree with the text.
  const t = `${text}/`.toLowerCase();
  if (!t.startsWith(lit) && !lit.startsWith(t)) return false;
  return glob.full(text) || glob.prefix(`${text}/`);
}

/** The lower-cased start of an IAM glob before its first `*` or `?`. */
function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?]/);
  return (i < 0 ? pattern : pattern.slice(0, i)).toLowerCase();
}

interface CachedArn {
  accountId: string | undefined;
  arn: StoreArn | undefined;
  /** Lower-cased `ARN/` when region and account are known (the text arnReaches matches then; the index sorts by it). */
  fixed: string | undefined;
}

/** storeArn per store, computed once per store and account (entries x stores pairs repeat it). */
const arnCache = new WeakMap<DataStore, CachedArn>();

function cachedStoreArn(d: DataStore, accountId?: string): CachedArn {
  const hit = arnCache.get(d);
  if (hit && hit.accountId === accountId) return hit;
  const arn = storeArn(d, accountId);
  const known = arn !== undefined && arn.region !== undefined && arn.account !== undefined;
  const fixed = known ? `${['arn', arn.partition, arn.service, arn.region, arn.account, arn.resource].join(':')}/`.toLowerCase() : undefined;
  const entry = { accountId, arn, fixed };
  arnCache.set(d, entry);
  return entry;
}

/** Inside a module, synth-style references name resources of the same module without its prefix. */
function modulePrefixOf(from: Origin): string {
  return /^(.*\.)?(module\.[^.]+\.)/.exec(from.address ?? '')?.[0] ?? '';
}

function sameScope(a: Origin, b: Origin): boolean {
  return (a.stack ?? '') === (b.stack ?? '') && (a.file === undefined || b.file === undefined || a.file === b.file);
}

/** Store ids one Resource entry of a policy (declared at `from`) points at. */
export function targetsOfEntry(entry: string, from: Origin, stores: DataStore[], accountId?: string): string[] {
  if (entry === '*') return [];
  if (hasPlaceholder(entry)) {
    const addrs = referencedAddresses(entry);
    const modulePrefix = modulePrefixOf(from);
    return stores
      .filter((d) => sameScope(d.origin, from) && d.origin.address !== undefined)
      .filter((d) => {
        const a = d.origin.address!;
        return addrs.some((t) => [t, modulePrefix + t].some((x) => a === x || a.startsWith(`${x}[`)));
      })
      .map((d) => d.id);
  }
  if (!entry.toLowerCase().startsWith('arn:')) return [];
  const compiled = compileEntry(policyVariablesAsWildcards(entry));
  return stores
    .filter((d) => {
      const { arn } = cachedStoreArn(d, accountId);
      return arn !== undefined && reaches(compiled, arn);
    })
    .map((d) => d.id);
}

/**
 * Candidate stores for an entry, so that large plans do not pair every entry with every store:
 * references look up the stores by address (without instance key); ARNs look up the stores of the
 * entry's service by their ARN text, with the same necessary condition targetsOfEntry applies
 * (the entry's literal start and the store's `ARN/` text agree), found by binary search instead
 * of a scan. The exact decision stays with targetsOfEntry; results are memoized per entry and scope.
 */
class StoreIndex {
  private readonly order = new Map<DataStore, number>();
  private readonly byBase = new Map<string, DataStore[]>();
  /** Per service: stores whose ARN text is fixed, by that text; the texts sorted. */
  private readonly fixed = new Map<string, { texts: string[]; byText: Map<string, DataStore[]> }>();
  /** Per service: stores whose ARN is partly unknown (candidates for every entry of the service). */
  private readonly loose = new Map<string, DataStore[]>();
  private readonly memo = new Map<string, string[]>();

  constructor(
    private readonly stores: DataStore[],
    private readonly accountId?: string,
  ) {
    stores.forEach((d, i) => {
      this.order.set(d, i);
      const a = d.origin.address;
      if (a !== undefined) push(this.byBase, a.replace(/\[[^\]]*\]$/, ''), d);
      const { arn, fixed } = cachedStoreArn(d, accountId);
      if (!arn) return;
      const service = arn.service.toLowerCase();
      if (fixed === undefined) return push(this.loose, service, d);
      let f = this.fixed.get(service);
      if (!f) this.fixed.set(service, (f = { texts: [], byText: new Map() }));
      if (!f.byText.has(fixed)) f.texts.push(fixed);
      push(f.byText, fixed, d);
    });
    for (const f of this.fixed.values()) f.texts.sort();
  }

  targets(entry: string, from: Origin): string[] {
    if (entry === '*') return [];
    const isRef = hasPlaceholder(entry);
    const modulePrefix = isRef ? modulePrefixOf(from) : '';
    const key = isRef ? `${entry}\u0000${from.stack ?? ''}\u0000${from.file ?? ''}\u0000${modulePrefix}` : entry;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const found = new Set<DataStore>();
    if (isRef) {
      for (const t of referencedAddresses(entry)) for (const x of [t, modulePrefix + t]) for (const d of this.byBase.get(x) ?? []) found.add(d);
    } else if (entry.toLowerCase().startsWith('arn:')) {
      this.arnCandidates(policyVariablesAsWildcards(entry), found);
    }
    // Candidates in Inventory order, so that results do not depend on the index.
    const candidates = [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    const out = candidates.length ? targetsOfEntry(entry, from, candidates, this.accountId) : [];
    this.memo.set(key, out);
    return out;
  }

  private arnCandidates(entry: string, into: Set<DataStore>): void {
    const service = entry.split(':')[2] ?? '*';
    if (/[*?]/.test(service)) {
      for (const d of this.stores) into.add(d);
      return;
    }
    const s = service.toLowerCase();
    for (const d of this.loose.get(s) ?? []) into.add(d);
    const f = this.fixed.get(s);
    if (!f) return;
    const lit = literalPrefix(entry);
    // Texts that start with the literal: a contiguous run of the sorted texts.
    for (let i = lowerBound(f.texts, lit); i < f.texts.length && f.texts[i]!.startsWith(lit); i++) for (const d of f.byText.get(f.texts[i]!)!) into.add(d);
    // Texts the literal starts with: each ends with '/', so it is the literal cut after a '/'.
    for (let j = lit.indexOf('/'); j >= 0; j = lit.indexOf('/', j + 1)) for (const d of f.byText.get(lit.slice(0, j + 1)) ?? []) into.add(d);
  }
}

/** The first index of the sorted `xs` whose value is not below `x`. */
function lowerBound(xs: string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Sets Statement.resourceTargets on every statement of every known policy document (in place). */
export function addResourceTargets(inv: Inventory): void {
  const stores = inv.dataStores.filter((d) => d.change !== 'delete');
  if (stores.length === 0) return;
  const index = new StoreIndex(stores, inv.accountId);
  for (const p of inv.policies) {
    if (!p.document.known || !p.document.document) continue;
    for (const s of p.document.document.statements) {
      const targets: ResourceTarget[] = [];
      const seen = new Set<string>();
      for (const entry of s.resources ?? []) {
        for (const dataStore of index.targets(entry, p.origin)) {
          const k = `${entry}\u0000${dataStore}`;
          if (seen.has(k)) continue;
          seen.add(k);
          targets.push({ resource: entry, dataStore });
        }
      }
      if (targets.length > 0) s.resourceTargets = targets;
      else delete s.resourceTargets;
    }
  }
}
