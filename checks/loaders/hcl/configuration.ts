/**
 * The configuration beside a plan: the root module's `.tf` files (`--tf-dir`, default the plan
 * file's folder) and the local modules its calls name (`configuration.*.module_calls[].source`),
 * tied to the plan's instance addresses. For one resource instance it says where the block is
 * declared (file and lines) and what an attribute's expression evaluates to, with each/count,
 * module variables, locals and the plan's known values in scope.
 *
 * Facts only: the documents it returns carry placeholders for what the plan does not know; the
 * rules decide.
 */
import path from 'node:path';
import { isObject } from '../../io/files.js';
import { containsUnresolved } from '../policyDocument.js';
import { isSecretAttribute } from '../tfjson.js';
import { isUnresolved, splitAddress, type Value } from '../values.js';
import { Evaluator, findOpaque, opaque, setTemplateParser, type Scope } from './evaluate.js';
import { hclParser, tfFiles, type HclBlock, type HclModule, type HclParser } from './parser.js';
import { renderPolicyDocument } from './policyDocumentBlock.js';

/** What the plan tells the configuration. */
export interface PlanFacts {
  /** Root module variables the plan knows (never sensitive ones). */
  variables: Map<string, Value>;
  /** The known value of an instance address at an attribute path (undefined: not known). */
  known(address: string, attrs: Array<string | number>): Value | undefined;
}

interface ModuleNode {
  mod: HclModule;
  /** Child module configurations by call name. */
  calls: Map<string, ModuleNode>;
}

interface Instance {
  node: ModuleNode;
  prefix: string;
  parent?: Instance;
  /** The call block in the parent, and this instance's key (for_each key or count index). */
  call?: HclBlock;
  key?: Value;
  vars: Map<string, Value>;
  locals: Map<string, Value | null>;
  constLocals: Map<string, Value | null>;
}

/** A source that is a local path (`./modules/x`, `../shared`): the only modules read. */
const isLocalSource = (s: unknown): s is string => typeof s === 'string' && /^\.\.?[\\/]/.test(s);

const MAX_MODULE_DEPTH = 16;

/** `["k"]` / `[0]` suffix of an address segment into its key. */
function keyOf(segment: string): Value | undefined {
  const i = segment.indexOf('[');
  if (i < 0 || !segment.endsWith(']')) return undefined;
  const inner = segment.slice(i + 1, -1);
  if (/^\d+$/.test(inner)) return Number(inner);
  try {
    const k: unknown = JSON.parse(inner);
    return typeof k === 'string' ? k : undefined;
  } catch {
    return undefined;
  }
}

