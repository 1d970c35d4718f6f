/**
 * The access facts the rules judge (Inventory.access), bounded: per store a count of the
 * principals that reach it, whether anyone does, the first ACCESS_SHOWN of them by label (the
 * names NHI-LP-011's message shows) and those with a live usage record (the ones that can be
 * dormant); the indirect reaches of phi stores with their paths (NHI-LP-010). Never the whole
 * list of who reaches each store: with `Resource "*"` grants that list is identities x stores
 * (the 50k bench plan: millions of entries), and the rules need only its size. Pure.
 */
import { unresolvedEntry } from './principals.js';
import { unjudgedPolicies } from './unjudged.js';
import type { AccessFacts, AccessMapData, AccessPrincipal, AccessReach, Identity, Inventory } from '../model.js';

/** How many principals NHI-LP-011 names (policies/rules/lp/lp_011.rego `shown`). */
export const ACCESS_SHOWN = 8;

/** Compares by code point, as Rego's sort orders strings (JavaScript's `<` compares UTF-16 units). */
export function codePointCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts above every BMP character.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The label policies/lib/access.rego gives a principal (`label(pid)`). */
function labelOf(pid: string, identity: Identity | undefined, p: AccessPrincipal | undefined): string {
  if (identity) return `${identity.kind} ${identity.name ?? identity.id}`;
  if (p?.kind === 'external') return `${pid} (outside this input)`;
  if (p?.kind === 'unresolved') return `principal ${unresolvedEntry(pid) ?? pid} (not resolved in this input)`;
  if (p?.kind === 'account') return `every principal of account ${p.account ?? ''}`;
  if (p?.kind === 'any') return 'anyone';
  return pid;
}

/** A usage record the dormancy test of policies/lib/access.rego can judge (live inputs). */
function canBeDormant(i: Identity | undefined): boolean {
  const u = i?.usage;
  if (!u) return false;
  return typeof u.daysSinceUsed === 'number' || (u.lastUsed === null && typeof u.ageDays === 'number');
}

/** The facts of a map (its reaches sorted by store, then principal: AccessGraph.compute's order). */
export function accessFacts(map: AccessMapData, inv: Inventory): AccessFacts {
  const identities = new Map<string, Identity>();
  for (const i of inv.identities) identities.set(i.id, i);
  const principals = new Map<string, AccessPrincipal>();
  for (const p of map.principals) principals.set(p.id, p);
  const labels = new Map<string, string>();
  const label = (pid: string): string => {
    let l = labels.get(pid);
    if (l === undefined) labels.set(pid, (l = labelOf(pid, identities.get(pid), principals.get(pid))));
    return l;
  };

  const principalIds: string[] = [];
  const index = new Map<string, number>();
  const ref = (pid: string): number => {
    let i = index.get(pid);
    if (i === undefined) {
      i = principalIds.push(pid) - 1;
      index.set(pid, i);
    }
    return i;
  };

  interface Tally {
    count: number;
    anyone: boolean;
    /** The first ACCESS_SHOWN principals by label, in order. */
    first: string[];
    used: string[];
    last?: string;
  }
  const tallies = new Map<string, Tally>();
  const phi = new Set(map.stores.filter((s) => s.dataClass === 'phi').map((s) => s.id));
  const indirect: AccessReach[] = [];
  for (const r of map.reaches) {
    if (r.via !== 'identity-policy' && phi.has(r.store)) indirect.push(r);
    let t = tallies.get(r.store);
    if (!t) tallies.set(r.store, (t = { count: 0, anyone: false, first: [], used: [] }));
    // Reaches of one store come together, by principal: a principal seen before is the one just seen.
    if (t.last === r.principal) continue;
    t.last = r.principal;
    t.count++;
    if (r.principal === '*') t.anyone = true;
    if (canBeDormant(identities.get(r.principal))) t.used.push(r.principal);
    const l = label(r.principal);
    if (t.first.length < ACCESS_SHOWN || codePointCompare(l, label(t.first[t.first.length - 1]!)) < 0) {
      let at = t.first.length;
      while (at > 0 && codePointCompare(l, label(t.first[at - 1]!)) < 0) at--;
      t.first.splice(at, 0, r.principal);
      if (t.first.length > ACCESS_SHOWN) t.first.pop();
    }
  }
  const unjudged = unjudgedPolicies(inv, map.stores);
  const stores = map.stores.map((s) => {
    const t = tallies.get(s.id);
    const u = unjudged.get(s.id);
    return {
      ...s,
      reachCount: t?.count ?? 0,
      reachedByAnyone: t?.anyone ?? false,
      shown: (t?.first ?? []).map(ref),
      reachedByUsed: (t?.used ?? []).map(ref),
      ...(u ? { unjudged: u } : {}),
    };
  });
  return { stores, principalIds, principals: map.principals, indirect };
}
