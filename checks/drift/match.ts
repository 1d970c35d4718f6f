/**
 * Which declared element is which live element: a fact computed here, judged by the drift rules
 * (policies/rules/drift). Identities match by kind and name (by ARN when only the ARN is known),
 * data stores by kind and name or ARN (when the live side lists them), secrets by ARN or by name
 * within their region, access keys by key id (or, when the declaration cannot know the id before apply, by the user they belong to),
 * and policies by name (inline, customer managed) or ARN (AWS managed) within a matched identity.
 *
 * A declared element whose name is unknown until apply (a plan or synth with `name_prefix`)
 * cannot be matched: it is listed in `unnamed`, never reported missing, and the drift rules
 * mention it next to the live elements no declaration covers.
 */
import type { Credential, Identity, Inventory, Policy } from '../model.js';
import { regionOf } from '../loaders/values.js';
import { unreadDeclared, type Unread } from './unread.js';

export interface Pair {
  declared: string;
  live: string;
}

export interface Unnamed {
  id: string;
  /** role, user, secret or access-key. */
  type: string;
}

export interface DriftMatches {
  identities: Pair[];
  credentials: Pair[];
  policies: Pair[];
  /** Groups by name. */
  groups: Pair[];
  /** Data stores by kind and name, or ARN (when the live side lists data stores). */
  dataStores?: Pair[];
  unnamed: Unnamed[];
  /**
   * Declared secrets whose region is unknown while live has their name in several regions: not
   * compared (neither missing nor covering one of the candidates), named next to the candidates.
   */
  ambiguous?: Array<{ declared: string; live: string[] }>;
  /**
   * Declared elements left unmatched whose live counterpart lies in the scope of a gap of the live
   * read (checks/drift/unread.ts): not compared, never reported missing; the gap is in the document.
   */
  unread?: Unread[];
}

const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));

/** An identity or a group: something policies are linked to. */
type Holder = Pick<Identity, 'policies'>;

function pairPolicies(d: Holder, l: Holder, declared: Map<string, Policy>, live: Map<string, Policy>, out: Pair[]): void {
  const dPolicies = d.policies.map((x) => declared.get(x.policy)).filter((p): p is Policy => !!p);
  for (const link of l.policies) {
    const lp = live.get(link.policy);
    if (!lp) continue;
    for (const dp of dPolicies) {
      if (dp.type !== lp.type) continue;
      const same =
        lp.type === 'aws-managed' ? dp.arn === lp.arn || dp.id === lp.id : (dp.name !== null && dp.name === lp.name) || (!!dp.arn && dp.arn === lp.arn);
      if (same) out.push({ declared: dp.id, live: lp.id });
    }
  }
}

function matchKeys(declared: Inventory, live: Inventory, identityPairs: Pair[], out: Pair[], unnamed: Unnamed[]): void {
  const liveKeys = live.credentials.filter((c) => c.kind === 'access-key');
  // Live keys by name (the first of a name wins) and by user, oldest first: one pass each, not a scan per declared key.
  const byName = new Map<string, Credential>();
  const byUser = new Map<string, Credential[]>();
  for (const x of liveKeys) {
    if (x.name && !byName.has(x.name)) byName.set(x.name, x);
    if (!x.identity) continue;
    const list = byUser.get(x.identity);
    if (list) list.push(x);
    else byUser.set(x.identity, [x]);
  }
  for (const list of byUser.values()) list.sort((a, b) => (a.createDate ?? '').localeCompare(b.createDate ?? '') || a.id.localeCompare(b.id));
  const taken = new Set<string>();
  const dKeys = declared.credentials.filter((c) => c.kind === 'access-key' && c.change !== 'delete');
  for (const k of dKeys) {
    if (!k.name) continue;
    const hit = byName.get(k.name);
    if (hit) {
      out.push({ declared: k.id, live: hit.id });
      taken.add(hit.id);
    }
  }
  // Keys whose id is known only after apply: the live keys of the matched user, oldest first.
  const liveUserOf = new Map(identityPairs.map((p) => [p.declared, p.live]));
  for (const k of dKeys) {
    if (k.name) continue;
    const user = k.identity ? liveUserOf.get(k.identity) : undefined;
    const hit = user ? byUser.get(user)?.find((x) => !taken.has(x.id)) : undefined;
    if (hit) {
      out.push({ declared: k.id, live: hit.id });
      taken.add(hit.id);
    } else unnamed.push({ id: k.id, type: 'access-key' });
  }
}

/**
 * Secrets by ARN when the declaration knows it, else by name within the declared region (names
 * are unique per region only). A declaration whose region is unknown matches a name only one
 * region has; with the same name in several regions it is ambiguous: listed in `ambiguous` with
 * its candidates, never paired with one of them by chance.
 */
