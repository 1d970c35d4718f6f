/**
 * The compact policy input of the built-in pack: the Inventory without what no rule of the pack
 * reads, and without repeats the WASM module would parse again and again. Used only when the pack
 * runs alone; user rules (--policy-dir) get the documented Inventory as it is (README, "Writing
 * rules"). The WASM module parses the whole input on every evaluation (some 14 MB of its memory
 * per MB of JSON at 10k resources), so what is left out is memory and time saved.
 *
 * - `origin` of every element (terraform address, ARN, file, construct path, out-of-band changes):
 *   findings name elements by id and the TypeScript side adds the origin to the report.
 * - `tags` of every element: the rules read the governance facts enrichment derives from them
 *   (Identity.governance, Credential.governance, DataStore.dataClass and owner), never the tags
 *   (some 10% of the input at 10k resources).
 * - Statement.notActionGrants (the catalog's complement of a NotAction list, some 400 services,
 *   the same for every statement with the same list): one table, `input.grants`, and each
 *   statement names its entry by `notActionGrantsRef`. policies/lib/iam.rego reads either form.
 * - Statement.expandedActions (the catalog actions of an Action list, the same for every statement
 *   with the same list; a sixth of the input at 10k resources): one table, `input.expansions`, and
 *   each statement names its entry by `expandedActionsRef` (iam.expanded_actions reads either form).
 *
 * Pure: the Inventory is not changed (elements are copied where something is left out).
 */
import { dict } from '../dict.js';
import type { ExpandedAction, Inventory, Policy, ServiceGrant, Statement } from '../model.js';

export interface CompactInput {
  inventory: Record<string, unknown>;
  grants: Record<string, ServiceGrant[]>;
  expansions: Record<string, ExpandedAction[]>;
}

/** Element keys no rule of the pack reads. */
const LEFT_OUT = ['origin', 'tags'];

function compactElement<T extends object>(e: T): T {
  if (e === null || typeof e !== 'object' || Array.isArray(e) || !LEFT_OUT.some((k) => Object.hasOwn(e, k))) return e;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!LEFT_OUT.includes(k)) out[k] = v;
  return out as T;
}

/**
 * A table of shared lists: equal lists get one key. Enrichment hands statements with the same list
 * the same array (checks/enrich memoizes them): an array seen before is found by identity, and only
 * a new one is serialized to look for an equal entry (at 10k resources, serializing every
 * statement's some 450 NotAction services was 120 ms).
 */
function sharedTable<T>(): { entries: Record<string, T[]>; refOf: (list: T[]) => string } {
  const entries = dict<T[]>();
  const byText = new Map<string, string>();
  const seen = new Map<T[], string>();
  const refOf = (list: T[]): string => {
    const known = seen.get(list);
    if (known !== undefined) return known;
    const text = JSON.stringify(list);
    let ref = byText.get(text);
    if (ref === undefined) {
      ref = String(byText.size);
      byText.set(text, ref);
      entries[ref] = list;
    }
    seen.set(list, ref);
    return ref;
  };
  return { entries, refOf };
}

type CompactStatement = Omit<Statement, 'notActionGrants' | 'expandedActions'> & { notActionGrantsRef?: string; expandedActionsRef?: string };

export function compactInventory(inv: Inventory): CompactInput {
  const grants = sharedTable<ServiceGrant>();
  const expansions = sharedTable<ExpandedAction>();
  const statement = (s: Statement): Statement | CompactStatement => {
    if (s.notActionGrants === undefined && s.expandedActions === undefined) return s;
    const { notActionGrants, expandedActions, ...rest } = s;
    const out: CompactStatement = rest;
    if (expandedActions !== undefined) out.expandedActionsRef = expansions.refOf(expandedActions);
    if (notActionGrants !== undefined) out.notActionGrantsRef = grants.refOf(notActionGrants);
    return out;
  };
  const shared = (s: Statement) => s.notActionGrants !== undefined || s.expandedActions !== undefined;
  const policy = (p: Policy): Policy => {
    const q = compactElement(p);
    const d = q.document.document;
    if (!q.document.known || !d || !d.statements.some(shared)) return q;
    return { ...q, document: { ...q.document, document: { ...d, statements: d.statements.map(statement) } } };
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inv)) {
    if (k === 'policies') out[k] = inv.policies.map(policy);
    else out[k] = Array.isArray(v) ? v.map((e: unknown) => (e !== null && typeof e === 'object' ? compactElement(e) : e)) : v;
  }
  return { inventory: out, grants: grants.entries, expansions: expansions.entries };
}
