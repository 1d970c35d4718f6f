/**
 * Evaluates HCL expressions (tree-sitter nodes) to record Values, as far as the configuration and
 * the plan know them: literals, objects, tuples, template strings and heredocs, `for`
 * expressions, conditionals, operators, locals, variables, each/count and a small set of pure
 * functions (jsonencode, merge, concat, templatefile, ...).
 *
 * What is not known comes back as an Unresolved, in two kinds (see the placeholder convention in
 * checks/model.ts):
 * - a placeholder: a reference to a resource attribute the plan does not know. Its `text` is
 *   `${<address>.<attribute>}` (module-prefixed, `${aws_s3_bucket.derm_images.arn}`), and a string
 *   built around it keeps the placeholder inside (`${aws_s3_bucket.derm_images.arn}/*`);
 * - opaque (no `text`): the structure itself is unknown (a function not evaluated here, a file
 *   that cannot be read, a condition on an unknown value). Anything built from it is opaque too.
 *
 * Never throws on input: an expression that cannot be evaluated is opaque, with the reason.
 */
import { dict } from '../../dict.js';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { isUnresolved, Unresolved, type Value } from '../values.js';
import { kids, named } from './parser.js';

/** Work limits: evaluation steps per expression, nesting depth, and the longest string built. */
const MAX_STEPS = 200_000;
const MAX_DEPTH = 64;
const MAX_STRING = 1024 * 1024;
const MAX_TEMPLATE_FILE = 1024 * 1024;

export interface Scope {
  /** Instance prefix of the module (`module.a["k"].`), '' at the root. */
  prefix: string;
  /** The module folder (path.module) and the root module folder (path.root, relative paths). */
  dir: string;
  rootDir: string;
  /** A variable's value (the plan's, the module call's, or the default); opaque when unknown. */
  variable(name: string): Value;
  local(name: string): Value;
  /** What the plan knows of `address` (an instance address) at an attribute path; undefined: not known. */
  known(address: string, attrs: Array<string | number>): Value | undefined;
  /**
   * The `json` of an `aws_iam_policy_document` data source (an instance address) that the plan
   * does not know, rendered from its block; undefined when the configuration does not declare it.
   */
  policyDocument?(address: string): Value | undefined;
  /** A module call's output (`module.NAME[key].OUTPUT`); opaque when not evaluated. */
  moduleOutput(name: string, key: Value | undefined, output: string): Value;
  each?: { key: Value; value: Value };
  count?: number;
  /** For-expression and templatefile variables. */
  bindings?: Map<string, Value>;
  /** A template file's own folder is not a module: templatefile variables only. */
  templateOnly?: boolean;
}

export function opaque(reason: string): Unresolved {
  return new Unresolved([], reason);
}

export function isOpaque(v: unknown): v is Unresolved {
  return isUnresolved(v) && v.text === undefined;
}

/** A placeholder for a reference the plan does not know. */
export function placeholderFor(ref: string): Unresolved {
  return new Unresolved([ref], `depends on ${ref}`, `\${${ref}}`);
}

/** The first opaque value inside v, if any. */
export function findOpaque(v: Value, depth = 0): Unresolved | undefined {
  if (isOpaque(v)) return v;
  if (depth > MAX_DEPTH) return opaque('nested too deep');
  if (Array.isArray(v)) {
    for (const x of v) {
      const o = findOpaque(x, depth + 1);
      if (o) return o;
    }
  } else if (v && typeof v === 'object' && !isUnresolved(v)) {
    for (const k in v) {
      const o = findOpaque(v[k]!, depth + 1);
      if (o) return o;
    }
  }
  return undefined;
}

/** References (placeholders) inside v, deduplicated. */
export function refsIn(v: Value, out: string[] = [], depth = 0): string[] {
  if (depth > MAX_DEPTH) return out;
  if (isUnresolved(v)) {
    for (const r of v.refs) if (!out.includes(r)) out.push(r);
  } else if (Array.isArray(v)) for (const x of v) refsIn(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const k in v) refsIn(v[k]!, out, depth + 1);
  return out;
}

