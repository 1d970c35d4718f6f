/**
 * Enrichment: facts that need libraries or a clock, added to a loaded Inventory before the rules
 * run. Governance tags through the configured keys, days to expiry from a fixed `now`, and IAM
 * actions expanded with the AWS catalog.
 */
import { own } from '../dict.js';
import type { PolicyConfig } from '../engine/policyData.js';
import type { Governance, Inventory, Statement } from '../model.js';
import { expandActions } from './actions.js';
import { notActionGrants, notResourceExcludes } from './complement.js';
import { expiryOf } from './expiry.js';
import { enrichUsage } from './usage.js';
import { addResourceTargets } from './targets.js';
import { computeAccess } from '../access/compute.js';
import { accessFacts } from '../access/facts.js';

export interface EnrichOptions {
  config: PolicyConfig;
  now: Date;
}

export function governanceOf(tags: Record<string, string>, opts: EnrichOptions): Governance {
  const k = opts.config.tagKeys;
  const g: Governance = { expiry: expiryOf(own(tags, k.expiresOn), opts.now) };
  const put = (field: keyof Omit<Governance, 'expiry'>, key: string) => {
    const v = own(tags, key);
    if (v !== undefined) g[field] = v;
  };
  put('owner', k.owner);
  put('purpose', k.purpose);
  put('dataClass', k.dataClass);
  put('environment', k.environment);
  put('identityKind', k.identityKind);
  put('ticket', k.ticket);
  return g;
}

/** Catalog facts of one statement: expanded actions, the NotAction complement, the NotResource exclusions. */
async function enrichStatement(s: Statement): Promise<void> {
  const every = (list: string[] | undefined) => !!list && list.some((a) => a === '*' || a === '*:*');
  if (s.actions && !every(s.actions)) s.expandedActions = await expandActions(s.actions);
  if (s.effect === 'Allow' && s.notActions?.length) s.notActionGrants = await notActionGrants(s.notActions);
  if (s.notResources?.length) {
    const services = new Set<string>();
    for (const a of s.expandedActions ?? []) services.add(a.action.split(':')[0]!);
    for (const g of s.notActionGrants ?? []) services.add(g.service);
    s.notResourceExcludes = await notResourceExcludes(s.notResources, [...services].sort());
  }
}

export async function enrich(inv: Inventory, opts: EnrichOptions): Promise<Inventory> {
  await enrichFacts(inv, opts);
  return withAccess(inv, opts);
}

/** The access map of an Inventory whose facts are enriched (Inventory.access): its own stage in bench/. */
export function withAccess(inv: Inventory, opts: EnrichOptions): Inventory {
  inv.access = accessFacts(computeAccess(inv, opts.config), inv);
  return inv;
}

/** Everything enrich adds except the access map: governance, usage, catalog facts, store targets. */
export async function enrichFacts(inv: Inventory, opts: EnrichOptions): Promise<Inventory> {
  for (const i of inv.identities) i.governance = governanceOf(i.tags, opts);
  for (const c of inv.credentials) c.governance = governanceOf(c.tags, opts);
  enrichUsage(inv, opts.now);
  for (const d of inv.dataStores) {
    const dc = own(d.tags, opts.config.tagKeys.dataClass);
    if (dc !== undefined) d.dataClass = dc;
    const owner = own(d.tags, opts.config.tagKeys.owner);
    if (owner !== undefined) d.owner = owner;
  }
  const jobs: Promise<void>[] = [];
  for (const p of inv.policies) {
    if (!p.document.known || !p.document.document) continue;
    for (const s of p.document.document.statements) jobs.push(enrichStatement(s));
  }
  await Promise.all(jobs);
  addResourceTargets(inv);
  return inv;
}
