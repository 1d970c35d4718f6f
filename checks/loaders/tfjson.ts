/**
 * Terraform JSON (plan and state `show -json`, tfstate) into record values: the value conversion
 * that applies unknown and sensitive markers, the module walk, and the record constructor shared
 * by the plan and state loaders. Secret values never pass: sensitive leaves and secret attributes
 * are dropped and only the fact that they exist is kept.
 */
import { UserError, jsonPath } from '../errors.js';
import { dict, own } from '../dict.js';
import { isObject } from '../io/files.js';
import type { Change, Origin, SourceKind } from '../model.js';
import { Unresolved, type ResourceRecord, type Value } from './values.js';

/** How deep a terraform or cdktf JSON document may nest (values, modules): the one bound of every JSON loader. */
export const MAX_DEPTH = 64;

/** Attributes whose value is a secret, whatever the provider marks sensitive. */
const SECRET_ATTRS = new Set([
  'secret',
  'secret_string',
  'secret_binary',
  'secret_string_wo',
  'password',
  'password_wo',
  'ses_smtp_password_v4',
  'encrypted_secret',
  'encrypted_ses_smtp_password_v4',
  'encrypted_password',
  'private_key',
  'private_key_pem',
  'master_password',
  'client_secret',
  'auth_token',
  'token',
]);

export function isSecretAttribute(name: string): boolean {
  return SECRET_ATTRS.has(name) || /(^|_)(password|secret|private_key)(_wo|_v\d+)?$/.test(name);
}

/** A value that exists: not null, not an empty string. */
function present(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

export interface ConvertOptions {
  file: string;
  /** JSON path of the values object, for error messages. */
  at: Array<string | number>;
  /** `after_unknown`: true or a tree of booleans. */
  unknown?: unknown;
  /** `sensitive_values` / `after_sensitive` / `before_sensitive`: true or a tree of booleans. */
  sensitive?: unknown;
  /** Top-level attributes left out (neither converted nor withheld). */
  skip?: Set<string>;
  /** The Unresolved for an unknown value at `path` (attribute path from the resource). */
  unresolved?: (path: Array<string | number>) => Unresolved;
}

/**
 * Terraform JSON values into record values. Unknown leaves become Unresolved; sensitive leaves and
 * secret attributes are dropped (arrays keep their positions with null). Returns the dotted paths
 * of the withheld values that exist, so a record can say a secret is there without holding it.
 */
export function convertValues(values: unknown, opts: ConvertOptions): { values: Record<string, Value>; withheld: Set<string> } {
  const withheld = new Set<string>();
  const unresolved = opts.unresolved ?? (() => new Unresolved([], 'known only after apply'));
  // One path, pushed and popped on the way down (plans have millions of values: no array per value).
  const path: Array<string | number> = [];
  const conv = (v: unknown, unk: unknown, sens: unknown): Value | undefined => {
    if (path.length > MAX_DEPTH)
      throw new UserError(`is nested more than ${MAX_DEPTH} levels deep`, { file: opts.file, jsonPath: jsonPath([...opts.at, ...path]) });
    if (sens === true || (path.length === 1 && typeof path[0] === 'string' && isSecretAttribute(path[0]))) {
      if (present(v) || unk === true) withheld.add(path.join('.'));
      return undefined;
    }
    if (unk === true) return unresolved([...path]);
    if (Array.isArray(v)) {
      const uArr = Array.isArray(unk) ? unk : [];
      const sArr = Array.isArray(sens) ? sens : [];
      const out: Value[] = new Array<Value>(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        out[i] = conv(v[i], uArr[i], sArr[i]) ?? null;
        path.pop();
      }
      // Unknown elements beyond the known ones (a list whose length is known, values not).
      for (let i = v.length; i < uArr.length; i++) if (uArr[i] === true) out.push(unresolved([...path, i]));
      return out;
    }
    if (isObject(v) || (path.length === 0 && (v === undefined || v === null))) {
      // Keys are data: the map has no prototype and markers are looked up as own keys only, so a
      // key or marker named `__proto__` or `constructor` marks or hides nothing but itself.
      const obj = isObject(v) ? v : {};
      const uObj = isObject(unk) ? unk : undefined;
      const sObj = isObject(sens) ? sens : undefined;
      const out = dict<Value>();
      for (const k of Object.keys(obj)) put(out, k, obj[k], own(uObj, k), own(sObj, k));
      // Attributes unknown until apply that the values do not list.
      if (uObj) for (const k of Object.keys(uObj)) if (uObj[k] === true && !Object.hasOwn(obj, k)) put(out, k, undefined, true, own(sObj, k));
      return out;
    }
    if (v === undefined) return undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    return null;
  };
  const skip = opts.skip;
  function put(out: Record<string, Value>, k: string, v: unknown, unk: unknown, sens: unknown): void {
    if (skip && path.length === 0 && skip.has(k)) return;
    path.push(k);
    const c = conv(v, unk, sens);
    path.pop();
    if (c !== undefined) out[k] = c;
  }
  const out = conv(values, opts.unknown, opts.sensitive);
  return { values: isObject(out) ? out : dict(), withheld };
}

/**
 * Two sensitivity trees (true, or objects and lists of them) as one: a value is sensitive when
 * either marks it. Planned values and resource changes each carry markers; a value one of them
 * marks is never printed, even if the other forgot it. Past MAX_DEPTH everything counts as sensitive.
 */
export function unionMarks(a: unknown, b: unknown, depth = 0): unknown {
  if (a === true || b === true) return true;
  if (a === undefined || a === null || a === false) return b;
  if (b === undefined || b === null || b === false) return a;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return Array.from({ length: Math.max(x.length, y.length) }, (_, i) => unionMarks(x[i], y[i], depth + 1));
  }
  if (isObject(a) && isObject(b)) {
    const out = dict<unknown>();
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out[k] = unionMarks(own(a, k), own(b, k), depth + 1);
    return out;
  }
  return isObject(a) || Array.isArray(a) ? a : b;
}

