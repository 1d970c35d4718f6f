/**
 * Waivers: one rule suppressed for one resource (an address, an ARN or a glob of them) until a
 * date, with an owner and a reason. They come from `--waivers FILE` (YAML or JSON) and from
 * `Waiver` constructs in the stacks (read by the synth loader).
 *
 * Facts here, decisions in Rego: this module reads waivers, lists their structural problems
 * (schema) and the days left, and hands them to the policy as `input.waivers`. The rules
 * NHI-WVR-001 (expired) and NHI-WVR-002 (malformed or too long) decide which waivers are void; a
 * waiver no WVR finding names is applied to the findings. A waived finding stays in every report.
 */
import { UserError, jsonPath } from './errors.js';
import { daysUntil, parseIsoDate } from './enrich/expiry.js';
import { Glob, globMatch } from './glob.js';
import { dict, own } from './dict.js';
import { isObject, readJsonOrYaml } from './io/files.js';
import type { DeclaredWaiver } from './model.js';
import { check } from './schemas/index.js';

/** A waiver as the policy sees it: fields that are strings, its problems and days left. */
export interface WaiverFact {
  id: string;
  ruleId?: string;
  resource?: string;
  owner?: string;
  reason?: string;
  ticket?: string;
  expiresOn?: string;
  /** Whole days from `now` to expiresOn (negative once expired); absent when not a real date. */
  daysLeft?: number;
  /** Structural problems (`$.waivers[2].owner: must have ...`); empty when well-formed. */
  problems: string[];
  /** Where it was written: the waivers file, or the stack file and construct path. */
  origin: WaiverOrigin;
}

export interface WaiverOrigin {
  file?: string;
  constructPath?: string;
  stack?: string;
}

const FIELDS = ['ruleId', 'resource', 'owner', 'reason', 'ticket', 'expiresOn'] as const;
/** Spellings accepted for a field besides its own (tags use kebab case). */
const ALIASES: Record<string, (typeof FIELDS)[number]> = {
  'rule-id': 'ruleId',
  rule: 'ruleId',
  'expires-on': 'expiresOn',
  expires: 'expiresOn',
};

/** Renames aliases to the canonical field names; two spellings of one field is a problem. */
function normalize(raw: Record<string, unknown>): { fields: Record<string, unknown>; problems: string[] } {
  const fields = dict<unknown>();
  const problems: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const name = own(ALIASES, k) ?? k;
    if (Object.hasOwn(fields, name)) problems.push(`${jsonPath([k])}: repeats the field ${name}`);
    fields[name] = v;
  }
  return { fields, problems };
}

/** One waiver entry to a fact. `at` is the JSON path of the entry in its file, for messages. */
export function waiverFact(raw: unknown, id: string, origin: WaiverOrigin, at: string, now: Date): WaiverFact {
  const fact: WaiverFact = { id, problems: [], origin };
  if (!isObject(raw)) {
    fact.problems.push(`${at}: must be an object with ruleId, resource, owner, reason and expiresOn`);
    return fact;
  }
  const { fields, problems } = normalize(raw);
  fact.problems.push(...problems.map((p) => at + p.slice(1)));
  const err = check('waiver', fields);
  if (err) fact.problems.push(`${at}${err.path.slice(1)}: ${err.problem}`);
  for (const f of FIELDS) {
    const v = fields[f];
    if (typeof v === 'string') fact[f] = v.trim();
  }
  if (fact.expiresOn !== undefined) {
    const t = parseIsoDate(fact.expiresOn);
    if (t === null) {
      if (!err) fact.problems.push(`${at}.expiresOn: is not a real calendar date (YYYY-MM-DD)`);
    } else fact.daysLeft = daysUntil(t, now);
  }
  return fact;
}

/** The waivers of a --waivers file: `{waivers: [...]}` or a bare list. A file that is neither is exit 2. */
export async function loadWaiverFile(file: string, now: Date): Promise<WaiverFact[]> {
  const doc = await readJsonOrYaml(file);
  let list: unknown;
  let base: Array<string | number>;
  if (Array.isArray(doc)) {
    list = doc;
    base = [];
  } else if (isObject(doc) && Object.hasOwn(doc, 'waivers')) {
    const extra = Object.keys(doc).find((k) => k !== 'waivers' && k !== 'version');
    if (extra !== undefined) throw new UserError('is not a known property (a waivers file has "version" and "waivers")', { file, jsonPath: jsonPath([extra]) });
    if (doc.version !== undefined && doc.version !== 1) throw new UserError('must be 1 (the only waivers file version)', { file, jsonPath: '$.version' });
    list = doc.waivers ?? [];
    base = ['waivers'];
  } else if (doc === null || doc === undefined) {
    return []; // an empty YAML file waives nothing
  } else {
    throw new UserError('must be a list of waivers or an object with a "waivers" list', { file, jsonPath: '$' });
  }
  if (!Array.isArray(list)) throw new UserError('must be a list', { file, jsonPath: jsonPath(base) });
  return list.map((entry, i) => {
    const at = jsonPath([...base, i]);
    return waiverFact(entry, `waiver:${file}#${at}`, { file }, at, now);
  });
}