const newObject = (): Record<string, Value> => dict<Value>();

const isMap = (v: Value): v is Record<string, Value> => !!v && typeof v === 'object' && !Array.isArray(v) && !isUnresolved(v);

/** Terraform's jsonencode: object keys sorted; placeholders become their text. Opaque when any part is. */
export function jsonencode(v: Value): Value {
  const o = findOpaque(v);
  if (o) return o;
  const enc = (x: Value): string => {
    if (isUnresolved(x)) return JSON.stringify(x.text);
    if (Array.isArray(x)) return `[${x.map(enc).join(',')}]`;
    if (isMap(x))
      return `{${Object.keys(x)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${enc(x[k]!)}`)
        .join(',')}}`;
    return JSON.stringify(x);
  };
  const text = enc(v);
  if (text.length > MAX_STRING) return opaque('the encoded document is too large to evaluate');
  const refs = refsIn(v);
  return refs.length ? new Unresolved(refs, `depends on ${refs.join(', ')}`, text) : text;
}

/** Concatenation of template parts: a string, a string with placeholders, or opaque. */
function concat(parts: Value[]): Value {
  let text = '';
  const refs: string[] = [];
  for (const p of parts) {
    if (isOpaque(p)) return p;
    if (isUnresolved(p)) {
      text += p.text;
      for (const r of p.refs) if (!refs.includes(r)) refs.push(r);
    } else if (typeof p === 'string') text += p;
    else if (typeof p === 'number' || typeof p === 'boolean') text += String(p);
    else return opaque('a template interpolates a list, an object or null');
    if (text.length > MAX_STRING) return opaque('a template is too long to evaluate');
  }
  return refs.length ? new Unresolved(refs, `depends on ${refs.join(', ')}`, text) : text;
}

/** Backslash escapes of a quoted HCL string, and the `$${` / `%%{` escapes of every template. */
function unescapeQuoted(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    if (e.length > 1) {
      const cp = parseInt(e.slice(1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
  });
}

const unescapeTemplate = (s: string) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

export class Evaluator {
  private steps = 0;

  constructor(private readonly src: (n: Node) => string = (n) => n.text) {}

  /** Starts the step budget anew (one attribute's evaluation; locals and variables are memoized). */
  reset(): void {
    this.steps = 0;
  }

  evaluate(node: Node, scope: Scope, depth = 0): Value {
    if (++this.steps > MAX_STEPS) return opaque('the expression is too large to evaluate');
    if (depth > MAX_DEPTH) return opaque('the expression is nested too deep');
    if (node.hasError) return opaque('the configuration could not be parsed here');
    switch (node.type) {
      case 'expression':
        return this.expression(node, scope, depth);
      case 'literal_value':
        return this.literal(node);
      case 'template_expr':
        return this.template(node.firstNamedChild!, scope, depth);
      case 'collection_value':
        return this.collection(node.firstNamedChild!, scope, depth);
      case 'function_call':
        return this.call(node, scope, depth);
      case 'for_expr':
        return this.forExpr(node.firstNamedChild!, scope, depth);
      case 'conditional':
        return this.conditional(node, scope, depth);
      case 'operation':
        return this.operation(node.firstNamedChild!, scope, depth);
      case 'variable_expr':
        return this.traversal([node], scope, depth);
      default:
        return opaque(`${node.type} expressions are not evaluated`);
    }
  }

  private expression(node: Node, scope: Scope, depth: number): Value {
    return this.chain(
      named(node).filter((c) => c.type !== 'comment'),
      scope,
      depth,
    );
  }

  /** A value followed by its attribute/index/splat steps (an expression's or an operand's nodes). */
  private chain(parts: Node[], scope: Scope, depth: number): Value {
    if (parts.length === 0) return opaque('empty expression');
    // A parenthesized expression, or a value followed by attribute/index/splat steps.
    if (parts[0]!.type === 'variable_expr') return this.traversal(parts, scope, depth);
    const base = this.evaluate(parts[0]!, scope, depth + 1);
    return this.steps_(base, parts.slice(1), scope, depth);
  }

  private literal(node: Node): Value {
    const c = node.firstNamedChild;
    if (!c) return opaque('empty literal');
    switch (c.type) {
      case 'numeric_lit':
        return Number(c.text);
      case 'bool_lit':
        return c.text === 'true';
      case 'null_lit':
        return null;
      case 'string_lit': {
        const start = kids(c).find((x) => x.type === 'quoted_template_start');
        const end = kids(c).find((x) => x.type === 'quoted_template_end');
        const whole = this.src(c);
        const raw = start && end ? whole.slice(start.endIndex - c.startIndex, end.startIndex - c.startIndex) : '';
        return unescapeTemplate(unescapeQuoted(raw));
      }
      default:
        return opaque(`${c.type} is not evaluated`);
    }
  }

  /** Quoted templates and heredocs: literal pieces are the source between the interpolations. */
  private template(node: Node, scope: Scope, depth: number): Value {
    const whole = this.src(node);
    const at = (i: number) => i - node.startIndex;
    const heredoc = node.type === 'heredoc_template';
    let from: number;
    let to: number;
    let indent = 0;
    if (heredoc) {
      const ids = kids(node).filter((x) => x.type === 'heredoc_identifier');
      if (ids.length < 2) return opaque('unterminated heredoc');
      const nl = whole.indexOf('\n', at(ids[0]!.endIndex));
      from = nl < 0 ? at(ids[0]!.endIndex) : nl + 1;
      to = whole.lastIndexOf('\n', at(ids[ids.length - 1]!.startIndex)) + 1;
      if (to < from) to = from;
      if (kids(node).some((x) => x.type === 'heredoc_start' && x.text.includes('-'))) {
        const lines = whole
          .slice(from, to)
          .split('\n')
          .filter((l) => l.trim() !== '');
        indent = lines.length ? Math.min(...lines.map((l) => /^[ \t]*/.exec(l)![0].length)) : 0;
      }
    } else {
      const s = kids(node).find((x) => x.type === 'quoted_template_start');
      const e = kids(node).find((x) => x.type === 'quoted_template_end');
      if (!s || !e) return opaque('unterminated string');
      from = at(s.endIndex);
      to = at(e.startIndex);
    }
    const parts: Value[] = [];
    let cursor = from;
    const strip = (l: string) => l.slice(Math.min(indent, /^[ \t]*/.exec(l)![0].length));
    const literal = (text: string, atLineStart: boolean) => {
      let t = heredoc ? text : unescapeQuoted(text);
      if (indent)
        t = t
          .split('\n')
          .map((l, i) => (i > 0 || atLineStart ? strip(l) : l))
          .join('\n');
      parts.push(unescapeTemplate(t));
    };
    for (const c of named(node)) {
      if (!c) continue;
      if (c.type === 'template_directive') return opaque('template directives (%{ if }, %{ for }) are not evaluated');
      if (c.type !== 'template_interpolation') continue;
      literal(whole.slice(cursor, at(c.startIndex)), cursor === from);
      const e = named(c).find((x) => x?.type === 'expression');
      parts.push(e ? this.evaluate(e, scope, depth + 1) : opaque('empty interpolation'));
      cursor = at(c.endIndex);
    }
    literal(whole.slice(cursor, to), cursor === from);
    return concat(parts.filter((p) => p !== ''));
  }

  private collection(node: Node, scope: Scope, depth: number): Value {
    if (node.type === 'tuple')
      return named(node)
        .filter((c) => c?.type === 'expression')
        .map((c) => this.evaluate(c, scope, depth + 1));
    const out = newObject();
    for (const el of named(node)) {
      if (el?.type !== 'object_elem') continue;
      const k = el.childForFieldName('key');
      const v = el.childForFieldName('val');
      if (!k || !v) return opaque('incomplete object element');
      const key = this.objectKey(k, scope, depth);
      if (typeof key !== 'string') return opaque('an object key is known only after apply');
      out[key] = this.evaluate(v, scope, depth + 1);
    }
    return out;
  }

  /** `{ name = ... }` takes the identifier literally; `{ (expr) = ... }` and `{ "k" = ... }` evaluate. */
  private objectKey(k: Node, scope: Scope, depth: number): Value {
    const inner = named(k);
    if (inner.length === 1 && inner[0]!.type === 'variable_expr') return inner[0]!.text;
    const v = this.evaluate(k, scope, depth + 1);
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  }

  /** `var.x`, `local.y`, `each.value.z`, `aws_s3_bucket.b["k"].arn`, `data.t.n.json`, `module.m.out`, bound names. */
  private traversal(kids: Node[], scope: Scope, depth: number): Value {
    const root = kids[0]!.text;
    const rest = kids.slice(1);
    const attrName = (n: Node | undefined) => (n?.type === 'get_attr' ? named(n).find((x) => x?.type === 'identifier')?.text : undefined);
    if (scope.bindings?.has(root)) return this.steps_(scope.bindings.get(root)!, rest, scope, depth);
    if (scope.templateOnly) return opaque(`${root} is not a variable of the template`);
    switch (root) {
      case 'var': {
        const name = attrName(rest[0]);
        return name ? this.steps_(scope.variable(name), rest.slice(1), scope, depth) : opaque('var without a name');
      }
      case 'local': {
        const name = attrName(rest[0]);
        return name ? this.steps_(scope.local(name), rest.slice(1), scope, depth) : opaque('local without a name');
      }
      case 'each': {
        const name = attrName(rest[0]);
        if (!scope.each || (name !== 'key' && name !== 'value')) return opaque('each is not known here');
        return this.steps_(scope.each[name], rest.slice(1), scope, depth);
      }
      case 'count':
        return attrName(rest[0]) === 'index' && scope.count !== undefined ? scope.count : opaque('count is not known here');
      case 'path': {
        const name = attrName(rest[0]);
        return name === 'module' ? scope.dir : name === 'root' || name === 'cwd' ? scope.rootDir : opaque(`path.${name} is not known`);
      }
      case 'terraform':
      case 'self':
        return opaque(`${root} is not evaluated`);
      case 'module': {
        const name = attrName(rest[0]);
        if (!name) return opaque('module without a name');
        let i = 1;
        let key: Value | undefined;
        if (rest[i]?.type === 'index') key = this.index(rest[i++]!, scope, depth);
        const output = attrName(rest[i]);
        if (!output) return opaque(`module.${name} is used whole`);
        return this.steps_(scope.moduleOutput(name, key, output), rest.slice(i + 1), scope, depth);
      }
      default:
        return this.resourceRef(root, rest, scope, depth);
    }
  }

  private resourceRef(root: string, rest: Node[], scope: Scope, depth: number): Value {
    const attrName = (n: Node | undefined) => (n?.type === 'get_attr' ? named(n).find((x) => x?.type === 'identifier')?.text : undefined);
    let i: number;
    let address: string;
    if (root === 'data') {
      const t = attrName(rest[0]);
      const n = attrName(rest[1]);
      if (!t || !n) return opaque('an incomplete data source reference');
      address = `data.${t}.${n}`;
      i = 2;
    } else {
      const n = attrName(rest[0]);
      if (!n) return opaque(`${root} is not a reference`);
      address = `${root}.${n}`;
      i = 1;
    }
    address = scope.prefix + address;
    let splat = false;
    if (rest[i]?.type === 'index') {
      const key = this.index(rest[i]!, scope, depth);
      if (typeof key === 'string') address += `[${JSON.stringify(key)}]`;
      else if (typeof key === 'number') address += `[${key}]`;
      i++;
    } else if (rest[i]?.type === 'splat') {
      splat = true;
      i++;
    }
    // The attribute path after the instance: names, and literal indexes.
    const attrs: Array<string | number> = [];
    for (; i < rest.length; i++) {
      const name = attrName(rest[i]);
      if (name) attrs.push(name);
      else if (rest[i]!.type === 'index') {
        const k = this.index(rest[i]!, scope, depth);
        if (typeof k === 'string' || typeof k === 'number') attrs.push(k);
        else break;
      } else break;
    }
    if (splat && rest[i - 1]?.type === 'splat') {
      // `aws_x.y[*].arn`: the splat's own steps name the attribute.
      const inner = rest[i - 1]!.namedChildren[0];
      for (const c of inner?.namedChildren ?? []) {
        const name = attrName(c ?? undefined);
        if (name) attrs.push(name);
      }
    }
    if (!splat) {
      const known = scope.known(address, attrs);
      if (known !== undefined && !isUnresolved(known)) return this.steps_(known, rest.slice(i), scope, depth);
      // A policy document the plan reads only at apply: rendered from its block, as the provider would.
      if (root === 'data' && attrName(rest[0]) === 'aws_iam_policy_document' && attrs.length === 1 && (attrs[0] === 'json' || attrs[0] === 'minified_json')) {
        const doc = scope.policyDocument?.(address);
        if (doc !== undefined) return this.steps_(doc, rest.slice(i), scope, depth);
      }
    }
    const ref = address + attrs.map((a) => (typeof a === 'number' ? `[${a}]` : `.${a}`)).join('');
    return i < rest.length ? opaque(`${ref} is indexed by a value known only after apply`) : placeholderFor(ref);
  }

  private index(n: Node, scope: Scope, depth: number): Value {
    const inner = named(n)[0];
    if (inner?.type === 'legacy_index') return Number(inner.text.replace(/^\./, ''));
    const e = inner?.namedChildren.find((x) => x?.type === 'expression');
    return e ? this.evaluate(e, scope, depth + 1) : opaque('empty index');
  }

  /** Applies `.attr`, `[index]` and splat steps to a value. */
  private steps_(base: Value, steps: Node[], scope: Scope, depth: number): Value {
    let v = base;
    for (const s of steps) {
      if (isOpaque(v)) return v;
      if (s.type === 'get_attr' || s.type === 'index') {
        const key = s.type === 'get_attr' ? (named(s).find((x) => x?.type === 'identifier')?.text ?? '') : this.index(s, scope, depth);
        if (isUnresolved(v)) {
          // A placeholder standing for a whole resource or object: the attribute extends its reference.
          if (v.refs.length === 1 && v.text === `\${${v.refs[0]}}` && (typeof key === 'string' || typeof key === 'number')) {
            v = placeholderFor(v.refs[0] + (typeof key === 'number' ? `[${key}]` : s.type === 'index' ? `[${JSON.stringify(key)}]` : `.${key}`));
            continue;
          }
          return opaque('an attribute of a value known only after apply');
        }
        if (Array.isArray(v) && typeof key === 'number') v = v[key] ?? opaque(`index ${key} is out of range`);
        else if (isMap(v) && (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(v, String(key))) v = v[String(key)]!;
        else return opaque('an attribute or index that the value does not have');
      } else if (s.type === 'splat') {
        const inner = named(s)[0];
        const list = Array.isArray(v) ? v : v === null ? [] : [v];
        const rest = (inner?.namedChildren ?? []).filter((x): x is Node => !!x);
        v = list.map((x) => this.steps_(x, rest, scope, depth + 1));
      } else return opaque(`${s.type} is not evaluated`);
    }
    return v;
  }

  private conditional(node: Node, scope: Scope, depth: number): Value {
    const [c, t, f] = named(node).filter((x) => x?.type === 'expression');
    if (!c || !t || !f) return opaque('incomplete conditional');
    const cond = this.evaluate(c, scope, depth + 1);
    if (typeof cond !== 'boolean') return opaque('a condition known only after apply');
    return this.evaluate(cond ? t : f, scope, depth + 1);
  }

  private operation(node: Node, scope: Scope, depth: number): Value {
    // Operands are node sequences (`var.env` is a variable_expr and a get_attr) around the operator token.
    const all = kids(node).filter((c) => c.type !== 'comment');
    const opIndex = all.findIndex((x) => !x.isNamed);
    const op = opIndex >= 0 ? all[opIndex]!.text : '';
    const groups = node.type === 'unary_operation' ? [all.slice(opIndex + 1)] : [all.slice(0, opIndex), all.slice(opIndex + 1)];
    const vals = groups.map((g) => this.chain(g, scope, depth + 1));
    if (vals.some(isUnresolved)) return opaque('an operation on a value known only after apply');
    if (node.type === 'unary_operation') {
      const [a] = vals;
      if (op === '!' && typeof a === 'boolean') return !a;
      if (op === '-' && typeof a === 'number') return -a;
      return opaque(`operator ${op} is not evaluated`);
    }
    const [a, b] = vals as [Value, Value];
    switch (op) {
      case '==':
        return JSON.stringify(a) === JSON.stringify(b);
      case '!=':
        return JSON.stringify(a) !== JSON.stringify(b);
      case '&&':
        return typeof a === 'boolean' && typeof b === 'boolean' ? a && b : opaque('&& of non-booleans');
      case '||':
        return typeof a === 'boolean' && typeof b === 'boolean' ? a || b : opaque('|| of non-booleans');
    }
    if (typeof a !== 'number' || typeof b !== 'number') return opaque(`operator ${op} on non-numbers`);
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      case '%':
        return a % b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
      default:
        return opaque(`operator ${op} is not evaluated`);
    }
  }

  private forExpr(node: Node, scope: Scope, depth: number): Value {
    const intro = named(node).find((x) => x?.type === 'for_intro');
    if (!intro) return opaque('incomplete for expression');
    const names = named(intro)
      .filter((x) => x?.type === 'identifier')
      .map((x) => x.text);
    const collExpr = named(intro).find((x) => x?.type === 'expression');
    const coll = collExpr ? this.evaluate(collExpr, scope, depth + 1) : opaque('for without a collection');
    if (isUnresolved(coll)) return opaque('a for expression over a value known only after apply');
    const entries: Array<[Value, Value]> = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : isMap(coll) ? Object.keys(coll).map((k) => [k, coll[k]!]) : [];
    const bodies = named(node).filter((x): x is Node => x?.type === 'expression');
    const cond = named(node).find((x) => x.type === 'for_cond');
    const condExpr = cond ? named(cond).find((x) => x.type === 'expression') : undefined;
    const grouped = kids(node).some((x) => x.type === 'ellipsis');
    const objectFor = node.type === 'for_object_expr';
    const tuple: Value[] = [];
    const obj = newObject();
    for (const [k, v] of entries) {
      const bindings = new Map(scope.bindings ?? []);
      if (names.length >= 2) {
        bindings.set(names[0]!, k);
        bindings.set(names[1]!, v);
      } else if (names[0]) bindings.set(names[0], v);
      const inner: Scope = { ...scope, bindings };
      if (condExpr) {
        const c = this.evaluate(condExpr, inner, depth + 1);
        if (typeof c !== 'boolean') return opaque('a for condition known only after apply');
        if (!c) continue;
      }
      if (objectFor) {
        const key = bodies[0] ? this.evaluate(bodies[0], inner, depth + 1) : opaque('no key');
        const val = bodies[1] ? this.evaluate(bodies[1], inner, depth + 1) : opaque('no value');
        if (typeof key !== 'string') return opaque('a for expression key known only after apply');
        if (grouped) obj[key] = [...((obj[key] as Value[] | undefined) ?? []), val];
        else obj[key] = val;
      } else tuple.push(bodies[0] ? this.evaluate(bodies[0], inner, depth + 1) : opaque('no value'));
    }
    return objectFor ? obj : tuple;
  }

  private call(node: Node, scope: Scope, depth: number): Value {
    const name = named(node).find((x) => x?.type === 'identifier')?.text ?? '';
    const argsNode = named(node).find((x) => x?.type === 'function_arguments');
    const argNodes = (argsNode?.namedChildren.filter((x) => x?.type === 'expression') ?? []) as Node[];
    if (argsNode?.namedChildren.some((x) => x?.type === 'ellipsis')) return opaque(`${name}(...) with an expanded argument is not evaluated`);
    const args = () => argNodes.map((a) => this.evaluate(a, scope, depth + 1));
    return callFunction(name, args, scope, this, depth);
  }

  /** A template file's text evaluated with its variables. */
  templateText(text: string, vars: Map<string, Value>, scope: Scope, parse: (text: string) => Node | undefined, depth: number): Value {
    const node = parse(text);
    if (!node) return opaque('the template could not be parsed');
    const inner: Scope = { ...scope, bindings: vars, templateOnly: true };
    return this.evaluate(node, inner, depth + 1);
  }
}

/** Parses a template file into a template node (set by the configuration, which owns the parser). */
export let parseTemplate: (text: string) => Node | undefined = () => undefined;
export function setTemplateParser(p: (text: string) => Node | undefined): void {
  parseTemplate = p;
}

function readModuleFile(file: string, scope: Scope): string | Unresolved {
  const abs = path.resolve(scope.rootDir, file);
  try {
    const st = statSync(abs);
    if (!st.isFile() || st.size > MAX_TEMPLATE_FILE) return opaque(`the file ${path.basename(abs)} cannot be read`);
    return readFileSync(abs, 'utf8');
  } catch {
    return opaque(`the file ${path.basename(abs)} cannot be read`);
  }
}

const str = (v: Value): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

function callFunction(name: string, lazyArgs: () => Value[], scope: Scope, ev: Evaluator, depth: number): Value {
  if (name === 'try') {
    for (const a of lazyArgs()) if (!findOpaque(a)) return a;
    return opaque('try() of values known only after apply');
  }
  const args = lazyArgs();
  if (name === 'jsonencode') return args.length === 1 ? jsonencode(args[0]!) : opaque('jsonencode takes one argument');
  if (name === 'coalesce') {
    for (const a of args) {
      if (isUnresolved(a)) return opaque('coalesce() of a value known only after apply');
      if (a !== null && a !== '') return a;
    }
    return opaque('coalesce() of nothing');
  }
  const o = args.map((a) => findOpaque(a)).find(Boolean);
  if (o) return o;
  switch (name) {
    case 'merge': {
      const out = newObject();
      for (const a of args) {
        if (a === null) continue;
        if (!isMap(a)) return opaque('merge() of a value known only after apply');
        for (const k of Object.keys(a)) out[k] = a[k]!;
      }
      return out;
    }
    case 'concat': {
      const out: Value[] = [];
      for (const a of args) {
        if (!Array.isArray(a)) return opaque('concat() of a value known only after apply');
        out.push(...a);
      }
      return out;
    }
    case 'flatten': {
      const flat = (v: Value, d: number): Value[] | undefined => {
        if (!Array.isArray(v) || d > MAX_DEPTH) return undefined;
        const out: Value[] = [];
        for (const x of v) {
          if (Array.isArray(x)) {
            const f = flat(x, d + 1);
            if (!f) return undefined;
            out.push(...f);
          } else if (isUnresolved(x)) return undefined;
          else out.push(x);
        }
        return out;
      };
      return flat(args[0] ?? null, 0) ?? opaque('flatten() of a value known only after apply');
    }
    case 'tolist':
    case 'tomap':
    case 'tostring':
      return args[0] ?? null;
    case 'toset':
    case 'distinct': {
      const a = args[0];
      if (!Array.isArray(a)) return opaque(`${name}() of a value known only after apply`);
      const seen = new Set<string>();
      return a.filter((x) => {
        const k = isUnresolved(x) ? `u:${x.text}` : JSON.stringify(x);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    case 'lookup': {
      const [m, k, d] = args;
      if (!isMap(m!) || typeof k !== 'string') return opaque('lookup() of a value known only after apply');
      return Object.hasOwn(m, k) ? m[k]! : d !== undefined ? d : opaque(`lookup() of a missing key`);
    }
    case 'keys':
      return isMap(args[0]!) ? Object.keys(args[0]).sort() : opaque('keys() of a value known only after apply');
    case 'values':
      return isMap(args[0]!)
        ? Object.keys(args[0])
            .sort()
            .map((k) => (args[0] as Record<string, Value>)[k]!)
        : opaque('values() of a value known only after apply');
    case 'join': {
      const [sep, ...lists] = args;
      if (typeof sep !== 'string' || !lists.every(Array.isArray)) return opaque('join() of a value known only after apply');
      const items = (lists as Value[][]).flat();
      const parts: Value[] = [];
      items.forEach((x, i) => {
        if (i) parts.push(sep);
        parts.push(x);
      });
      return concat(parts);
    }
    case 'format': {
      const [fmt, ...rest] = args;
      if (typeof fmt !== 'string') return opaque('format() with a format known only after apply');
      const parts: Value[] = [];
      let n = 0;
      let last = 0;
      for (const m of fmt.matchAll(/%(%|[sdvq])/g)) {
        parts.push(fmt.slice(last, m.index));
        last = m.index + m[0].length;
        if (m[1] === '%') parts.push('%');
        else parts.push(rest[n++] ?? opaque('format() with too few arguments'));
      }
      parts.push(fmt.slice(last));
      return concat(parts);
    }
    case 'lower':
    case 'upper':
    case 'trimspace': {
      const s = str(args[0] ?? null);
      if (s === undefined) return opaque(`${name}() of a value known only after apply`);
      return name === 'lower' ? s.toLowerCase() : name === 'upper' ? s.toUpperCase() : s.trim();
    }
    case 'compact':
      return Array.isArray(args[0]) ? args[0].filter((x) => x !== '' && x !== null) : opaque('compact() of a value known only after apply');
    case 'element': {
      const [l, i] = args;
      return Array.isArray(l) && typeof i === 'number' && l.length ? l[i % l.length]! : opaque('element() of a value known only after apply');
    }
    case 'split': {
      const [sep, s] = args;
      return typeof sep === 'string' && typeof s === 'string' && sep ? s.split(sep) : opaque('split() of a value known only after apply');
    }
    case 'replace': {
      const [s, from, to] = args;
      // Terraform treats /.../ as a regular expression: not evaluated (no RegExp from input).
      if (typeof s !== 'string' || typeof from !== 'string' || typeof to !== 'string' || (from.startsWith('/') && from.endsWith('/')))
        return opaque('replace() is not evaluated here');
      return s.split(from).join(to);
    }
    case 'jsondecode': {
      if (typeof args[0] !== 'string') return opaque('jsondecode() of a value known only after apply');
      try {
        return fromJson(JSON.parse(args[0]), 0);
      } catch {
        return opaque('jsondecode() of text that is not JSON');
      }
    }
    case 'file': {
      const f = args[0];
      return typeof f === 'string' ? readModuleFile(f, scope) : opaque('file() of a path known only after apply');
    }
    case 'templatefile': {
      const [f, vars] = args;
      if (typeof f !== 'string' || !isMap(vars ?? newObject())) return opaque('templatefile() with a path or variables known only after apply');
      const text = readModuleFile(f, scope);
      if (typeof text !== 'string') return text;
      const bindings = new Map<string, Value>();
      for (const [k, v] of Object.entries((vars ?? newObject()) as Record<string, Value>)) bindings.set(k, v);
      return ev.templateText(text, bindings, scope, parseTemplate, depth);
    }
    default:
      return opaque(`the function ${name}() is not evaluated`);
  }
}

/** Decoded JSON into a Value (prototype-free objects). */
function fromJson(v: unknown, depth: number): Value {
  if (depth > MAX_DEPTH) return opaque('nested too deep');
  if (Array.isArray(v)) return v.map((x) => fromJson(x, depth + 1));
  if (v && typeof v === 'object') {
    const out = newObject();
    for (const [k, x] of Object.entries(v)) out[k] = fromJson(x, depth + 1);
    return out;
  }
  return v as Value;
}
