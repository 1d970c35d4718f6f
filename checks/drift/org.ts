/**
 * Drift of an organization (`drift --org`), in one process: the declared side (synth, plans or
 * states) split by the account each declaration is for, and every account read live (--org,
 * --accounts) compared with its own declaration; one findings document with the account on every
 * finding and gap (the per-account documents merged, as `report merge` does).
 *
 * - A declaration is for the account it names (the provider's allowed_account_ids, the caller
 *   identity, known ARNs; --own-account above them); each stack of a cdktf output on its own.
 *   One that names none is a usage error: it cannot be placed in an organization.
 * - An account read live that no declaration covers is compared with an empty declaration: every
 *   identity and secret in it is unmanaged (NHI-DRIFT-001), because the run says the declaration
 *   is the whole of what is governed in the accounts it reads. To leave an account out, select
 *   the others with --accounts. The document says which accounts were covered (driftAccounts).
 * - An account that could not be read (AssumeRole refused) is its gap (exit 3), never "everything
 *   declared is missing"; the other accounts are reported. A declaration for an account the run
 *   did not read (not an active account of the organization, or the listing failed) is a gap of
 *   that account too; one for an account outside --accounts is out of scope.
 */
import { loadEngine } from '../engine/index.js';
import { enrich } from '../enrich/index.js';
import { UserError } from '../errors.js';
import { findingsDocument, type FindingsDocument } from '../findings.js';
import { namedAccounts } from '../loaders/ownAccount.js';
import { stacksOf } from '../loaders/synth.js';
import { mergeDocuments } from '../merge.js';
import { emptyInventory, type Gap, type Inventory } from '../model.js';
import { loadSource, loadWaivers, mergeInto, type SourceSpec } from '../run.js';
import { resolveSelection } from '../selection.js';
import type { DriftOptions } from './run.js';
import { judgeDrift } from './run.js';

export interface OrgDriftOptions extends Omit<DriftOptions, 'declared' | 'live'> {
  declared: SourceSpec[];
  /** Reads the organization: one Inventory per account (checks/live/org.ts collectOrg). */
  live: () => Promise<Inventory[]>;
  /** --accounts: the accounts selected; declarations of other accounts are out of scope. */
  accounts?: string[];
}

/** Which accounts the declaration covered, in an organization drift run. */
export interface DriftAccounts {
  /** Accounts read and compared with their declaration. */
  declared: string[];
  /** Accounts read that no declaration covers: compared with an empty one (their identities are unmanaged). */
  undeclared: string[];
}

/** The declared Inventories by account, each source placed by the account it names. */
export async function declaredByAccount(specs: SourceSpec[], opts: Pick<OrgDriftOptions, 'ownAccounts'> & { configOwnAccounts?: string[] }) {
  const named = namedAccounts(opts.ownAccounts, opts.configOwnAccounts);
  const out = new Map<string, Inventory>();
  for (const { spec, file } of await perStack(specs)) {
    const inv = await loadSource(spec, { named });
    if (!inv.accountId)
      throw new UserError(
        'drift --org needs the account each declaration is for, and this one names none: pin the AWS provider (allowed_account_ids), or give --own-account ID',
        { file },
      );
    let into = out.get(inv.accountId);
    if (!into) out.set(inv.accountId, (into = { ...emptyInventory(), accountId: inv.accountId }));
    mergeInto(into, inv);
    if (inv.waivers?.length) (into.waivers ??= []).push(...inv.waivers);
  }
  return out;
}

/**
 * Whether an account's Inventory was collected (collectLive stamps collectedAt); the Inventory of
 * an account that could not be assumed, or of the organization listing, holds only its gaps.
 */
const wasCollected = (inv: Inventory): boolean => inv.collectedAt !== undefined;

/**
 * The declared sources one by one, a cdktf output split into its stacks: each stack pins its own
 * account (allowed_account_ids), so the stacks of one app can be the declarations of several accounts.
 */