/** Waivers declared with `Waiver` constructs in synthesized stacks. */
export function declaredWaiverFacts(declared: DeclaredWaiver[], now: Date): WaiverFact[] {
  return declared.map((d) => {
    const where = d.origin.constructPath ?? d.origin.address ?? 'waiver';
    const origin: WaiverOrigin = { file: d.origin.file, constructPath: d.origin.constructPath, stack: d.origin.stack };
    return waiverFact(d.fields, `waiver:${d.origin.stack ?? ''}/${where}`, origin, '$', now);
  });
}

/** The names a finding's resource goes by: a waiver's `resource` may use any of them. */
export interface Named {
  /** The element id in the Inventory. */
  id?: string;
  address?: string;
  arn?: string;
  name: string;
  constructPath?: string;
}

export function waiverCovers(w: WaiverFact, ruleId: string, r: Named): boolean {
  if (w.ruleId !== ruleId || !w.resource) return false;
  // Addresses and ARNs as globs: `*` any run (dots, slashes and brackets included), `?` one
  // character, the rest literal and case-sensitive, so `aws_iam_role.x["a"]` needs no escaping.
  const pattern = w.resource;
  return [r.address, r.arn, r.constructPath, r.name, r.id].some((n) => n !== undefined && globMatch(pattern, n, 'full', { ignoreCase: false }));
}

interface IndexedGlob {
  /** Position in the waiver list: the first waiver that covers a finding wins, as in a scan. */
  order: number;
  waiver: WaiverFact;
  glob: Glob;
}

/** Waivers of one rule: literal resources by text, globs by their literal start or, failing that, end. */
interface RuleWaivers {
  exact: Map<string, IndexedGlob[]>;
  byPrefix: Map<string, IndexedGlob[]>;
  prefixLengths: number[];
  bySuffix: Map<string, IndexedGlob[]>;
  suffixLengths: number[];
  /** Globs that start and end with a wildcard: tried on every name. */
  floating: IndexedGlob[];
}

/**
 * The usable waivers indexed by rule and resource, so that applying N waivers to M findings costs
 * about M lookups instead of M × N glob matches (400 waivers against 400 roles took minutes).
 * `first` gives the same waiver as scanning the list in order with waiverCovers.
 */
export class WaiverIndex {
  private readonly byRule = new Map<string, RuleWaivers>();

  constructor(waivers: WaiverFact[]) {
    waivers.forEach((waiver, order) => {
      if (!waiver.ruleId || !waiver.resource) return;
      let rw = this.byRule.get(waiver.ruleId);
      if (!rw)
        this.byRule.set(
          waiver.ruleId,
          (rw = { exact: new Map(), byPrefix: new Map(), prefixLengths: [], bySuffix: new Map(), suffixLengths: [], floating: [] }),
        );
      const pattern = waiver.resource;
      const entry: IndexedGlob = { order, waiver, glob: new Glob(pattern, { ignoreCase: false }) };
      const first = pattern.search(/[*?]/);
      if (first < 0) return add(rw.exact, pattern, entry);
      if (first > 0) return addKeyed(rw.byPrefix, rw.prefixLengths, pattern.slice(0, first), entry);
      let last = pattern.length;
      while (last > 0 && pattern[last - 1] !== '*' && pattern[last - 1] !== '?') last--;
      if (last < pattern.length) return addKeyed(rw.bySuffix, rw.suffixLengths, pattern.slice(last), entry);
      rw.floating.push(entry);
    });
  }

  /** The first waiver (in list order) that covers a finding of `ruleId` on `r` (by any of the names of each of `r`). */
  first(ruleId: string, r: Named | Named[]): WaiverFact | undefined {
    const rw = this.byRule.get(ruleId);
    if (!rw) return undefined;
    let best: IndexedGlob | undefined;
    const consider = (c: IndexedGlob, name: string) => {
      if ((best === undefined || c.order < best.order) && c.glob.full(name)) best = c;
    };
    for (const n of (Array.isArray(r) ? r : [r]).flatMap((x) => [x.address, x.arn, x.constructPath, x.name, x.id])) {
      if (n === undefined) continue;
      for (const c of rw.exact.get(n) ?? []) consider(c, n);
      for (const len of rw.prefixLengths) if (len <= n.length) for (const c of rw.byPrefix.get(n.slice(0, len)) ?? []) consider(c, n);
      for (const len of rw.suffixLengths) if (len <= n.length) for (const c of rw.bySuffix.get(n.slice(n.length - len)) ?? []) consider(c, n);
      for (const c of rw.floating) consider(c, n);
    }
    return best?.waiver;
  }
}

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function addKeyed(m: Map<string, IndexedGlob[]>, lengths: number[], key: string, v: IndexedGlob): void {
  if (!m.has(key) && !lengths.includes(key.length)) lengths.push(key.length);
  add(m, key, v);
}
