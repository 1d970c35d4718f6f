/**
 * The drift pipeline: the declared Inventory (synth, plan or state) and the live one (AWS or a
 * snapshot), both enriched; the declaration matched to the live elements and its references
 * resolved with their live values; the drift rules evaluated once on {declared, live, matches}; the
 * static rules (and the live-only ones) evaluated once on the live Inventory; one findings
 * document. The document lists the live inventory; declared elements stay findable for the
 * findings about them (a declared secret missing live, say).
 */
import { loadEngine, type Engine, type EngineOptions, type RawFinding } from '../engine/index.js';
import { accessDocument } from '../access/document.js';
import { compactAccess } from '../access/summary.js';
import { phiStoreRows } from '../phiStores.js';
import { enrich } from '../enrich/index.js';
import { findingsDocument, type FindingsDocument } from '../findings.js';
import { resolveSelection, type ResolvedSelection, type RuleSelection } from '../selection.js';
import type { Credential, DataStore, Identity, Inventory } from '../model.js';
import { emptyInventory } from '../model.js';
import { namedAccounts } from '../loaders/ownAccount.js';
import { loadSource, loadWaivers, mergeInto, policyInput, type LoadOptions, type SourceSpec } from '../run.js';
import { declaredWaiverFacts, type WaiverFact } from '../waivers.js';
import { driftInput, matchInventories, type DriftMatches } from './match.js';
import { regionsNotRead } from './unread.js';
import { resolveDeclared } from './resolve.js';

export interface DriftOptions extends EngineOptions {
  /** The declared side: one source, or several of one kind (the plans or states of several stacks). */
  declared: SourceSpec | SourceSpec[];
  /** Reads the live Inventory (AWS collection or a snapshot). */
  live: () => Promise<Inventory>;
  now: Date;
  waiverFiles?: string[];
  generatedAt?: Date;
  /** --rule, --skip-rule, --severity-override. */
  selection?: RuleSelection;
  /** --own-account (flag or config file): the own accounts of the declared side, above what it says (else policy data ownAccounts). */
  ownAccounts?: string[];
}

export interface DriftResult {
  document: FindingsDocument;
  declared: Inventory;
  live: Inventory;
  matches: DriftMatches;
  engine: Engine;
}

export async function runDrift(opts: DriftOptions): Promise<DriftResult> {
  const engine = await loadEngine(opts);
  const selection = resolveSelection(engine.rules, opts.selection);
  const enrichOpts = { config: engine.config, now: opts.now };
  const named = namedAccounts(opts.ownAccounts, engine.config.ownAccounts);
  const declared = await enrich(await loadDeclared(opts.declared, { named }), enrichOpts);
  const live = await enrich(await opts.live(), enrichOpts);
  const fileWaivers = await loadWaivers(opts.waiverFiles ?? [], opts.now);
  const { document, matches } = judgeDrift(engine, {
    declared,
    live,
    now: opts.now,
    fileWaivers,
    selection,
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
  });
  return { document, declared, live, matches, engine };
}

export interface JudgeInput {
  /** Both sides enriched. */
  declared: Inventory;
  live: Inventory;
  now: Date;
  /** The --waivers files' waivers (the declaration's own are added here). */
  fileWaivers: WaiverFact[];
  selection: ResolvedSelection;
  generatedAt?: Date;
  /** An organization run: the account every finding is about. */
  account?: string;
}

/** The drift rules once on {declared, live, matches}, the static rules once on the live side: one findings document. Pure given the engine. */
export function judgeDrift(engine: Engine, j: JudgeInput): { document: FindingsDocument; matches: DriftMatches } {
  const { declared } = j;
  // Declared secrets of a region the live side did not read are gaps of this run, not drift.
  const unreadRegions = regionsNotRead(declared, j.live);
  const live = unreadRegions.length ? { ...j.live, gaps: [...(j.live.gaps ?? []), ...unreadRegions] } : j.live;
  const matches = matchInventories(declared, live);
  const waivers = [...j.fileWaivers, ...declaredWaiverFacts(declared.waivers ?? [], j.now)];
  const raw: RawFinding[] = [];
  // Drift first: a rule of both sources (NHI-DRIFT-005) is kept once, as a drift finding.
  // The drift rules compare the declaration resolved against the live account (checks/drift/resolve.ts).
  for (const f of engine.evaluate(driftInput(resolveDeclared(declared, live, matches), live, j.now, matches))) raw.push({ ...f, source: 'drift' });
  for (const f of engine.evaluate(policyInput('live', live, j.now, waivers, { compact: engine.builtinOnly }))) raw.push({ ...f, source: 'live' });
  foldLiveIntoDrift(raw, matches);
  const document = findingsDocument({
    raw,
    rules: engine.rules,
    inventory: { ...withDeclaredOwners(live, declared, matches), inputs: [...declared.inputs, ...live.inputs] },
    lookup: [declared],
    // A finding about a declared element counts for its live counterpart in the inventory table.
    aliases: new Map([...matches.identities, ...matches.credentials].map((p) => [p.declared, p.live])),
    // Waivers follow the element: one declared on a key, role or secret covers the live findings about it.
    declaredOf: new Map([...matches.identities, ...matches.credentials, ...(matches.dataStores ?? [])].map((p) => [p.live, p.declared])),
    source: 'drift',
    now: j.now,
    waivers,
    selection: j.selection,
    ...(j.account ? { account: j.account } : {}),
    ...(j.generatedAt ? { generatedAt: j.generatedAt } : {}),
  });
  document.access = compactAccess(accessDocument([live], { now: j.now, dataClass: 'phi', routes: 'indirect' }).stores, j.account);
  document.phiStores = phiStoreRows(live, engine.config.tagKeys.owner);
  document.expiringSoonDays = engine.config.expiringSoonDays;
  if (matches.unread?.length)
    document.notCompared = matches.unread.map((u) => ({ element: u.declared, gap: u.gap, ...(j.account ? { account: j.account } : {}) }));
  return { document, matches };
}

