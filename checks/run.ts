/**
 * The check pipeline: load each source into an Inventory, enrich it, evaluate the compiled policy
 * once per input, and join the results into one findings document.
 */
import { accessDocument } from './access/document.js';
import { compactAccess } from './access/summary.js';
import { phiStoreRows } from './phiStores.js';
import { compactInventory } from './engine/compactInput.js';
import { loadEngine, type Engine, type EngineOptions, type RawFinding } from './engine/index.js';
import { enrich } from './enrich/index.js';
import { findingsDocument, type FindingsDocument } from './findings.js';
import { resolveSelection, type RuleSelection } from './selection.js';
import { mergeDocuments } from './merge.js';
import { loadPlan } from './loaders/plan.js';
import { loadSnapshot } from './loaders/snapshot.js';
import { loadState } from './loaders/state.js';
import { loadSynth } from './loaders/synth.js';
import { namedAccounts, withNamedAccounts, type NamedAccounts } from './loaders/ownAccount.js';
import type { LiveOptions } from './live/options.js';
import { emptyInventory, type Inventory, type SourceKind } from './model.js';
import { wellFormedDeep } from './unicode.js';
import { declaredWaiverFacts, loadWaiverFile, type WaiverFact } from './waivers.js';

export interface SourceSpec {
  kind: SourceKind;
  /** A synth folder, a plan/state file or a snapshot. */
  path: string;
  /** kind 'live': collect from AWS with these options; without them `path` is a snapshot file. */
  live?: LiveOptions;
  /** kind 'plan': the root module's .tf files (--tf-dir); default the plan file's folder. */
  tfDir?: string;
  /** kind 'synth': only these stacks (--stack). */
  stacks?: string[];
}

export interface CheckOptions extends EngineOptions {
  sources: SourceSpec[];
  now: Date;
  /** --waivers files (YAML or JSON). */
  waiverFiles?: string[];
  /** --source-root: declaring files are reported relative to it (default the current folder). */
  sourceRoot?: string;
  /** --rule, --skip-rule, --severity-override. */
  selection?: RuleSelection;
  /** One-line warnings of the loaders (what they skipped). */
  warn?: (message: string) => void;
  /** --own-account (flag or config file): the own accounts of declared inputs, above what they say. */
  ownAccounts?: string[];
}

export interface LoadOptions {
  /** One-line warnings of the loaders (what they skipped). */
  warn?: ((message: string) => void) | undefined;
  /**
   * The own accounts the user named (--own-account, the config file's own-account, policy data
   * ownAccounts: namedAccounts), above what a declared input says. Every command that reads a
   * declared source passes them here, so check, drift's declared side, inventory and access agree;
   * a live Inventory keeps the account its credentials are in.
   */
  named?: NamedAccounts | undefined;
}

export async function loadSource(spec: SourceSpec, opts: LoadOptions = {}): Promise<Inventory> {
  // A lone surrogate degrades to its own string (U+FFFD), never to every rule (checks/unicode.ts).
  const inv = wellFormedDeep(await readSource(spec, opts.warn));
  return spec.kind === 'live' ? inv : withNamedAccounts(inv, opts.named);
}

async function readSource(spec: SourceSpec, warn?: (message: string) => void): Promise<Inventory> {
  switch (spec.kind) {
    case 'synth':
      return loadSynth(spec.path, spec.stacks ? { stacks: spec.stacks } : {});
    case 'plan':
      return loadPlan(spec.path, { ...(spec.tfDir ? { tfDir: spec.tfDir } : {}), ...(warn ? { warn } : {}) });
    case 'state':
      return loadState(spec.path);
    case 'live':
      if (spec.live?.org) throw new Error('an --org source holds many accounts: read it with loadSources');
      // The AWS SDK is loaded only when a run collects (a plan check never pays for it).
      return spec.live ? (await import('./live/collect.js')).collectLive(spec.live) : loadSnapshot(spec.path);
    default:
      throw new Error(`source kind ${(spec as { kind: string }).kind} is not supported yet`);
  }
}

/** The Inventories of one source: one per account for an organization run (`--org`), else one. */
export async function loadSources(spec: SourceSpec, opts: LoadOptions = {}): Promise<Inventory[]> {
  if (spec.kind === 'live' && spec.live?.org) return (await (await import('./live/org.js')).collectOrg(spec.live)).map(wellFormedDeep);
  return [await loadSource(spec, opts)];
}

/**
 * The policy input for one source. Serialized once and handed to the WASM instance as bytes.
 * `compact` (the built-in pack alone, Engine.builtinOnly): the Inventory without what no rule of
 * the pack reads (checks/engine/compactInput.ts); user rules get the documented Inventory.
 */
export function policyInput(source: SourceKind, inventory: Inventory, now: Date, waivers: WaiverFact[] = [], opts: { compact?: boolean } = {}): string {
  if (!opts.compact) return JSON.stringify({ source, now: now.toISOString(), inventory, waivers });
  const c = compactInventory(inventory);
  return JSON.stringify({ source, now: now.toISOString(), inventory: c.inventory, waivers, grants: c.grants, expansions: c.expansions });
}

