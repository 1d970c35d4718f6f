/**
 * The access map document (`nhi-guard access --format json`, schema checks/schemas/access-map.schema.json):
 * per store of data-class phi or pii, who reaches it, at which levels, how (the path, step by step
 * and as one line), the principal's owner and, when read live, its last use. Built from the
 * enriched Inventories of the sources; renderers are pure functions of it.
 */
import { TOOL } from '../findings.js';
import type { AccessLevel, AccessMapData, AccessReach, AccessStep, AccessVia, Identity, InputRef, Inventory } from '../model.js';
import { accessMapOf } from './compute.js';
import { unresolvedEntry } from './principals.js';

export const ACCESS_SCHEMA_VERSION = 1;

export interface AccessPrincipalEntry {
  id: string;
  kind: 'role' | 'user' | 'external' | 'unresolved' | 'account' | 'any';
  /**
   * What reports show: `role lab-results-exchange`, `arn:aws:iam::4444...:role/x`, `account 4444...`, `anyone`,
   * `unresolved ${data.aws_iam_role.vendor.arn}` (a Principal entry as written that no input resolves).
   */
  label: string;
  owner?: string;
  dataClass?: string;
  /** Live: the last use (null: never used). */
  lastUsed?: string | null;
  daysSinceUsed?: number | null;
}

export interface AccessEntry {
  principal: AccessPrincipalEntry;
  level: AccessLevel;
  levels: AccessLevel[];
  via: AccessVia;
  /** Labels of the roles assumed on the way. */
  chain: string[];
  /** The path in one line: identity → role → policy statement → store. */
  route: string;
  steps: AccessStep[];
}

export interface AccessStoreEntry {
  id: string;
  kind: string;
  name: string | null;
  label: string;
  dataClass: string;
  owner?: string;
  maxReach?: string;
  reaches: AccessEntry[];
}

export interface AccessDeltaItem {
  principal: string;
  store: string;
  /** Levels gained (or lost) on the store. */
  levels: AccessLevel[];
  route: string;
}

export interface AccessDelta {
  baseline: string;
  /** declaration: a drift access map (live against the declaration); default an earlier map (--baseline). */
  against?: 'baseline' | 'declaration';
  gained: AccessDeltaItem[];
  lost: AccessDeltaItem[];
}

export interface AccessMapDocument {
  schemaVersion: typeof ACCESS_SCHEMA_VERSION;
  tool: { name: string; version: string };
  generatedAt: string;
  now: string;
  inputs: InputRef[];
  stores: AccessStoreEntry[];
  delta?: AccessDelta;
}

/** Names of the Inventory's elements for paths. */
class Names {
  private readonly identities = new Map<string, Identity>();
  private readonly policies = new Map<string, string>();
  private readonly stores = new Map<string, string>();

  constructor(inv: Inventory, map: AccessMapData) {
    for (const i of inv.identities) this.identities.set(i.id, i);
    for (const p of inv.policies) this.policies.set(p.id, p.name ?? p.id);
    for (const d of inv.dataStores) this.stores.set(d.id, d.kind === 'kms' ? `KMS key "${d.name ?? d.id}"` : `${d.kind} ${d.name ?? d.id}`);
    for (const s of map.stores) this.stores.set(s.id, `${s.kind} ${s.name ?? s.id}`);
  }

  identity(id: string): Identity | undefined {
    return this.identities.get(id);
  }

  principal(id: string): string {
    const i = this.identities.get(id);
    if (i) return `${i.kind} ${i.name ?? i.id}`;
    if (id === '*') return 'anyone';
    if (id.startsWith('account:')) return `account ${id.slice('account:'.length)}`;
    const entry = unresolvedEntry(id);
    if (entry !== undefined) return `unresolved ${entry}`;
    return id;
  }

  policy(id: string | undefined): string {
    return id === undefined ? '' : (this.policies.get(id) ?? id);
  }

  store(id: string): string {
    return this.stores.get(id) ?? id;
  }
}

function conditionText(s: AccessStep): string {
  const c = s.conditions?.length ? ` if ${s.conditions.join(', ')} match` : '';
  return c + (s.boundaryUnknown ? ' (permissions boundary not known: not applied)' : '');
}

function statementRef(policy: string, index: number | undefined, sid: string | undefined): string {
  return `${policy} #${index ?? 0}${sid ? ` (${sid})` : ''}`;
}

