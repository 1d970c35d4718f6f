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
 *
 * Pure: the Inventory is not changed (elements are copied where something is left out).
 */
import { dict } from '../dict.js';
import type { Inventory, Policy, ServiceGrant, Statement } from '../model.js';

export interface CompactInput {
  inventory: Record<string, unknown>;
  grants: Record<string, ServiceGrant[]>;
}

/** Element keys no rule of the pack reads. */
const LEFT_OUT = ['origin', 'tags'];

function compactElement<T extends object>(e: T): T {
  if (e === null || typeof e !== 'object' || Array.isArray(e) || !LEFT_OUT.some((k) => Object.hasOwn(e, k))) return e;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!LEFT_OUT.includes(k)) out[k] = v;
  return out as T;
}

export function compactInventory(inv: Inventory): CompactInput {
  const grants = dict<ServiceGrant[]>();
  const refs = new Map<string, string>();
  // Enrichment hands statements with the same NotAction list the same array (checks/enrich/complement.ts
  // memoizes it): an array seen before is found by identity, and only a new one is serialized to find
  // an equal entry (at 10k resources, serializing every statement's some 450 services was 120 ms).
  const seen = new Map<ServiceGrant[], string>();
  const refOf = (g: ServiceGrant[]): string => {
    const known = seen.get(g);
    if (known !== undefined) return known;
    const text = JSON.stringify(g);
    let ref = refs.get(text);
    if (ref === undefined) {
      ref = String(refs.size);
      refs.set(text, ref);
      grants[ref] = g;
    }
    seen.set(g, ref);
    return ref;
  };
  const statement = (s: Statement): Statement | (Omit<Statement, 'notActionGrants'> & { notActionGrantsRef: string }) => {
    if (s.notActionGrants === undefined) return s;
    const { notActionGrants, ...rest } = s;
    return { ...rest, notActionGrantsRef: refOf(notActionGrants) };
  };
  const policy = (p: Policy): Policy => {
    const q = compactElement(p);
    const d = q.document.document;
    if (!q.document.known || !d || !d.statements.some((s) => s.notActionGrants !== undefined)) return q;
    return { ...q, document: { ...q.document, document: { ...d, statements: d.statements.map(statement) } } };
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inv)) {
    if (k === 'policies') out[k] = inv.policies.map(policy);
    else out[k] = Array.isArray(v) ? v.map((e: unknown) => (e !== null && typeof e === 'object' ? compactElement(e) : e)) : v;
  }
  return { inventory: out, grants };
}