/** One declared Inventory from one source or several (each stack's plan or state). */
export async function loadDeclared(specs: SourceSpec | SourceSpec[], opts: LoadOptions): Promise<Inventory> {
  const list = Array.isArray(specs) ? specs : [specs];
  if (list.length === 1) return loadSource(list[0]!, opts);
  const merged = emptyInventory();
  for (const spec of list) {
    const inv = await loadSource(spec, opts);
    mergeInto(merged, inv);
    if (inv.waivers?.length) (merged.waivers ??= []).push(...inv.waivers);
  }
  return merged;
}

/**
 * A live finding that says what a drift finding on the same element already says is folded into
 * it (one finding per problem): the drift finding names the folded rule.
 * NHI-ROT-001 (no rotation live) on a secret whose declared rotation was cancelled is NHI-DRIFT-006.
 */
const FOLDS: Array<{ drift: string; live: string; note: string }> = [
  { drift: 'NHI-DRIFT-006', live: 'NHI-ROT-001', note: 'it is also why NHI-ROT-001 (no automatic rotation) is not reported on its own' },
];

export function foldLiveIntoDrift(raw: RawFinding[], matches: DriftMatches): void {
  const liveOf = new Map(matches.credentials.map((p) => [p.declared, p.live]));
  for (const fold of FOLDS) {
    const drifted = new Map<string, RawFinding>();
    for (const f of raw) if (f.ruleId === fold.drift && f.source === 'drift') drifted.set(liveOf.get(f.resource) ?? f.resource, f);
    for (let i = raw.length - 1; i >= 0; i--) {
      const f = raw[i]!;
      const into = f.ruleId === fold.live && f.source === 'live' ? drifted.get(f.resource) : undefined;
      if (!into) continue;
      raw.splice(i, 1);
      if (!into.message.includes(fold.note)) into.message += `; ${fold.note}`;
    }
  }
}

/**
 * Accountability follows the declaration: a live identity or credential matched to a declaration
 * is shown under the declared owner (findings, inventory rows, per-owner files and HTML sections).
 * A live owner that differs is NHI-DRIFT-004, reported under the declared owner beside the rest.
 * A matched data store answers to its declared owner tag (findings about the store itself).
 * Declarations whose tags are known only after apply keep the live owner.
 */
export function withDeclaredOwners(live: Inventory, declared: Inventory, matches: DriftMatches): Inventory {
  const declaredById = new Map<string, Identity | Credential>([...declared.identities, ...declared.credentials].map((x) => [x.id, x]));
  const ownerOf = new Map<string, string | undefined>();
  for (const m of [...matches.identities, ...matches.credentials]) {
    const d = declaredById.get(m.declared);
    if (!d || ('tagsUnknown' in d && d.tagsUnknown)) continue;
    ownerOf.set(m.live, d.governance?.owner);
  }
  const owned = <T extends Identity | Credential>(x: T): T => {
    if (!ownerOf.has(x.id) || !x.governance) return x;
    const { owner: _live, ...rest } = x.governance;
    const owner = ownerOf.get(x.id);
    return { ...x, governance: owner === undefined ? rest : { ...rest, owner } };
  };
  // A data store matched to a declaration answers to the declared owner tag too.
  const storeOwner = new Map<string, string | undefined>();
  const declaredStores = new Map(declared.dataStores.map((d) => [d.id, d]));
  for (const m of matches.dataStores ?? []) {
    const d = declaredStores.get(m.declared);
    if (d) storeOwner.set(m.live, d.owner);
  }
  const store = (d: DataStore): DataStore => {
    if (!storeOwner.has(d.id)) return d;
    const { owner: _live, ...rest } = d;
    const owner = storeOwner.get(d.id);
    return owner === undefined ? rest : { ...rest, owner };
  };
  return { ...live, identities: live.identities.map(owned), credentials: live.credentials.map(owned), dataStores: live.dataStores.map(store) };
}
