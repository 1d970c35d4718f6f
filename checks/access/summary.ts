/**
 * The PHI access map as the findings document carries it (`access`): compact, because a large
 * estate has tens of thousands of reaches (the 10k bench plan: 455 phi stores, 10,180 reaches,
 * 192 principals). Each principal is written once in `principals` and named by its index; the
 * reaches of a store that share the way in, the levels and the route are one entry listing their
 * principals; no hop-by-hop steps, and a route only for reaches through a role chain or a
 * resource policy (an own-policy reach is the identity's own grant; `nhi-guard access` shows it).
 * Readers expand it with `accessStores`, which also reads the earlier form (1.1.0: an array of
 * stores, each reach with its principal inline). Pure: no I/O.
 */
import type { AccessLevel, AccessVia } from '../model.js';
import type { AccessPrincipalEntry, AccessStoreEntry } from './document.js';

/** A principal as reports show it (no id: ids differ between a synth and a plan of the same code). */
export type AccessPrincipalRef = Omit<AccessPrincipalEntry, 'id' | 'dataClass'>;

export interface CompactReach {
  /** Indexes into `principals`. */
  principals: number[];
  levels: AccessLevel[];
  via: AccessVia;
  route?: string;
}

/** A store of the access document, its reaches compact. */
export interface CompactStore extends Omit<AccessStoreEntry, 'reaches'> {
  /** The AWS account of the store (live runs over more than one account, and merged documents). */
  account?: string;
  reaches: CompactReach[];
}

export interface FindingsAccess {
  principals: AccessPrincipalRef[];
  stores: CompactStore[];
}

/** One reach of a store, expanded (what renderers and the access delta read). */
export interface AccessSummaryReach {
  principal: AccessPrincipalRef;
  level: AccessLevel;
  levels: AccessLevel[];
  via: AccessVia;
  route?: string;
}

export type AccessStoreSummary = Omit<CompactStore, 'reaches'> & { reaches: AccessSummaryReach[] };

const RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3 };

const strongest = (levels: AccessLevel[]): AccessLevel => levels.reduce<AccessLevel>((a, b) => (RANK[b] > RANK[a] ? b : a), levels[0] ?? 'read');

/** Builds principal indexes, one per distinct principal (by every field it shows). */
class PrincipalTable {
  readonly list: AccessPrincipalRef[] = [];
  private readonly index = new Map<string, number>();
  /** The index of an entry object already seen (the access document shares one per principal). */
  private readonly byObject = new WeakMap<object, number>();

  ofEntry(p: AccessPrincipalRef | AccessPrincipalEntry): number {
    let i = this.byObject.get(p);
    if (i === undefined) this.byObject.set(p, (i = this.of(principalRef(p))));
    return i;
  }

  of(p: AccessPrincipalRef): number {
    const key = JSON.stringify([
      p.kind,
      p.label,
      p.owner ?? null,
      p.lastUsed === undefined ? '-' : p.lastUsed,
      p.daysSinceUsed === undefined ? '-' : p.daysSinceUsed,
    ]);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(p);
      this.index.set(key, i);
    }
    return i;
  }
}

function principalRef(p: AccessPrincipalRef | AccessPrincipalEntry): AccessPrincipalRef {
  const out: AccessPrincipalRef = { kind: p.kind, label: p.label };
  if (p.owner !== undefined) out.owner = p.owner;
  if (p.lastUsed !== undefined) out.lastUsed = p.lastUsed;
  if (p.daysSinceUsed !== undefined) out.daysSinceUsed = p.daysSinceUsed;
  return out;
}

function storeHead<T extends { id: string; kind: string; name: string | null; label: string; dataClass: string; owner?: string; maxReach?: string }>(
  s: T,
  account: string | undefined,
): Omit<CompactStore, 'reaches'> {
  const head: Omit<CompactStore, 'reaches'> = { id: s.id, kind: s.kind, name: s.name, label: s.label, dataClass: s.dataClass };
  if (s.owner !== undefined) head.owner = s.owner;
  if (s.maxReach !== undefined) head.maxReach = s.maxReach;
  if (account) head.account = account;
  return head;
}

/** Reaches of one store grouped by way in, levels and route, in the order of their first reach. */
function compactReaches(
  reaches: Array<Omit<AccessSummaryReach, 'principal'> & { principal: AccessPrincipalRef | AccessPrincipalEntry }>,
  table: PrincipalTable,
): CompactReach[] {
  const groups = new Map<string, { g: CompactReach; seen: Set<number> }>();
  for (const r of reaches) {
    const route = r.via === 'identity-policy' ? undefined : r.route;
    // via and levels are words without NUL.
    const key = `${r.via}\u0000${r.levels.join(',')}\u0000${route === undefined ? '\u0001' : route}`;
    let e = groups.get(key);
    if (!e) groups.set(key, (e = { g: { principals: [], levels: [...r.levels], via: r.via, ...(route !== undefined ? { route } : {}) }, seen: new Set() }));
    const i = table.ofEntry(r.principal);
    if (!e.seen.has(i)) {
      e.seen.add(i);
      e.g.principals.push(i);
    }
  }
  return [...groups.values()].map((e) => e.g);
}

/** The data-class phi stores of an access map, compact, each marked with `account` when given. */
export function compactAccess(stores: AccessStoreEntry[], account?: string): FindingsAccess {
  const table = new PrincipalTable();
  const out: CompactStore[] = [];
  for (const s of stores) {
    if (s.dataClass !== 'phi') continue;
    out.push({ ...storeHead(s, account), reaches: compactReaches(s.reaches, table) });
  }
  return { principals: table.list, stores: out };
}

/** The stores of a findings document's `access`, expanded (also the 1.1.0 form, an array of stores). */
export function accessStores(a: FindingsAccess | AccessStoreSummary[] | undefined): AccessStoreSummary[] {
  if (a === undefined) return [];
  if (Array.isArray(a)) return a;
  return a.stores.map((s) => {
    const { reaches, ...head } = s;
    const expanded: AccessSummaryReach[] = [];
    for (const r of reaches) {
      for (const i of r.principals) {
        const p = a.principals[i];
        if (!p) continue;
        expanded.push({ principal: p, level: strongest(r.levels), levels: r.levels, via: r.via, ...(r.route !== undefined ? { route: r.route } : {}) });
      }
    }
    return { ...head, reaches: expanded };
  });
}

/**
 * The `access` of several findings documents as one (report merge, an --org run): the stores
 * concatenated, each keeping its account (a store without one takes `accounts[i]` when given),
 * principals united and re-indexed.
 */
export function mergeAccess(parts: Array<FindingsAccess | AccessStoreSummary[]>, accounts: Array<string | undefined> = []): FindingsAccess | undefined {
  if (parts.length === 0) return undefined;
  const table = new PrincipalTable();
  const stores: CompactStore[] = [];
  parts.forEach((part, i) => {
    for (const s of accessStores(part)) {
      const { reaches, ...head } = s;
      stores.push({ ...storeHead(head, head.account ?? accounts[i]), reaches: compactReaches(reaches, table) });
    }
  });
  return { principals: table.list, stores };
}

/** Distinct principals reaching a store. */
export function principalCount(s: { reaches: Array<{ principal: { label: string } }> }): number {
  return new Set(s.reaches.map((r) => r.principal.label)).size;
}
