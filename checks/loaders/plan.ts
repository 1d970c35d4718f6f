/**
 * `terraform show -json PLANFILE` output into resource records (format_version 0.x and 1.x).
 *
 * - Records come from planned_values (root_module and child_modules, full instance addresses);
 *   resources the plan deletes come from resource_changes with their `before` values; data
 *   sources read before the plan (policy documents) come from prior_state.
 * - The change of each record is taken from resource_changes actions.
 * - Values unknown until apply (`after_unknown`) become Unresolved, carrying the references the
 *   configuration section states for that attribute (module-prefixed, `var.x` followed through
 *   the module call), so that links can still be made by reference.
 * - Attributes written as constants in the configuration are marked `literal`.
 * - Sensitive and secret attribute values are dropped: a record only says they exist.
 */
import path from 'node:path';
import { pinnedAccountIds } from '../aws.js';
import { UserError, jsonPath, quote } from '../errors.js';
import { dict, own } from '../dict.js';
import { isObject, readJson } from '../io/files.js';
import type { Change, Inventory, Origin } from '../model.js';
import { expectPlan } from './detect.js';
import { applyConfiguration } from './hcl/records.js';
import { applyJsonTemplates } from './tfJsonConfig.js';
import { ownAccount } from './ownAccount.js';
import { buildInventory, readsResource } from './inventoryBuilder.js';
import { settingsOf, withPlainCredentials } from './plainConfig.js';
import { waiversFromOutputs } from './waiverOutputs.js';
import { convertValues, indexSuffix, MAX_DEPTH, recordOf, unionMarks, walkModule } from './tfjson.js';
import { splitAddress, Unresolved, type ResourceRecord, type Value } from './values.js';

interface ConfigModule {
  /** Resources by their in-module address (`aws_iam_role.x`, `data.aws_iam_policy_document.y`). */
  resources: Map<string, Record<string, unknown>>;
  calls: Map<string, { expressions: Record<string, unknown>; forEach: unknown; module: ConfigModule }>;
}

/**
 * Attributes the provider fills from elsewhere when the configuration does not set them (a role's
 * inline_policy and managed_policy_arns echo aws_iam_role_policy and attachments). Dropped when
 * the configuration does not declare them, so they are neither unknowns nor duplicates.
 */
const ECHO_ATTRS: Record<string, string[]> = {
  aws_iam_role: ['inline_policy', 'managed_policy_arns'],
  aws_iam_user: [],
  aws_iam_group: [],
};

function configModule(mod: unknown, depth = 0): ConfigModule {
  const out: ConfigModule = { resources: new Map(), calls: new Map() };
  if (!isObject(mod) || depth > MAX_DEPTH) return out;
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
    if (isObject(r) && typeof r.address === 'string') out.resources.set(r.address, r);
  }
  if (isObject(mod.module_calls)) {
    for (const [name, call] of Object.entries(mod.module_calls)) {
      if (!isObject(call)) continue;
      out.calls.set(name, {
        expressions: isObject(call.expressions) ? call.expressions : {},
        forEach: call.for_each_expression ?? call.count_expression,
        module: configModule(call.module, depth + 1),
      });
    }
  }
  return out;
}

