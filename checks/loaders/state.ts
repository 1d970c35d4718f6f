/**
 * Terraform state into resource records: `terraform show -json` of a state (values.root_module
 * with child_modules) or a raw terraform.tfstate version 4 (resources[].instances[]). Every
 * resource is `existing`. Secret values never enter a record (see tfjson.ts).
 */
import { UserError, jsonPath } from '../errors.js';
import { dict, own } from '../dict.js';
import { isObject, readJson } from '../io/files.js';
import type { Inventory } from '../model.js';
import { expectState } from './detect.js';
import { buildInventory, readsResource } from './inventoryBuilder.js';
import { ownAccount } from './ownAccount.js';
import { settingsOf, withPlainCredentials } from './plainConfig.js';
import { convertValues, indexSuffix, recordOf, requireString, walkModule } from './tfjson.js';
import type { ResourceRecord } from './values.js';
import { waiversFromOutputs } from './waiverOutputs.js';

/** Largest list index a sensitive_attributes path may name (a list of attribute values is never longer). */
const MAX_INDEX = 1 << 20;

/**
 * Terraform's sensitive_attributes paths ([[{type:'get_attr', value:'x'}, ...], ...]) as a tree of
 * booleans. Objects of the tree have no prototype and a step only ever descends into a node this
 * function created, so `__proto__` or `constructor` is a key like any other; a list index must be
 * a whole number. A step of any other shape marks everything below the steps before it.
 */
function sensitiveTree(paths: unknown): unknown {
  if (!Array.isArray(paths)) return undefined;
  type Node = Record<string, unknown> | unknown[];
  const root: Record<string, unknown> = dict();
  const keyOf = (s: unknown): unknown => (isObject(s) ? (s.type === 'index' && isObject(s.value) ? s.value.value : s.value) : undefined);
  for (const p of paths) {
    const steps: unknown[] = Array.isArray(p) ? p : isObject(p) && Array.isArray(p.path) ? p.path : [];
    if (steps.length === 0) continue;
    let node: Node = root;
    let parent: { node: Node; key: string | number } | undefined;
    for (let i = 0; i < steps.length; i++) {
      const key = keyOf(steps[i]);
      const k = Array.isArray(node)
        ? typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < MAX_INDEX
          ? key
          : undefined
        : typeof key === 'string' || typeof key === 'number'
          ? String(key)
          : undefined;
      if (k === undefined) {
        // A step this reader cannot follow: what lies below its parent may be the secret.
        if (parent) (parent.node as Record<string | number, unknown>)[parent.key] = true;
        break;
      }
      const slot = node as Record<string | number, unknown>;
      const child = Array.isArray(node) ? node[k as number] : own(node, k as string);
      if (i === steps.length - 1 || child === true) {
        slot[k] = true;
        break;
      }
      parent = { node, key: k };
      node = (Array.isArray(child) || isObject(child) ? child : (slot[k] = typeof keyOf(steps[i + 1]) === 'number' ? [] : dict())) as Node;
    }
  }
  return root;
}

function showStateRecords(doc: Record<string, unknown>, file: string): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  const values = doc.values;
  if (values === undefined || values === null) return records;
  if (!isObject(values)) throw new UserError('must be an object', { file, jsonPath: '$.values' });
  walkModule(values.root_module, file, ['values', 'root_module'], (r, address, at) => {
    if (!readsResource(r.mode, r.type)) return;
    const { values: v, withheld } = convertValues(r.values, { file, at: [...at, 'values'], sensitive: r.sensitive_values });
    records.push(recordOf(r, address, v, withheld, 'existing', { source: 'state', file }));
  });
  return records;
}

function tfstateRecords(doc: Record<string, unknown>, file: string): ResourceRecord[] {
  const records: ResourceRecord[] = [];
  const resources = doc.resources ?? [];
  if (!Array.isArray(resources)) throw new UserError('must be a list of resources', { file, jsonPath: '$.resources' });
  resources.forEach((r, i) => {
    const at: Array<string | number> = ['resources', i];
    if (!isObject(r)) throw new UserError('must be an object (a resource)', { file, jsonPath: jsonPath(at) });
    const type = requireString(r.type, file, [...at, 'type'], 'the resource type');
    const name = requireString(r.name, file, [...at, 'name'], 'the resource name');
    const mode = r.mode === 'data' ? 'data' : 'managed';
    const module = r.module === undefined ? '' : requireString(r.module, file, [...at, 'module'], 'the module address');
    if (!readsResource(mode, type)) return;
    const instances = r.instances ?? [];
    if (!Array.isArray(instances)) throw new UserError('must be a list of instances', { file, jsonPath: jsonPath([...at, 'instances']) });
    instances.forEach((inst, j) => {
      const iAt = [...at, 'instances', j];
      if (!isObject(inst)) throw new UserError('must be an object (an instance)', { file, jsonPath: jsonPath(iAt) });
      if (inst.deposed !== undefined) return; // a deposed object is on its way out of a replace
      const address = `${module ? module + '.' : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}${indexSuffix(inst.index_key)}`;
      const attrs = inst.attributes ?? (typeof inst.attributes_flat === 'object' ? inst.attributes_flat : undefined);
      const { values, withheld } = convertValues(attrs, { file, at: [...iAt, 'attributes'], sensitive: sensitiveTree(inst.sensitive_attributes) });
      records.push(recordOf({ mode, type }, address, values, withheld, 'existing', { source: 'state', file }));
    });
  });
  return records;
}

/** State document into records (already parsed; `file` names it in errors). */
export function stateRecords(doc: unknown, file: string): ResourceRecord[] {
  const { kind, doc: d } = expectState(doc, file);
  return kind === 'tfstate' ? tfstateRecords(d, file) : showStateRecords(d, file);
}

export async function loadState(file: string): Promise<Inventory> {
  let doc: unknown = await readJson(file);
  const records = stateRecords(doc, file);
  // Waivers declared in the stacks are root outputs: values.outputs (show -json) or outputs (tfstate).
  const outputs = isObject(doc) ? (isObject(doc.values) ? doc.values.outputs : doc.outputs) : undefined;
  const waivers = waiversFromOutputs(outputs, { source: 'state', file });
  const account = ownAccount(doc, records, undefined);
  const settings = settingsOf(doc, { source: 'state', file });
  // The parsed document is by far the largest object of a run: let it go before building.
  // eslint-disable-next-line no-useless-assignment -- the assignment frees the parsed document for the collector
  doc = undefined;
  return withPlainCredentials(buildInventory(records, [{ kind: 'state', file }], { ...account, waivers }), records, settings);
}