function matchSecrets(declared: Inventory, live: Inventory, m: DriftMatches): void {
  const byArn = new Map<string, Credential>();
  const byName = new Map<string, Credential[]>();
  for (const c of live.credentials) {
    if (c.kind !== 'secret') continue;
    if (c.arn) byArn.set(c.arn, c);
    if (!c.name) continue;
    const list = byName.get(c.name);
    if (list) list.push(c);
    else byName.set(c.name, [c]);
  }
  for (const s of declared.credentials.filter((c) => c.kind === 'secret')) {
    if (!s.name) {
      if (s.change !== 'delete') m.unnamed.push({ id: s.id, type: 'secret' });
      continue;
    }
    const candidates = byName.get(s.name) ?? [];
    const region = regionOf(s);
    // A live secret without an ARN (a hand-made snapshot) is in the one region read, if only one was.
    const liveRegion = (c: Credential) => regionOf(c) ?? (live.regions && live.regions.length > 1 ? undefined : live.region);
    const unplaced = candidates.filter((c) => !liveRegion(c));
    const inRegion = region
      ? (candidates.find((c) => liveRegion(c) === region) ?? (unplaced.length === 1 && candidates.length === 1 ? unplaced[0] : undefined))
      : undefined;
    const hit = (s.arn ? byArn.get(s.arn) : undefined) ?? (region ? inRegion : candidates.length === 1 ? candidates[0] : undefined);
    if (hit) m.credentials.push({ declared: s.id, live: hit.id });
    else if (!region && candidates.length > 1 && s.change !== 'delete') (m.ambiguous ??= []).push({ declared: s.id, live: candidates.map((c) => c.id).sort() });
  }
}

function matchDataStores(declared: Inventory, live: Inventory): Pair[] {
  const byName = new Map<string, string>();
  const byArn = new Map<string, string>();
  for (const d of live.dataStores) {
    // A KMS key's "name" is its description: not an identifier.
    if (d.name && d.kind !== 'kms') byName.set(`${d.kind}:${d.name}`, d.id);
    if (d.arn) byArn.set(d.arn, d.id);
  }
  const out: Pair[] = [];
  for (const d of declared.dataStores) {
    if (d.change === 'delete') continue;
    const hit = (d.arn ? byArn.get(d.arn) : undefined) ?? (d.name ? byName.get(`${d.kind}:${d.name}`) : undefined);
    if (hit) out.push({ declared: d.id, live: hit });
  }
  return out;
}

export function matchInventories(declared: Inventory, live: Inventory): DriftMatches {
  const m: DriftMatches = { identities: [], credentials: [], policies: [], groups: [], unnamed: [] };
  const dPolicies = byId(declared.policies);
  const lPolicies = byId(live.policies);
  const liveGroups = new Map(live.groups.filter((g) => g.name).map((g) => [g.name, g]));
  for (const g of declared.groups) {
    const l = g.name ? liveGroups.get(g.name) : undefined;
    if (!l) continue;
    m.groups.push({ declared: g.id, live: l.id });
    pairPolicies(g, l, dPolicies, lPolicies, m.policies);
  }
  const liveIdentities = new Map(live.identities.filter((i) => i.name).map((i) => [`${i.kind}:${i.name}`, i]));
  const liveByArn = new Map(live.identities.filter((i) => i.arn).map((i) => [i.arn!, i]));
  for (const d of declared.identities) {
    const l = d.name ? liveIdentities.get(`${d.kind}:${d.name}`) : d.arn ? liveByArn.get(d.arn) : undefined;
    if (!d.name && !l) {
      if (d.change !== 'delete') m.unnamed.push({ id: d.id, type: d.kind });
      continue;
    }
    if (!l) continue;
    m.identities.push({ declared: d.id, live: l.id });
    pairPolicies(d, l, dPolicies, lPolicies, m.policies);
  }
  matchSecrets(declared, live, m);
  matchKeys(declared, live, m.identities, m.credentials, m.unnamed);
  if (live.dataStores.length) m.dataStores = matchDataStores(declared, live);
  const matched = new Set([...m.identities, ...m.credentials].map((p) => p.declared));
  const unread = unreadDeclared(declared, live).filter((u) => !matched.has(u.declared));
  if (unread.length) m.unread = unread;
  return m;
}

/** One element per id: several stacks of a synth may each list the same AWS managed policy. */
function uniqueById<T extends { id: string }>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(x.id) && !!seen.add(x.id));
}

/** The drift policy input, serialized once for the WASM instance (the rules look elements up by id). */
export function driftInput(declared: Inventory, live: Inventory, now: Date, matches: DriftMatches = matchInventories(declared, live)): string {
  const side = (inv: Inventory): Inventory => ({
    ...inv,
    identities: uniqueById(inv.identities),
    groups: uniqueById(inv.groups),
    policies: uniqueById(inv.policies),
    credentials: uniqueById(inv.credentials),
  });
  return JSON.stringify({ source: 'drift', now: now.toISOString(), declared: side(declared), live: side(live), matches });
}