/** `module.a["k"].module.b[0].aws_iam_role.x["i"]` -> instance prefixes and the in-module address. */
function parseAddress(address: string): { modules: Array<{ name: string; instance: string }>; local: string } {
  const parts = splitAddress(address);
  const modules: Array<{ name: string; instance: string }> = [];
  let i = 0;
  while (parts[i] === 'module' && i + 1 < parts.length) {
    const seg = parts[i + 1]!;
    modules.push({ name: seg.replace(/\[.*$/, ''), instance: seg });
    i += 2;
  }
  // The in-module configuration address has no instance key.
  const rest = parts.slice(i);
  const last = rest.length - 1;
  if (last >= 0) rest[last] = rest[last]!.replace(/\[.*$/, '');
  return { modules, local: rest.join('.') };
}

const NO_EXPRESSIONS: Record<string, unknown> = Object.freeze({});

const NON_RESOURCE_REF = /^(each|count|path|self|terraform|local)\b/;

/** All `references` lists inside an expression tree. */
function collectRefs(expr: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > MAX_DEPTH) return out;
  if (Array.isArray(expr)) for (const e of expr) collectRefs(e, out, depth + 1);
  else if (isObject(expr)) {
    if (Array.isArray(expr.references)) for (const r of expr.references) if (typeof r === 'string') out.push(r);
    for (const [k, v] of Object.entries(expr)) if (k !== 'references' && k !== 'constant_value') collectRefs(v, out, depth + 1);
  }
  return out;
}

/** Deep equality through JSON text; a value too deep to serialize counts as changed. */
function sameJson(x: unknown, y: unknown): boolean {
  try {
    return JSON.stringify(x) === JSON.stringify(y);
  } catch {
    return false;
  }
}

/**
 * Names of the top-level attributes that differ (tags by key), sorted; never their values. A tags
 * map either side marks sensitive (wholly or any key of it) is named as `tags` only: its keys can
 * be as secret as its values.
 */
function changedAttributes(before: unknown, after: unknown, sensitive: unknown): string[] {
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const out = new Set<string>();
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (k === 'tags_all' && (Object.hasOwn(a, 'tags') || Object.hasOwn(b, 'tags'))) continue;
    const bk = own(b, k);
    const ak = own(a, k);
    if (sameJson(bk, ak)) continue;
    const marked = sensitive === true || (isObject(sensitive) && marksAny(own(sensitive, k)));
    if (marked && (k === 'tags' || k === 'tags_all')) out.add('tags');
    else if ((k === 'tags' || k === 'tags_all') && (isObject(bk) || isObject(ak))) {
      const bt = isObject(bk) ? bk : {};
      const at = isObject(ak) ? ak : {};
      for (const t of new Set([...Object.keys(bt), ...Object.keys(at)])) if (own(bt, t) !== own(at, t)) out.add(`tags.${t}`);
    } else out.add(k);
  }
  return [...out].sort();
}

/** True when a sensitivity tree marks anything (`true` anywhere in it). */
function marksAny(marks: unknown, depth = 0): boolean {
  if (marks === true) return true;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(marks)) return marks.some((m) => marksAny(m, depth + 1));
  return isObject(marks) && Object.keys(marks).some((k) => marksAny(marks[k], depth + 1));
}

/** True for an expression that indexes by its own instance: references `each.key` or `count.index`, no `each.value`. */
function sameInstanceIdiom(refs: string[]): boolean {
  return refs.some((r) => r === 'each.key' || r === 'count.index') && !refs.some((r) => r.startsWith('each.value'));
}

/** The expression node for an attribute path (descending nested blocks where the config has them). */
function exprAt(exprs: Record<string, unknown>, path: Array<string | number>): unknown {
  let node: unknown = own(exprs, path[0] as string);
  for (const step of path.slice(1)) {
    if (Array.isArray(node)) {
      const next: unknown = typeof step === 'number' ? (node[step] ?? node[0]) : undefined;
      if (next === undefined) break;
      node = next;
    } else if (
      isObject(node) &&
      !Object.hasOwn(node, 'references') &&
      !Object.hasOwn(node, 'constant_value') &&
      typeof step === 'string' &&
      Object.hasOwn(node, step)
    ) {
      node = node[step];
    } else break;
  }
  return node;
}

/**
 * Attributes of resources the builder does not read that a policy document may reference, kept
 * so that a reference the plan knows takes its value: ARNs (never secrets) and the account,
 * region and partition data sources. Nothing else of those resources is copied.
 */
const SAFE_KNOWN: Record<string, string[]> = {
  aws_caller_identity: ['account_id', 'arn'],
  aws_region: ['name', 'id', 'region'],
  aws_partition: ['partition', 'dns_suffix'],
};

function safeKnown(r: Record<string, unknown>): Record<string, Value> | undefined {
  const values = isObject(r.values) ? r.values : undefined;
  if (!values) return undefined;
  const attrs = r.mode === 'data' ? (SAFE_KNOWN[String(r.type)] ?? ['arn']) : ['arn'];
  const out = dict<Value>();
  for (const a of attrs) if (typeof values[a] === 'string') out[a] = values[a];
  return Object.keys(out).length ? out : undefined;
}