async function perStack(specs: SourceSpec[]): Promise<Array<{ spec: SourceSpec; file: string }>> {
  const out: Array<{ spec: SourceSpec; file: string }> = [];
  for (const spec of specs) {
    if (spec.kind !== 'synth') {
      out.push({ spec, file: spec.path });
      continue;
    }
    const stacks = await stacksOf(spec.path, spec.stacks ? { stacks: spec.stacks } : {});
    for (const st of stacks) out.push({ spec: { ...spec, stacks: [st.name] }, file: st.file });
  }
  return out;
}

/** One account's live Inventories (an org-level gap may come beside its collection) as one; undefined when none was collected. */
function liveOf(parts: Inventory[]): { live?: Inventory; gaps: Gap[] } {
  const gaps = parts.flatMap((p) => p.gaps ?? []);
  const collected = parts.filter(wasCollected);
  if (collected.length === 0) return { gaps };
  const live = collected.length === 1 ? collected[0]! : collected.reduce((acc, p) => (mergeInto(acc, p), acc), emptyInventory());
  const merged = { ...live, gaps };
  if (collected[0]!.region) merged.region = collected[0]!.region;
  return { live: merged, gaps };
}

export async function runOrgDrift(opts: OrgDriftOptions): Promise<FindingsDocument> {
  const engine = await loadEngine(opts);
  const selection = resolveSelection(engine.rules, opts.selection);
  const enrichOpts = { config: engine.config, now: opts.now };
  // The declared side first: a declaration that names no account is a usage error before any call to AWS.
  const declared = await declaredByAccount(opts.declared, {
    ...(opts.ownAccounts ? { ownAccounts: opts.ownAccounts } : {}),
    configOwnAccounts: engine.config.ownAccounts,
  });
  const fileWaivers = await loadWaivers(opts.waiverFiles ?? [], opts.now);
  const byAccount = new Map<string, Inventory[]>();
  for (const inv of await opts.live()) {
    const k = inv.accountId ?? '';
    byAccount.set(k, [...(byAccount.get(k) ?? []), inv]);
  }
  const docs: FindingsDocument[] = [];
  const coverage: DriftAccounts = { declared: [], undeclared: [] };
  const base = {
    rules: engine.rules,
    source: 'drift' as const,
    now: opts.now,
    waivers: fileWaivers,
    selection,
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
  };
  for (const [account, parts] of [...byAccount.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const { live, gaps } = liveOf(parts);
    const decl = declared.get(account);
    if (account) (decl ? coverage.declared : coverage.undeclared).push(account);
    if (!live) {
      // Not read at all: its gaps, and no comparison (its declaration is not "missing live").
      const inv = emptyInventory(parts.flatMap((p) => p.inputs));
      inv.gaps = gaps;
      docs.push(findingsDocument({ ...base, raw: [], inventory: inv, ...(account ? { account } : {}) }));
      continue;
    }
    const { document } = judgeDrift(engine, {
      declared: await enrich(decl ?? emptyInventory(), enrichOpts),
      live: await enrich(live, enrichOpts),
      now: opts.now,
      fileWaivers,
      selection,
      ...(account ? { account } : {}),
      ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
    });
    docs.push(document);
  }
  // Declarations of accounts the run did not read: a gap of that account, unless --accounts left it out.
  const missing = [...declared.keys()].filter((a) => !byAccount.has(a) && (!opts.accounts || opts.accounts.includes(a))).sort();
  if (missing.length) {
    const inv = emptyInventory();
    inv.gaps = missing.map((account) => ({
      service: 'organizations',
      operation: 'ListAccounts',
      account,
      target: account,
      error: `the declaration covers account ${account}, which was not read (not an active account of the organization, or the accounts could not be listed)`,
    }));
    docs.push(findingsDocument({ ...base, raw: [], inventory: inv }));
  }
  if (docs.length === 0) docs.push(findingsDocument({ ...base, raw: [], inventory: emptyInventory() }));
  const document = mergeDocuments(docs);
  document.driftAccounts = coverage;
  document.expiringSoonDays = engine.config.expiringSoonDays;
  return document;
}