export async function loadWaivers(files: string[], now: Date): Promise<WaiverFact[]> {
  const out: WaiverFact[] = [];
  for (const f of files) out.push(...(await loadWaiverFile(f, now)));
  return out;
}

export interface CheckResult {
  document: FindingsDocument;
  inventory: Inventory;
  engine: Engine;
}

/** One Inventory as judged: its findings and the waivers declared in it. */
interface Judged {
  kind: SourceKind;
  inv: Inventory;
  raw: RawFinding[];
  declared: WaiverFact[];
}

/**
 * Every source (an organization run gives one Inventory per account) is enriched and evaluated
 * once. One account, or none: one findings document over all inputs. More than one live
 * account: one document per account (element ids repeat across accounts), merged, with the
 * account on every finding and gap; declared sources then form a document of their own.
 */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const engine = await loadEngine(opts);
  // Patterns are checked before any input is read: a typo is a usage error, not an empty report.
  const selection = resolveSelection(engine.rules, opts.selection);
  const fileWaivers = await loadWaivers(opts.waiverFiles ?? [], opts.now);
  const judged: Judged[] = [];
  const named = namedAccounts(opts.ownAccounts, engine.config.ownAccounts);
  for (const spec of opts.sources) {
    for (const loaded of await loadSources(spec, { warn: opts.warn, named })) {
      const inv = await enrich(loaded, { config: engine.config, now: opts.now });
      // Each input is judged with the file waivers and the waivers declared in it.
      const declared = declaredWaiverFacts(inv.waivers ?? [], opts.now);
      const raw = engine
        .evaluate(policyInput(spec.kind, inv, opts.now, [...fileWaivers, ...declared], { compact: engine.builtinOnly }))
        .map((f) => ({ ...f, source: spec.kind }));
      judged.push({ kind: spec.kind, inv, raw, declared });
    }
  }
  const accountOf = (j: Judged) => (j.kind === 'live' ? (j.inv.accountId ?? '') : '');
  const groups = new Map<string, Judged[]>();
  for (const j of judged) {
    const k = accountOf(j);
    groups.set(k, [...(groups.get(k) ?? []), j]);
  }
  const liveAccounts = [...groups.keys()].filter((k) => k !== '');
  const documentOf = (part: Judged[], account: string | undefined) => {
    const merged = emptyInventory();
    for (const j of part) mergeInto(merged, j.inv);
    const doc = findingsDocument({
      raw: part.flatMap((j) => j.raw),
      rules: engine.rules,
      inventory: merged,
      source: part[part.length - 1]?.kind ?? opts.sources[0]?.kind ?? 'synth',
      now: opts.now,
      waivers: [...fileWaivers, ...part.flatMap((j) => j.declared)],
      selection,
      ...(account ? { account } : {}),
      ...(opts.sourceRoot ? { sourceRoot: opts.sourceRoot } : {}),
    });
    // The PHI access map beside the findings (the HTML report's section, the PR comment's access delta).
    doc.access = compactAccess(
      accessDocument(
        part.map((j) => j.inv),
        { now: opts.now, dataClass: 'phi', routes: 'indirect' },
      ).stores,
      account,
    );
    // Every PHI store with its account and region (the nightly report's PHI stores section).
    doc.phiStores = part.flatMap((j) => phiStoreRows(j.inv, engine.config.tagKeys.owner));
    return doc;
  };
  const all = emptyInventory();
  for (const j of judged) mergeInto(all, j.inv);
  if (liveAccounts.length <= 1) {
    // The account of a live-only run is on every finding.
    const only = liveAccounts.length === 1 && groups.size === 1 ? liveAccounts[0] : undefined;
    return { document: documentOf(judged, only), inventory: all, engine };
  }
  const docs = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([account, part]) => documentOf(part, account || undefined));
  return { document: mergeDocuments(docs), inventory: all, engine };
}

/** Appends one source's Inventory to another (inputs, elements and the own account). */
export function mergeInto(into: Inventory, inv: Inventory): void {
  into.inputs.push(...inv.inputs);
  into.identities.push(...inv.identities);
  into.groups.push(...inv.groups);
  into.policies.push(...inv.policies);
  into.credentials.push(...inv.credentials);
  into.dataStores.push(...inv.dataStores);
  into.unknowns.push(...inv.unknowns);
  if (inv.plainCredentials?.length) (into.plainCredentials ??= []).push(...inv.plainCredentials);
  if (inv.compute?.length) (into.compute ??= []).push(...inv.compute);
  if (inv.accountId) {
    into.accountId = inv.accountId;
    if (inv.accountSource) into.accountSource = inv.accountSource;
    else delete into.accountSource;
  }
  if (inv.gaps?.length) (into.gaps ??= []).push(...inv.gaps);
  if (inv.ownAccounts?.length) into.ownAccounts = [...new Set([...(into.ownAccounts ?? []), ...inv.ownAccounts])];
}