/** A resource_drift entry's address: as written, or built from its parts (terraform 1.0 omits it). */
function driftAddress(e: Record<string, unknown>): string | undefined {
  if (typeof e.address === 'string' && e.address !== '') return e.address;
  if (typeof e.type !== 'string' || typeof e.name !== 'string' || !e.type || !e.name) return undefined;
  const mod = typeof e.module_address === 'string' && e.module_address ? `${e.module_address}.` : '';
  return `${mod}${e.mode === 'data' ? 'data.' : ''}${e.type}.${e.name}${indexSuffix(e.index)}`;
}

class PlanReader {
  private readonly root: ConfigModule;
  readonly records: ResourceRecord[] = [];
  /** Safe known attributes of the resources the builder does not read (SAFE_KNOWN). */
  readonly otherKnown = new Map<string, Record<string, Value>>();
  private readonly seen = new Set<string>();
  /** resource_changes by address, with their index (for error paths). */
  private readonly changes = new Map<string, { rc: Record<string, unknown>; index: number }>();

  constructor(
    private readonly doc: Record<string, unknown>,
    private readonly file: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.root = configModule(isObject(doc.configuration) ? doc.configuration.root_module : undefined);
  }

  /** The configuration module for a chain of module calls, or undefined. */
  private moduleFor(names: string[]): ConfigModule | undefined {
    let m: ConfigModule | undefined = this.root;
    for (const n of names) m = m?.calls.get(n)?.module;
    return m;
  }

