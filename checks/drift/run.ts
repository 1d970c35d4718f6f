/**
 * The drift pipeline: the declared Inventory (synth, plan or state) and the live one (AWS or a
 * snapshot), both enriched; the drift rules evaluated once on {declared, live, matches}; the
 * static rules (and the live-only ones) evaluated once on the live Inventory; one findings
 * document. The document lists the live inventory; declared elements stay findable for the
 * findings about them (a declared secret missing live, say).
 */
import { loadEngine, type Engine, type EngineOptions, type RawFinding } from '../engine/index.js';
import { accessDocument, accessSummary } from '../access/document.js';
import { enrich } from '../enrich/index.js';
import { findingsDocument, type FindingsDocument } from '../findings.js';
import { resolveSelection, type RuleSelection } from '../selection.js';
import type { Inventory } from '../model.js';
import { loadSource, loadWaivers, policyInput, type SourceSpec } from '../run.js';
import { declaredWaiverFacts } from '../waivers.js';
import { driftInput, matchInventories, type DriftMatches } from './match.js';

export interface DriftOptions extends EngineOptions {
  declared: SourceSpec;
  /** Reads the live Inventory (AWS collection or a snapshot). */
  live: () => Promise<Inventory>;
  now: Date;
  waiverFiles?: string[];
  generatedAt?: Date;
  /** --rule, --skip-rule, --severity-override. */
  selection?: RuleSelection;
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
  const declared = await enrich(await loadSource(opts.declared), enrichOpts);
  const live = await enrich(await opts.live(), enrichOpts);
  const matches = matchInventories(declared, live);
  const waivers = [...(await loadWaivers(opts.waiverFiles ?? [], opts.now)), ...declaredWaiverFacts(declared.waivers ?? [], opts.now)];
  const raw: RawFinding[] = [];
  // Drift first: a rule of both sources (NHI-DRIFT-005) is kept once, as a drift finding.
  for (const f of engine.evaluate(driftInput(declared, live, opts.now, matches))) raw.push({ ...f, source: 'drift' });
  for (const f of engine.evaluate(policyInput('live', live, opts.now, waivers))) raw.push({ ...f, source: 'live' });
  const document = findingsDocument({
    raw,
    rules: engine.rules,
    inventory: { ...live, inputs: [...declared.inputs, ...live.inputs] },
    lookup: [declared],
    // A finding about a declared element counts for its live counterpart in the inventory table.
    aliases: new Map([...matches.identities, ...matches.credentials].map((p) => [p.declared, p.live])),
    source: 'drift',
    now: opts.now,
    waivers,
    selection,
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
  });
  document.access = accessSummary(accessDocument([live], { now: opts.now }).stores);
  return { document, declared, live, matches, engine };
}