/** One hop in words. */
export function stepText(s: AccessStep, n: Names): string {
  switch (s.kind) {
    case 'assume':
      return `assumes ${n.principal(s.to)} (${s.policy ? `${statementRef(n.policy(s.policy), s.statement, s.sid)} allows sts:AssumeRole, ` : ''}trust statement #${s.resourceStatement ?? 0} admits it${conditionText(s)})`;
    case 'grant':
      return `${statementRef(n.policy(s.policy), s.statement, s.sid)} allows ${(s.actions ?? []).join(', ')}${conditionText(s)}`;
    case 'resource-grant':
      return `the resource policy of ${n.store(s.to)}, statement #${s.resourceStatement ?? 0}${s.sid ? ` (${s.sid})` : ''}, allows ${(s.actions ?? []).join(', ')}${conditionText(s)}`;
    case 'key':
      return `decrypts with ${n.store(s.to)} (${s.resourceStatement !== undefined ? `key policy #${s.resourceStatement}` : 'default key policy'}${s.policy ? `, ${statementRef(n.policy(s.policy), s.statement, s.sid)} allows kms:Decrypt` : ''}${conditionText(s)})`;
  }
}

/** identity → assumes role → policy statement → store (→ key). */
export function routeText(r: AccessReach, n: Names): string {
  const parts = [n.principal(r.principal)];
  for (const s of r.path) {
    if (s.kind === 'assume') parts.push(stepText(s, n));
    else if (s.kind === 'key') parts.push(stepText(s, n));
    else parts.push(stepText(s, n), n.store(s.to));
  }
  // The store comes right after its grant; a key hop follows it.
  return parts.join(' → ');
}

function principalEntry(id: string, n: Names, inv: Inventory): AccessPrincipalEntry {
  const i = n.identity(id);
  if (i) {
    const e: AccessPrincipalEntry = { id, kind: i.kind, label: n.principal(id) };
    if (i.governance?.owner) e.owner = i.governance.owner;
    if (i.governance?.dataClass) e.dataClass = i.governance.dataClass;
    if (i.usage && i.usage.lastUsed !== undefined) e.lastUsed = i.usage.lastUsed;
    if (i.usage && i.usage.daysSinceUsed !== undefined) e.daysSinceUsed = i.usage.daysSinceUsed;
    return e;
  }
  const p = inv.access?.principals.find((x) => x.id === id);
  return { id, kind: p?.kind ?? 'external', label: n.principal(id) };
}

const RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3 };

/**
 * The access map of the given enriched Inventories (one per source). `dataClass`: only the stores
 * of that class (the findings document summarizes the phi stores alone, and the route of every
 * reach of every other store would be written for nothing).
 */
export function accessDocument(
  inventories: Inventory[],
  opts: {
    now: Date;
    generatedAt?: Date;
    dataClass?: string;
    /** indirect: a route only for role-chain and resource-policy reaches, '' for the others (what the findings document keeps). */
    routes?: 'all' | 'indirect';
  },
): AccessMapDocument {
  const stores: AccessStoreEntry[] = [];
  const inputs: InputRef[] = [];
  for (const inv of inventories) {
    inputs.push(...inv.inputs);
    const map = accessMapOf(inv);
    if (!map) continue;
    const n = new Names(inv, map);
    // One entry per principal, shared by its reaches (thousands of stores at scale).
    const entries = new Map<string, AccessPrincipalEntry>();
    const entryOf = (id: string): AccessPrincipalEntry => {
      let e = entries.get(id);
      if (!e) entries.set(id, (e = principalEntry(id, n, inv)));
      return e;
    };
    const chains = new Map<string, string>();
    const chainOf = (id: string): string => {
      let c = chains.get(id);
      if (c === undefined) chains.set(id, (c = n.principal(id)));
      return c;
    };
    const allRoutes = opts.routes !== 'indirect';
    const byStore = new Map<string, AccessReach[]>();
    for (const r of map.reaches) {
      const l = byStore.get(r.store);
      if (l) l.push(r);
      else byStore.set(r.store, [r]);
    }
    for (const s of map.stores) {
      if (opts.dataClass !== undefined && s.dataClass !== opts.dataClass) continue;
      const reaches = (byStore.get(s.id) ?? [])
        .map((r): AccessEntry => ({
          principal: entryOf(r.principal),
          level: r.level,
          levels: r.levels,
          via: r.via,
          chain: r.chain.map(chainOf),
          route: allRoutes || r.via !== 'identity-policy' ? routeText(r, n) : '',
          steps: r.path,
        }))
        .sort((a, b) => RANK[b.level] - RANK[a.level] || (a.principal.label < b.principal.label ? -1 : a.principal.label > b.principal.label ? 1 : 0));
      const e: AccessStoreEntry = { id: s.id, kind: s.kind, name: s.name, label: n.store(s.id), dataClass: s.dataClass, reaches };
      if (s.owner) e.owner = s.owner;
      if (s.maxReach) e.maxReach = s.maxReach;
      stores.push(e);
    }
  }
  // PHI first, then by name.
  stores.sort((a, b) => (a.dataClass === b.dataClass ? (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) : a.dataClass === 'phi' ? -1 : 1));
  return {
    schemaVersion: ACCESS_SCHEMA_VERSION,
    tool: { ...TOOL },
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    now: opts.now.toISOString(),
    inputs,
    stores,
  };
}

/** Distinct principals reaching a store. */
export { principalCount } from './summary.js';