  /**
   * Resource addresses a list of configuration references points to, from the module instance
   * `modules`: resource references get the instance prefix; `var.x` is followed to the module call;
   * `module.m.output` to the output's expression.
   */
  private resolveRefs(refs: string[], modules: Array<{ name: string; instance: string }>, depth = 0): string[] {
    const prefix = modules.map((m) => `module.${m.instance}.`).join('');
    const out: string[] = [];
    for (const ref of refs) {
      if (NON_RESOURCE_REF.test(ref) || depth > MAX_DEPTH) continue;
      const parts = splitAddress(ref);
      if (parts[0] === 'var') {
        if (modules.length === 0 || !parts[1]) continue;
        const parentMods = modules.slice(0, -1);
        const call = this.moduleFor(parentMods.map((m) => m.name))?.calls.get(modules[modules.length - 1]!.name);
        const expr = own(call?.expressions, parts[1]);
        if (expr) {
          const refs = collectRefs(expr);
          // each.value / count.index: the value comes from the module's for_each or count expression.
          if (refs.some((r) => /^(each|count)\./.test(r))) refs.push(...collectRefs(call?.forEach));
          out.push(...this.resolveRefs(refs, parentMods, depth + 1));
        }
        continue;
      }
      if (parts[0] === 'module') {
        const name = parts[1]?.replace(/\[.*$/, '');
        const outputName = parts[2];
        const call = name ? this.moduleFor(modules.map((m) => m.name))?.calls.get(name) : undefined;
        if (!call || !outputName) continue;
        // Output expressions are in the module's own configuration section (module.outputs).
        const outputs = this.outputsOf(
          modules.map((m) => m.name),
          name!,
        );
        const oexpr = own(outputs, outputName);
        if (isObject(oexpr)) out.push(...this.resolveRefs(collectRefs(oexpr.expression), [...modules, { name: name!, instance: parts[1]! }], depth + 1));
        continue;
      }
      out.push(prefix + ref);
    }
    // Keep the most specific reference per target: terraform lists `x.attr` and `x` both.
    const unique = [...new Set(out)];
    return unique.filter((r) => !unique.some((o) => o !== r && o.startsWith(r + '.')));
  }

  private outputsOf(names: string[], call: string): Record<string, unknown> | undefined {
    let mod: unknown = isObject(this.doc.configuration) ? this.doc.configuration.root_module : undefined;
    for (const n of [...names, call]) {
      const calls: unknown = isObject(mod) ? mod.module_calls : undefined;
      const c: unknown = isObject(calls) ? own(calls, n) : undefined;
      mod = isObject(c) ? c.module : undefined;
    }
    return isObject(mod) && isObject(mod.outputs) ? mod.outputs : undefined;
  }

  private configFor(address: string): {
    cfg: Record<string, unknown> | undefined;
    exprs: Record<string, unknown>;
    modules: Array<{ name: string; instance: string }>;
  } {
    // Root-module addresses (most of a plan) need no parsing: the instance key is the only suffix.
    const { modules, local } = address.startsWith('module.')
      ? parseAddress(address)
      : { modules: [], local: address.endsWith(']') ? address.slice(0, address.indexOf('[')) : address };
    const cfg = (modules.length ? this.moduleFor(modules.map((m) => m.name)) : this.root)?.resources.get(local);
    return { cfg, exprs: cfg && isObject(cfg.expressions) ? cfg.expressions : NO_EXPRESSIONS, modules };
  }

  private changeOf(actions: unknown, at: Array<string | number>): Change {
    if (!Array.isArray(actions)) throw new UserError('must be a list of actions', { file: this.file, jsonPath: jsonPath(at) });
    if (!actions.every((x) => typeof x === 'string'))
      throw new UserError(`must be a list of action names, not [${actions.map(quote).join(', ')}]`, { file: this.file, jsonPath: jsonPath(at) });
    const a = actions.join(',');
    switch (a) {
      case 'create':
        return 'create';
      case 'update':
        return 'update';
      case 'delete':
      case 'forget':
        return 'delete';
      case 'no-op':
        return 'no-op';
      case 'read':
        return 'read';
      case 'delete,create':
      case 'create,delete':
      case 'create,forget':
        return 'replace';
      default:
        throw new UserError(`has an unknown action list [${actions.map(quote).join(', ')}]`, { file: this.file, jsonPath: jsonPath(at) });
    }
  }

  private record(
    r: Record<string, unknown>,
    address: string,
    values: unknown,
    unknown: unknown,
    sensitive: unknown,
    change: Change,
    at: Array<string | number>,
  ): void {
    this.seen.add(address);
    const { cfg, exprs, modules } = this.configFor(address);
    // Undeclared attributes the provider computes: an unknown there is nothing the configuration
    // asked for, and echo attributes duplicate resources declared on their own. Skipped, not copied.
    let skip: Set<string> | undefined;
    if (cfg) {
      if (isObject(unknown)) for (const k of Object.keys(unknown)) if (unknown[k] === true && !Object.hasOwn(exprs, k)) (skip ??= new Set()).add(k);
      for (const k of own(ECHO_ATTRS, String(r.type)) ?? []) if (!Object.hasOwn(exprs, k)) (skip ??= new Set()).add(k);
    }
    const converted = convertValues(values, {
      file: this.file,
      at,
      unknown,
      sensitive,
      ...(skip ? { skip } : {}),
      unresolved: (path) => {
        const refs = collectRefs(exprAt(exprs, path));
        const byInstance = sameInstanceIdiom(refs) ? indexSuffix(r.index) || undefined : undefined;
        if (refs.some((x) => /^(each|count)\./.test(x)) && cfg) refs.push(...collectRefs(cfg.for_each_expression ?? cfg.count_expression));
        const resolved = this.sameInstance(this.resolveRefs(refs, modules), byInstance);
        return new Unresolved(resolved, resolved.length ? `depends on ${resolved.join(', ')}` : 'computed at apply');
      },
    });
    const rec = recordOf(r, address, converted.values, converted.withheld, change, { source: 'plan', file: this.file });
    const drift = this.drifted().get(address);
    if (drift) rec.origin.outOfBand = drift;
    const literal = cfg ? this.literalsOf(cfg, exprs) : undefined;
    if (literal?.size) rec.literal = literal;
    const region = cfg ? this.providerRegion(cfg.provider_config_key) : undefined;
    if (region) rec.providerRegion = region;
    this.records.push(rec);
  }

  /** The region of a provider configuration (`configuration.provider_config[key]`) written as a constant. */
  private providerRegion(key: unknown): string | undefined {
    const all = isObject(this.doc.configuration) ? this.doc.configuration.provider_config : undefined;
    const p = typeof key === 'string' && isObject(all) ? own(all, key) : undefined;
    const expr = isObject(p) && isObject(p.expressions) ? own(p.expressions, 'region') : undefined;
    const v = isObject(expr) ? expr.constant_value : undefined;
    return typeof v === 'string' && v ? v : undefined;
  }

  private readonly literals = new WeakMap<Record<string, unknown>, Set<string>>();

  /** Attributes the configuration writes as constants, once per configuration block (instances share it). */
  private literalsOf(cfg: Record<string, unknown>, exprs: Record<string, unknown>): Set<string> {
    let literal = this.literals.get(cfg);
    if (!literal) {
      literal = new Set<string>();
      for (const [k, e] of Object.entries(exprs)) if (isObject(e) && Object.hasOwn(e, 'constant_value')) literal.add(k);
      this.literals.set(cfg, literal);
    }
    return literal;
  }

  private drift?: Map<string, NonNullable<Origin['outOfBand']>>;

  /** resource_drift: what terraform found changed outside Terraform, by address (names, never values). */
  private drifted(): Map<string, NonNullable<Origin['outOfBand']>> {
    if (this.drift) return this.drift;
    this.drift = new Map();
    const entries = this.doc.resource_drift;
    if (entries === undefined || entries === null) return this.drift;
    if (!Array.isArray(entries)) throw new UserError('must be a list', { file: this.file, jsonPath: '$.resource_drift' });
    entries.forEach((e, i) => {
      // Terraform 1.0 wrote entries without an address: it is built from module_address, mode,
      // type, name and index where they are there; an entry that cannot be read is skipped.
      const at = jsonPath(['resource_drift', i]);
      const address = isObject(e) ? driftAddress(e) : undefined;
      if (!isObject(e) || !address || !isObject(e.change))
        return void this.warn(`${this.file}: ${at}: a resource_drift entry without a readable address or change; skipped`);
      let kind: Change;
      try {
        kind = this.changeOf(e.change.actions, ['resource_drift', i, 'change', 'actions']);
      } catch (err) {
        return void this.warn(`${this.file}: ${at}: ${(err as Error).message}; skipped`);
      }
      const change = kind === 'delete' ? 'delete' : 'update';
      const attributes =
        change === 'delete'
          ? []
          : changedAttributes(e.change.before, e.change.after, unionMarks(e.change.before_sensitive, e.change.after_sensitive)).filter(
              (x) => !this.refreshEcho(e, x),
            );
      if (change === 'delete' || attributes.length) this.drift!.set(address, { change, attributes });
    });
    return this.drift;
  }

  /**
   * Terraform's refresh fills a role's `inline_policy` from the separate aws_iam_role_policy
   * resources of the configuration, and `managed_policy_arns` from its attachments: a
   * resource_drift that only echoes those is nothing changed outside Terraform. It is an echo when
   * every inline policy name (every ARN) before and after refresh is declared that way for the role.
   */
  private refreshEcho(e: Record<string, unknown>, attribute: string): boolean {
    if (e.type !== 'aws_iam_role' || (attribute !== 'inline_policy' && attribute !== 'managed_policy_arns')) return false;
    const ch = e.change as Record<string, unknown>;
    const role = isObject(ch.after) ? ch.after.name : undefined;
    if (typeof role !== 'string') return false;
    const inline = attribute === 'inline_policy';
    const declared = this.declaredForRoles()[inline ? 'inline' : 'attached'].get(role) ?? new Set<string>();
    const items = (side: unknown): unknown[] => {
      const list = isObject(side) ? side[attribute] : undefined;
      return Array.isArray(list) ? list : [];
    };
    const keys = [...items(ch.before), ...items(ch.after)].map((x) => (inline ? (isObject(x) ? x.name : undefined) : x));
    return keys.every((k) => typeof k === 'string' && (declared.has(k) || (inline && k === '')));
  }

  private declaredByRole?: { inline: Map<string, Set<string>>; attached: Map<string, Set<string>> };

  /**
   * Inline policy names (aws_iam_role_policy) and attached policy ARNs
   * (aws_iam_role_policy_attachment) the resource changes declare, by role name: built once, so
   * that judging every drifted role stays linear in the plan (it scanned every change per role).
   */
  private declaredForRoles(): { inline: Map<string, Set<string>>; attached: Map<string, Set<string>> } {
    if (this.declaredByRole) return this.declaredByRole;
    const out = { inline: new Map<string, Set<string>>(), attached: new Map<string, Set<string>>() };
    for (const { rc } of this.changes.values()) {
      const inline = rc.type === 'aws_iam_role_policy';
      if ((!inline && rc.type !== 'aws_iam_role_policy_attachment') || !isObject(rc.change)) continue;
      const v = isObject(rc.change.after) ? rc.change.after : isObject(rc.change.before) ? rc.change.before : {};
      const key = inline ? v.name : v.policy_arn;
      if (typeof v.role !== 'string' || typeof key !== 'string') continue;
      const by = inline ? out.inline : out.attached;
      let set = by.get(v.role);
      if (!set) by.set(v.role, (set = new Set()));
      set.add(key);
    }
    return (this.declaredByRole = out);
  }

  /**
   * `aws_iam_role.feed[each.key]` reaches the plan as the references `aws_iam_role.feed` and
   * `each.key`: the index expression is gone. When the referencing resource is itself instance K
   * and the target has an instance K, that instance is the one meant (the for_each/count idiom);
   * otherwise every instance stays a candidate.
   */
  private sameInstance(refs: string[], key: string | undefined): string[] {
    if (!key) return refs;
    return refs.map((r) => (!r.endsWith(']') && this.changes.has(r + key) ? r + key : r));
  }

  private noteKnown(r: Record<string, unknown>, address: string): void {
    const k = safeKnown(r);
    if (k) this.otherKnown.set(address, k);
  }

  read(): ResourceRecord[] {
    const file = this.file;
    const rcs = this.doc.resource_changes ?? [];
    if (!Array.isArray(rcs)) throw new UserError('must be a list', { file, jsonPath: '$.resource_changes' });
    rcs.forEach((rc, i) => {
      if (!isObject(rc)) throw new UserError('must be an object (a resource change)', { file, jsonPath: jsonPath(['resource_changes', i]) });
      if (rc.deposed !== undefined) return;
      if (typeof rc.address !== 'string' || rc.address === '')
        throw new UserError('must be the resource address', { file, jsonPath: jsonPath(['resource_changes', i, 'address']) });
      if (!isObject(rc.change)) throw new UserError('must be an object', { file, jsonPath: jsonPath(['resource_changes', i, 'change']) });
      this.changes.set(rc.address, { rc, index: i });
    });

    const planned = this.doc.planned_values;
    if (planned !== undefined && planned !== null && !isObject(planned)) throw new UserError('must be an object', { file, jsonPath: '$.planned_values' });
    walkModule(isObject(planned) ? planned.root_module : undefined, file, ['planned_values', 'root_module'], (r, address, at) => {
      const entry = this.changes.get(address);
      const ch = entry && isObject(entry.rc.change) ? entry.rc.change : undefined;
      const change = ch ? this.changeOf(ch.actions, ['resource_changes', entry!.index, 'change', 'actions']) : r.mode === 'data' ? 'read' : 'no-op';
      this.seen.add(address);
      if (!readsResource(r.mode, r.type)) return void this.noteKnown(r, address);
      this.record(r, address, r.values, ch?.after_unknown, unionMarks(r.sensitive_values, ch?.after_sensitive), change, [...at, 'values']);
    });

    // Deleted resources are no longer in planned_values: their last known values are `before`.
    for (const [address, { rc, index: i }] of this.changes) {
      if (this.seen.has(address)) continue;
      const ch = rc.change as Record<string, unknown>;
      const change = this.changeOf(ch.actions, ['resource_changes', i, 'change', 'actions']);
      if (!readsResource(rc.mode, rc.type)) continue;
      if (change === 'delete') {
        this.record(rc, address, ch.before, undefined, ch.before_sensitive, 'delete', ['resource_changes', i, 'change', 'before']);
      } else if (ch.after !== null && ch.after !== undefined) {
        this.record(rc, address, ch.after, ch.after_unknown, ch.after_sensitive, change, ['resource_changes', i, 'change', 'after']);
      }
    }

    // Data sources read while planning (policy documents with known inputs) sit in prior_state.
    const prior = this.doc.prior_state;
    if (isObject(prior) && isObject(prior.values)) {
      walkModule(prior.values.root_module, file, ['prior_state', 'values', 'root_module'], (r, address, at) => {
        if (r.mode !== 'data' || this.seen.has(address)) return;
        if (!readsResource(r.mode, r.type)) return void this.noteKnown(r, address);
        this.record(r, address, r.values, undefined, r.sensitive_values, 'read', [...at, 'values']);
      });
    }
    return this.records;
  }
}

/** Plan document into records (already parsed; `file` names it in errors). */
export function planRecords(doc: unknown, file: string): ResourceRecord[] {
  return new PlanReader(expectPlan(doc, file), file).read();
}

export interface PlanOptions {
  /** Called with a one-line warning for what is skipped (resource_drift entries it cannot read). */
  warn?: (message: string) => void;
  /**
   * The folder of the plan's root module `.tf` files (--tf-dir); default the plan file's folder.
   * Without .tf files there the plan is read alone.
   */
  tfDir?: string;
}

/**
 * The account the plan's AWS providers are pinned to (`allowed_account_ids` written as a constant
 * in `configuration.provider_config`), as synth reads it from the provider block: known only when
 * every AWS provider configuration pins the same single account.
 */
export function planProviderAccount(doc: unknown): string | undefined {
  if (!isObject(doc) || !isObject(doc.configuration) || !isObject(doc.configuration.provider_config)) return undefined;
  const accounts = new Set<string>();
  let providers = 0;
  for (const p of Object.values(doc.configuration.provider_config)) {
    if (!isObject(p) || (typeof p.full_name === 'string' ? !/(^|\/)hashicorp\/aws$/.test(p.full_name) : p.name !== 'aws')) continue;
    providers++;
    const ids = isObject(p.expressions) && isObject(p.expressions.allowed_account_ids) ? p.expressions.allowed_account_ids.constant_value : undefined;
    const pinned = pinnedAccountIds(ids);
    if (pinned.length === 0) return undefined;
    for (const id of pinned) accounts.add(id);
  }
  return providers > 0 && accounts.size === 1 ? [...accounts][0] : undefined;
}

export async function loadPlan(file: string, opts: PlanOptions = {}): Promise<Inventory> {
  let doc: unknown = await readJson(file);
  const reader = new PlanReader(expectPlan(doc, file), file, opts.warn);
  const records = reader.read();
  const dir = opts.tfDir ?? path.dirname(path.resolve(file));
  const configured = await applyConfiguration({ doc: doc as Record<string, unknown>, records, otherKnown: reader.otherKnown, dir });
  // A plan made from cdktf's cdk.tf.json (or other .tf.json files): the templates of what the plan only references.
  applyJsonTemplates(records, dir);
  if (opts.tfDir && !configured) throw new UserError("has no .tf files (--tf-dir names the folder of the plan's root module)", { file: opts.tfDir });
  const account = ownAccount(doc, records, planProviderAccount(doc));
  const pv = isObject(doc) && isObject(doc.planned_values) ? doc.planned_values.outputs : undefined;
  const waivers = waiversFromOutputs(pv, { source: 'plan', file });
  const settings = settingsOf(doc, { source: 'plan', file });
  // The parsed plan is by far the largest object of a run: let it go before building.
  // eslint-disable-next-line no-useless-assignment -- the assignment frees the parsed plan for the collector
  doc = undefined;
  const inv = buildInventory(records, [{ kind: 'plan', file }], { ...account, waivers });
  return withPlainCredentials(inv, records, settings);
}