const baseName = (segment: string) => segment.replace(/\[.*$/, '');

export class TfConfiguration {
  private readonly instances = new Map<string, Instance>();
  private readonly evaluator = new Evaluator();
  /** Policy document data sources rendered so far (null while one is being rendered: a cycle). */
  private readonly documents = new Map<string, Value | null>();

  private constructor(
    private readonly parser: HclParser,
    private readonly root: ModuleNode,
    private readonly facts: PlanFacts,
  ) {
    setTemplateParser((t) => parser.parseTemplate(t));
  }

  /**
   * Reads the root module folder and the local modules the plan's configuration calls; undefined
   * when the folder has no .tf files (then everything works as without a configuration).
   */
  static async load(rootDir: string, planConfiguration: unknown, facts: PlanFacts): Promise<TfConfiguration | undefined> {
    if (tfFiles(rootDir).length === 0) return undefined;
    const parser = await hclParser();
    const read = (dir: string, cfg: unknown, depth: number): ModuleNode | undefined => {
      const mod = parser.parseModule(dir);
      if (!mod) return undefined;
      const node: ModuleNode = { mod, calls: new Map() };
      if (depth >= MAX_MODULE_DEPTH) return node;
      const calls = isObject(cfg) && isObject(cfg.module_calls) ? cfg.module_calls : {};
      for (const name of new Set([...Object.keys(calls), ...mod.modules.keys()])) {
        const call = calls[name];
        const planSource = isObject(call) ? call.source : undefined;
        const hclSource = mod.modules.get(name)?.attrs.get('source')?.text.replace(/^"|"$/g, '');
        const source = isLocalSource(planSource) ? planSource : isLocalSource(hclSource) ? hclSource : undefined;
        if (!source) continue;
        const child = read(path.resolve(dir, source), isObject(call) ? call.module : undefined, depth + 1);
        if (child) node.calls.set(name, child);
      }
      return node;
    };
    const root = read(path.resolve(rootDir), isObject(planConfiguration) ? planConfiguration.root_module : undefined, 0);
    return root ? new TfConfiguration(parser, root, facts) : undefined;
  }

  dispose(): void {
    this.parser.dispose();
  }

  /** The module instance for `module.a["k"].module.b.` segments, creating its scope on first use. */
  private instance(segments: string[]): Instance | undefined {
    let inst = this.instances.get('') ?? this.newInstance(this.root, '', undefined, undefined, undefined);
    for (const seg of segments) {
      const prefix = `${inst.prefix}module.${seg}.`;
      const known = this.instances.get(prefix);
      if (known) {
        inst = known;
        continue;
      }
      const name = baseName(seg);
      const child = inst.node.calls.get(name);
      const call = inst.node.mod.modules.get(name);
      if (!child || !call) return undefined;
      inst = this.newInstance(child, prefix, inst, call, keyOf(seg));
    }
    return inst;
  }

  private newInstance(node: ModuleNode, prefix: string, parent: Instance | undefined, call: HclBlock | undefined, key: Value | undefined): Instance {
    const inst: Instance = { node, prefix, vars: new Map(), locals: new Map(), constLocals: new Map() };
    if (parent) inst.parent = parent;
    if (call) inst.call = call;
    if (key !== undefined) inst.key = key;
    this.instances.set(prefix, inst);
    return inst;
  }

  /** each/count of an instance of a block with for_each or count, evaluated in `scope`. */
  private iteration(block: HclBlock, key: Value | undefined, scope: Scope): Pick<Scope, 'each' | 'count'> {
    if (key === undefined) return {};
    const fe = block.attrs.get('for_each');
    if (fe) {
      const all = this.evaluator.evaluate(fe, scope);
      let value: Value = opaque('the for_each value is known only after apply');
      if (Array.isArray(all)) value = key;
      else if (all && typeof all === 'object' && !isUnresolved(all) && typeof key === 'string' && Object.hasOwn(all, key)) value = all[key]!;
      return { each: { key, value } };
    }
    return typeof key === 'number' && block.attrs.has('count') ? { count: key } : {};
  }

  /** The evaluation scope of a module instance (without each/count). */
  private scope(inst: Instance, constant = false): Scope {
    return {
      prefix: inst.prefix,
      dir: inst.node.mod.dir,
      rootDir: this.root.mod.dir,
      variable: (name) => (constant ? opaque(`var.${name} is not written in the code`) : this.variable(inst, name)),
      local: (name) => this.local(inst, name, constant),
      known: (address, attrs) => (constant ? undefined : this.facts.known(address, attrs)),
      policyDocument: (address) => (constant ? opaque('a policy document is not written in the code') : this.policyDocument(address)),
      moduleOutput: (name, key, output) => {
        if (constant) return opaque('a module output is not written in the code');
        const seg = key === undefined ? name : `${name}[${typeof key === 'number' ? key : JSON.stringify(key)}]`;
        const child = this.instance([...splitAddress(inst.prefix).filter((_, i) => i % 2 === 1), seg]);
        const out = child?.node.mod.outputs.get(output)?.attrs.get('value');
        return child && out ? this.evaluator.evaluate(out, this.scope(child)) : opaque(`module.${name}.${output} is not known`);
      },
    };
  }

  private variable(inst: Instance, name: string): Value {
    const cached = inst.vars.get(name);
    if (cached !== undefined) return cached;
    let v: Value | undefined;
    if (!inst.parent) {
      v = this.facts.variables.get(name);
    } else if (inst.call) {
      const arg = inst.call.attrs.get(name);
      if (arg) {
        const parentScope = this.scope(inst.parent);
        v = this.evaluator.evaluate(arg, { ...parentScope, ...this.iteration(inst.call, inst.key, parentScope) });
      }
    }
    if (v === undefined) {
      const def = inst.node.mod.variables.get(name)?.attrs.get('default');
      v = def ? this.evaluator.evaluate(def, this.scope(inst)) : opaque(`var.${name} is not known`);
    }
    // A sensitive variable's value never enters a document (nor the Inventory).
    const decl = inst.node.mod.variables.get(name);
    if (decl?.attrs.get('sensitive')?.text === 'true' || isSecretAttribute(name)) v = opaque(`var.${name} is sensitive`);
    inst.vars.set(name, v);
    return v;
  }

  private local(inst: Instance, name: string, constant: boolean): Value {
    const memo = constant ? inst.constLocals : inst.locals;
    if (memo.has(name)) return memo.get(name) ?? opaque(`local.${name} refers to itself`);
    const expr = inst.node.mod.locals.get(name);
    if (!expr) return opaque(`local.${name} is not declared`);
    memo.set(name, null);
    const v = this.evaluator.evaluate(expr, this.scope(inst, constant));
    memo.set(name, v);
    return v;
  }

  /** An `aws_iam_policy_document` data source's json rendered from its block; undefined when not declared. */
  private policyDocument(address: string): Value | undefined {
    if (this.documents.has(address)) return this.documents.get(address) ?? opaque(`${address} refers to itself`);
    const hit = this.locate(address);
    if (!hit || hit.block.type !== 'data') return undefined;
    this.documents.set(address, null);
    const scope = this.scope(hit.inst);
    const base: Scope = { ...scope, ...this.iteration(hit.block, hit.key, scope) };
    const v = renderPolicyDocument(hit.block, (expr, bindings) =>
      this.evaluator.evaluate(expr, bindings && bindings.size ? { ...base, bindings: new Map([...(base.bindings ?? []), ...bindings]) } : base),
    );
    this.documents.set(address, v);
    return v;
  }

  /** The declaring block of a resource instance address, with its module instance. */
  locate(address: string): { block: HclBlock; inst: Instance; key: Value | undefined } | undefined {
    const parts = splitAddress(address);
    const modules: string[] = [];
    let i = 0;
    while (parts[i] === 'module' && i + 1 < parts.length) {
      modules.push(parts[i + 1]!);
      i += 2;
    }
    const rest = parts.slice(i);
    const last = rest[rest.length - 1];
    if (!last) return undefined;
    const key = keyOf(last);
    rest[rest.length - 1] = baseName(last);
    const inst = this.instance(modules);
    const block = inst?.node.mod.resources.get(rest.join('.'));
    return inst && block ? { block, inst, key } : undefined;
  }

  /** Where a resource instance is declared: its .tf file and line range. */
  where(address: string): HclBlock['range'] | undefined {
    return this.locate(address)?.block.range;
  }

  /**
   * Where each `statement` block of a policy document data source is declared, in order; none
   * when the document is not its own statement blocks alone (dynamic blocks, source or override
   * documents): then no position is certain.
   */
  statementRanges(address: string): Array<HclBlock['range']> | undefined {
    const block = this.locate(address)?.block;
    if (!block || block.broken) return undefined;
    if (block.blocks.some((b) => b.type === 'dynamic')) return undefined;
    for (const a of ['source_json', 'source_policy_documents', 'override_json', 'override_policy_documents']) if (block.attrs.has(a)) return undefined;
    return block.blocks.filter((b) => b.type === 'statement').map((b) => b.range);
  }

  /** The expression of an attribute path (`policy`, `inline_policy.0.policy`) inside a block. */
  private expressionAt(block: HclBlock, at: Array<string | number>) {
    let b: HclBlock | undefined = block;
    for (let i = 0; i < at.length - 1; i += 2) {
      const nested: HclBlock[] = b.blocks.filter((x) => x.type === at[i]);
      // A dynamic block, or a count that differs from the plan's: the position is not the block's.
      if (b.blocks.some((x) => x.type === 'dynamic')) return undefined;
      b = typeof at[i + 1] === 'number' ? nested[at[i + 1] as number] : undefined;
      if (!b) return undefined;
    }
    return b.broken ? undefined : b.attrs.get(String(at[at.length - 1]));
  }

  /** How many `type` blocks a resource writes; undefined when not known (a dynamic block, no declaration). */
  nestedBlocks(address: string, type: string): number | undefined {
    const hit = this.locate(address);
    if (!hit || hit.block.broken || hit.block.blocks.some((b) => b.type === 'dynamic')) return undefined;
    return hit.block.blocks.filter((b) => b.type === type).length;
  }

  /** The value of an attribute of a resource instance as its configuration evaluates; undefined when not declared. */
  evaluate(address: string, at: Array<string | number>): Value | undefined {
    const hit = this.locate(address);
    if (!hit) return undefined;
    const expr = this.expressionAt(hit.block, at);
    if (!expr) return undefined;
    const scope = this.scope(hit.inst);
    this.evaluator.reset();
    return this.evaluator.evaluate(expr, { ...scope, ...this.iteration(hit.block, hit.key, scope) });
  }

  /**
   * True when an attribute is written as a constant in the code: it evaluates without variables,
   * references or module outputs (literals, locals of literals, jsonencode of constants...). The
   * value itself is dropped at once: only the fact is returned.
   */
  isConstant(address: string, attr: string): boolean {
    const hit = this.locate(address);
    const expr = hit ? this.expressionAt(hit.block, [attr]) : undefined;
    if (!hit || !expr) return false;
    const scope = this.scope(hit.inst, true);
    this.evaluator.reset();
    const v = this.evaluator.evaluate(expr, { ...scope, ...this.iteration(hit.block, hit.key, scope) });
    return v !== null && !findOpaque(v) && !containsUnresolved(v);
  }
}
