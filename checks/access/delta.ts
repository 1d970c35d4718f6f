/**
 * What a change does to the access map: the access map document of the baseline (the default
 * branch's `nhi-guard access --format json`) against this one. A principal and a store are known
 * by their labels (kind and name), so that ids which differ between a synth and a plan of the same
 * code do not count as change; levels are compared per pair, whichever the way in.
 */
import { UserError } from '../errors.js';
import { isObject, readJson } from '../io/files.js';
import type { AccessLevel } from '../model.js';
import { assertValid } from '../schemas/index.js';
import type { AccessDelta, AccessDeltaItem, AccessMapDocument } from './document.js';
import type { AccessStoreSummary } from './summary.js';

export async function loadAccessDocument(file: string): Promise<AccessMapDocument> {
  const doc = await readJson(file);
  if (!isObject(doc) || !('stores' in doc))
    throw new UserError('is not an access map document (write one with nhi-guard access --format json)', { file, jsonPath: '$' });
  assertValid('accessMap', doc, file);
  return doc as unknown as AccessMapDocument;
}

interface Pair {
  principal: string;
  store: string;
  levels: Set<AccessLevel>;
  /** The route of the strongest entry per level. */
  routes: Map<AccessLevel, string>;
}

const ORDER: AccessLevel[] = ['read', 'write', 'admin'];

function pairs(stores: AccessStoreSummary[], byAccount: boolean): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const s of stores) {
    // Over several accounts, a store is known by its account too.
    const store = byAccount && s.account ? `${s.label} (account ${s.account})` : s.label;
    for (const e of s.reaches) {
      const k = `${e.principal.label}\u0000${store}`;
      let p = out.get(k);
      if (!p) out.set(k, (p = { principal: e.principal.label, store, levels: new Set(), routes: new Map() }));
      add(p, e);
    }
  }
  return out;
}

function add(p: Pair, e: AccessStoreSummary['reaches'][number]): void {
  for (const l of e.levels) {
    p.levels.add(l);
    if (!p.routes.has(l) || (e.route && !p.routes.get(l))) p.routes.set(l, e.route ?? 'its own policy');
  }
}

function diff(from: Map<string, Pair>, to: Map<string, Pair>): AccessDeltaItem[] {
  const out: AccessDeltaItem[] = [];
  for (const [k, p] of to) {
    const before = from.get(k)?.levels ?? new Set<AccessLevel>();
    const levels = ORDER.filter((l) => p.levels.has(l) && !before.has(l));
    if (levels.length === 0) continue;
    out.push({ principal: p.principal, store: p.store, levels, route: p.routes.get(levels[levels.length - 1]!)! });
  }
  return out.sort((a, b) => (a.store + a.principal < b.store + b.principal ? -1 : 1));
}

/** What `current` gives and takes compared with `base` (access map documents, or the `access` of findings documents). */
export function accessDelta(base: AccessStoreSummary[], current: AccessStoreSummary[], baselineFile: string): AccessDelta {
  const byAccount = new Set([...base, ...current].map((s) => s.account ?? '')).size > 1;
  const b = pairs(base, byAccount);
  const c = pairs(current, byAccount);
  return { baseline: baselineFile, gained: diff(b, c), lost: diff(c, b) };
}