/** `["key"]` or `[0]` for an instance key. */
export function indexSuffix(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string') return `[${JSON.stringify(key)}]`;
  return '';
}

export function recordOf(
  r: Record<string, unknown>,
  address: string,
  values: Record<string, Value>,
  withheld: Set<string>,
  change: Change,
  origin: Omit<Origin, 'address' | 'arn'> & { source: SourceKind },
): ResourceRecord {
  const arn = own(values, 'arn');
  const rec: ResourceRecord = {
    mode: r.mode === 'data' ? 'data' : 'managed',
    type: String(r.type),
    address,
    values,
    change,
    origin: typeof arn === 'string' ? { ...origin, address, arn } : { ...origin, address },
  };
  if (withheld.size) rec.sensitive = withheld;
  return rec;
}

export function requireString(v: unknown, file: string, at: Array<string | number>, what: string): string {
  if (typeof v !== 'string' || v === '') throw new UserError(`must be ${what}`, { file, jsonPath: jsonPath(at) });
  return v;
}

/**
 * Walks a `show -json` module (root_module and child_modules, recursively) and calls `visit` for
 * each resource with its JSON path. Shared by the state and plan loaders.
 */
export function walkModule(
  mod: unknown,
  file: string,
  at: Array<string | number>,
  visit: (r: Record<string, unknown>, address: string, at: Array<string | number>) => void,
  depth = 0,
): void {
  if (mod === undefined || mod === null) return;
  if (!isObject(mod)) throw new UserError('must be an object (a module)', { file, jsonPath: jsonPath(at) });
  if (depth > MAX_DEPTH) throw new UserError(`has modules nested more than ${MAX_DEPTH} deep`, { file, jsonPath: jsonPath(at) });
  const resources = mod.resources ?? [];
  if (!Array.isArray(resources)) throw new UserError('must be a list of resources', { file, jsonPath: jsonPath([...at, 'resources']) });
  resources.forEach((r, i) => {
    const rAt = [...at, 'resources', i];
    if (!isObject(r)) throw new UserError('must be an object (a resource)', { file, jsonPath: jsonPath(rAt) });
    const address = requireString(r.address, file, [...rAt, 'address'], 'the resource address');
    requireString(r.type, file, [...rAt, 'type'], 'the resource type');
    visit(r, address, rAt);
  });
  const children = mod.child_modules ?? [];
  if (!Array.isArray(children)) throw new UserError('must be a list of modules', { file, jsonPath: jsonPath([...at, 'child_modules']) });
  children.forEach((c, i) => walkModule(c, file, [...at, 'child_modules', i], visit, depth + 1));
}
