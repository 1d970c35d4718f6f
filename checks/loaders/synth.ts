/**
 * cdktf synth output (`cdktf.out/manifest.json` and one `cdk.tf.json` per stack) into resource
 * records. References between resources (`${aws_iam_role.x.name}`) are resolved to their literal
 * value when the configuration states it, and otherwise kept as Unresolved with the address.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pinnedAccountIds } from '../aws.js';
import { UserError, jsonPath } from '../errors.js';
import { dict, own } from '../dict.js';
import { isObject, readJson } from '../io/files.js';
import type { DeclaredWaiver, InputRef, Inventory } from '../model.js';
import { buildInventory, readsResource } from './inventoryBuilder.js';
import { PLAIN_CONFIG_TYPES, synthSettings, withPlainCredentials, type Setting } from './plainConfig.js';
import { waiversFromOutputs } from './waiverOutputs.js';
import { isSecretAttribute, MAX_DEPTH } from './tfjson.js';
import { isUnresolved, Unresolved, type ResourceRecord, type Value } from './values.js';

const REF = /^(?:data\.)?[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*$/;
const REF_IN_EXPR = /\b(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?/g;

interface StackEntry {
  name: string;
  file: string;
}

export async function readManifest(dir: string): Promise<StackEntry[]> {
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = await readJson(manifestFile);
  if (!isObject(manifest)) throw new UserError('must be a JSON object (a cdktf manifest)', { file: manifestFile, jsonPath: '$' });
  const stacks = manifest.stacks;
  if (!isObject(stacks)) throw new UserError('must be an object of stacks; is this a cdktf output folder?', { file: manifestFile, jsonPath: '$.stacks' });
  const out: StackEntry[] = [];
  for (const [key, s] of Object.entries(stacks)) {
    const p = jsonPath(['stacks', key]);
    if (!isObject(s)) throw new UserError('must be an object', { file: manifestFile, jsonPath: p });
    const rel = s.synthesizedStackPath;
    if (typeof rel !== 'string' || rel === '')
      throw new UserError('must be the path of the stack JSON', { file: manifestFile, jsonPath: `${p}.synthesizedStackPath` });
    const file = path.resolve(dir, rel);
    if (!file.startsWith(path.resolve(dir) + path.sep)) {
      throw new UserError('points outside the synth folder', { file: manifestFile, jsonPath: `${p}.synthesizedStackPath` });
    }
    out.push({ name: typeof s.name === 'string' ? s.name : key, file });
  }
  if (out.length === 0) throw new UserError('lists no stacks', { file: manifestFile, jsonPath: '$.stacks' });
  return out;
}

/** Strips cdktf `//` metadata keys, recursively. */
function clean(v: unknown, depth: number, file: string, at: Array<string | number>): Value {
  if (depth > MAX_DEPTH) throw new UserError(`is nested more than ${MAX_DEPTH} levels deep`, { file, jsonPath: jsonPath(at) });
  if (Array.isArray(v)) return v.map((x, i) => clean(x, depth + 1, file, [...at, i]));
  if (isObject(v)) {
    const out = dict<Value>();
    for (const [k, x] of Object.entries(v)) if (k !== '//') out[k] = clean(x, depth + 1, file, [...at, k]);
    return out;
  }
  return v as Value;
}

/** The regions of a stack's AWS provider configurations written as constants, by alias ('' for the default). */
export function providerRegions(doc: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObject(doc) || !isObject(doc.provider)) return out;
  const aws = doc.provider.aws;
  for (const b of Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]) {
    if (!isObject(b) || typeof b.region !== 'string' || b.region.includes('${')) continue;
    out.set(typeof b.alias === 'string' ? b.alias : '', b.region);
  }
  return out;
}

function stackRecords(stack: StackEntry, doc: unknown): ResourceRecord[] {
  const file = stack.file;
  if (!isObject(doc)) throw new UserError('must be a JSON object (a cdktf stack)', { file, jsonPath: '$' });
  const records: ResourceRecord[] = [];
  const regions = providerRegions(doc);
  const resolveSource = sourceResolver(file);
  for (const mode of ['resource', 'data'] as const) {
    const block = doc[mode];
    if (block === undefined) continue;
    if (!isObject(block)) throw new UserError('must be an object of resource types', { file, jsonPath: `$.${mode}` });
    for (const [type, byName] of Object.entries(block)) {
      if (!isObject(byName)) throw new UserError('must be an object of resources', { file, jsonPath: jsonPath([mode, type]) });
      // Types no rule reads are left out, as in plan and state: their attributes (an SSM parameter's
      // value, a random password's result) can be secrets without saying so, and a reference to
      // them from a read resource then stays a reference instead of becoming the value.
      if (!readsResource(mode === 'data' ? 'data' : 'managed', type)) continue;
      for (const [name, body] of Object.entries(byName)) {
        const at = [mode, type, name];
        if (!isObject(body)) throw new UserError('must be an object', { file, jsonPath: jsonPath(at) });
        const cdktf = own(body, '//');
        const meta = isObject(cdktf) && isObject(own(cdktf, 'metadata')) ? (cdktf.metadata as Record<string, unknown>) : {};
        const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const values = clean(body, 0, file, at) as Record<string, Value>;
        const literal = new Set<string>();
        for (const [k, x] of Object.entries(values)) if (typeof x === 'string' && !hasInterpolation(x)) literal.add(k);
        // Secret values stay out of records, as in plan and state: only that they exist.
        const sensitive = new Set<string>();
        for (const k of Object.keys(values)) {
          // An SSM parameter's value is a secret whatever its type (terraform marks it sensitive).
          if (!isSecretAttribute(k) && !(type === 'aws_ssm_parameter' && k === 'value')) continue;
          sensitive.add(k);
          delete values[k];
        }
        // `provider: "aws.west"` names an aliased configuration; none is the default one.
        const provider = own(body, 'provider');
        const alias = typeof provider === 'string' && provider.startsWith('aws.') ? provider.slice(4) : '';
        const providerRegion = regions.get(alias);
        records.push({
          mode: mode === 'data' ? 'data' : 'managed',
          type,
          address,
          values,
          change: 'create',
          literal,
          ...(providerRegion ? { providerRegion } : {}),
          ...(sensitive.size ? { sensitive } : {}),
          origin: {
            source: 'synth',
            file,
            address,
            stack: stack.name,
            ...(typeof own(meta, 'path') === 'string' ? { constructPath: meta.path as string } : {}),
            ...declaredAt(isObject(cdktf) ? own(cdktf, 'source') : undefined, resolveSource),
          },
        });
      }
    }
  }
  return records;
}

/** True when a string of cdk.tf.json holds a terraform interpolation (not only `$${` escapes). */
const hasInterpolation = (s: string): boolean => s.includes('${') && s.replace(/\$\$\{/g, '').includes('${');

/**
 * Where the app declares a resource: `"//": {"source": {"file", "line"}}`, written by the stacks'
 * SourceLocationAspect (stacks/constructs/source-location.ts) from the construct's call site.
 * The app records the file relative to its project root (the folder of its cdktf.json), so the
 * synthesized output does not depend on the machine; it is resolved here against the project
 * root of the synth folder (the nearest cdktf.json above it), else the app folder it was
 * written into (the synth folder's parent), else the current folder's project: the first where
 * the file exists (sourceRoots). An absolute file (older output) is taken as it is; anything else
 * than a path and a line number is ignored (the stack JSON stays the location).
 */
function declaredAt(v: unknown, resolve: (file: string) => string): { sourceFile?: string; line?: number } {
  if (!isObject(v) || typeof v.file !== 'string' || v.file === '' || v.file.length > 4096 || v.file.includes('\0')) return {};
  const line = v.line;
  if (typeof line !== 'number' || !Number.isSafeInteger(line) || line < 1) return {};
  return { sourceFile: path.isAbsolute(v.file) ? path.normalize(v.file) : resolve(v.file), line };
}

/** Resolves the relative source files of one stack file (each looked up once). */
function sourceResolver(stackFile: string): (file: string) => string {
  let roots: string[] | undefined;
  const seen = new Map<string, string>();
  return (file) => {
    let hit = seen.get(file);
    if (hit === undefined) {
      roots ??= sourceRoots(stackFile);
      const candidates = roots.map((r) => path.resolve(r, file));
      hit = candidates.find((f) => existsSync(f)) ?? candidates[0]!;
      seen.set(file, hit);
    }
    return hit;
  };
}

/** The folder of the nearest cdktf.json at or above `dir`, if any. */
function cdktfProjectOf(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'cdktf.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Where relative source files of a stack are looked up, in order (declaredAt). */
function sourceRoots(stackFile: string): string[] {
  const app = path.resolve(path.dirname(stackFile), '..', '..', '..');
  const roots = [cdktfProjectOf(path.dirname(stackFile)), app, cdktfProjectOf(process.cwd()), process.cwd()];
  return [...new Set(roots.filter((r): r is string => r !== undefined))];
}

const PLAIN_CONFIG_SET = new Set<string>(PLAIN_CONFIG_TYPES);
const NAMING_ATTRS = new Set(['name', 'arn', 'id', 'function_name', 'family']);

/** Resolves `${...}` references of one stack in place. */
export function resolveReferences(records: ResourceRecord[]): void {
  const byAddress = new Map(records.map((r) => [r.address, r]));
  const resolving = new Set<string>();

  const attr = (ref: string, depth: number): Value => {
    const parts = ref.split('.');
    const isData = parts[0] === 'data';
    const address = parts.slice(0, isData ? 3 : 2).join('.');
    const attrPath = parts.slice(isData ? 3 : 2);
    const target = byAddress.get(address);
    const unresolved = new Unresolved([ref], 'computed at apply', `\${${ref}}`);
    if (!target || attrPath.length === 0) return unresolved;
    // Types read for credentials in their configuration (an SSM parameter's value, user data)
    // lend only their names and ARNs: their other values never flow into another resource.
    if (PLAIN_CONFIG_SET.has(target.type) && !NAMING_ATTRS.has(attrPath[0]!)) return unresolved;
    let v: Value | undefined = own(target.values, attrPath[0]!);
    // The id of IAM roles, users, groups and secrets' names is their name.
    if (v === undefined && attrPath[0] === 'id' && ['aws_iam_role', 'aws_iam_user', 'aws_iam_group'].includes(target.type)) v = target.values.name;
    if (v === undefined || attrPath.length > 1) return unresolved;
    if (typeof v === 'string' && v.includes('${')) {
      const key = `${address}.${attrPath[0]}`;
      if (resolving.has(key) || depth > MAX_DEPTH) return unresolved;
      resolving.add(key);
      const r = resolveString(v, depth + 1);
      resolving.delete(key);
      return isUnresolved(r) ? unresolved : r;
    }
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : unresolved;
  };

  const resolveString = (s: string, depth: number): Value => {
    const whole = /^\$\{([^{}]+)\}$/.exec(s);
    if (whole && REF.test(whole[1]!.trim())) return attr(whole[1]!.trim(), depth);
    if (!s.includes('${')) return s;
    const refs: string[] = [];
    let unknown = false;
    const out = s.replace(/\$\$\{|\$\{([^{}]+)\}/g, (m, expr: string | undefined) => {
      // `$${` is terraform's escape of a literal `${` (an IAM policy variable, `$${aws:username}`).
      if (expr === undefined) return '${';
      const e = expr.trim();
      if (REF.test(e)) {
        const v = attr(e, depth);
        if (typeof v === 'string' || typeof v === 'number') return String(v);
        refs.push(e);
      } else {
        refs.push(...(e.match(REF_IN_EXPR) ?? []));
      }
      unknown = true;
      return m;
    });
    return unknown ? new Unresolved(refs, 'expression evaluated at apply', out) : out;
  };

  const walk = (v: Value): Value => {
    if (typeof v === 'string') return resolveString(v, 0);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !isUnresolved(v)) {
      const out = dict<Value>();
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };

  const resolved = records.map((r) => walk(r.values) as Record<string, Value>);
  records.forEach((r, i) => (r.values = resolved[i]!));
}

/** Account ids the AWS providers of a stack are pinned to (`allowed_account_ids`). */
export function providerAccounts(doc: unknown): string[] {
  if (!isObject(doc) || !isObject(doc.provider)) return [];
  const aws = doc.provider.aws;
  const blocks = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
  const out: string[] = [];
  for (const b of blocks) {
    if (!isObject(b) || !Array.isArray(b.allowed_account_ids)) continue;
    out.push(...pinnedAccountIds(b.allowed_account_ids));
  }
  return out;
}

export interface SynthOptions {
  /** Only these stacks of the manifest (`--stack`, by name); every name must exist. */
  stacks?: string[];
}

/**
 * The stacks to read: those of the manifest (filtered by `--stack`), or, for a single stack folder
 * (a `cdk.tf.json` without a manifest, e.g. `cdktf.out/stacks/legacy-hl7`), that one stack.
 */
export async function stacksOf(dir: string, opts: SynthOptions = {}): Promise<StackEntry[]> {
  const single = path.join(dir, 'cdk.tf.json');
  if (!existsSync(path.join(dir, 'manifest.json')) && existsSync(single)) {
    const doc = await readJson(single);
    const meta = isObject(doc) && isObject(doc['//']) && isObject(doc['//'].metadata) ? doc['//'].metadata : {};
    const name = typeof meta.stackName === 'string' && meta.stackName ? meta.stackName : path.basename(path.resolve(dir));
    if (opts.stacks?.length && !opts.stacks.includes(name))
      throw new UserError(`is the single stack ${JSON.stringify(name)}, not ${opts.stacks.map((s) => JSON.stringify(s)).join(', ')}`, { file: single });
    return [{ name, file: single }];
  }
  const all = await readManifest(dir);
  if (!opts.stacks?.length) return all;
  const missing = opts.stacks.filter((n) => !all.some((s) => s.name === n));
  if (missing.length) {
    const names = all.map((s) => s.name);
    throw new UserError(`has no stack ${missing.map((n) => JSON.stringify(n)).join(', ')} (--stack); its stacks: ${names.join(', ')}`.slice(0, 300), {
      file: path.join(dir, 'manifest.json'),
      jsonPath: '$.stacks',
    });
  }
  return all.filter((s) => opts.stacks!.includes(s.name));
}

export async function loadSynthRecords(
  dir: string,
  opts: SynthOptions = {},
): Promise<{ records: ResourceRecord[]; inputs: InputRef[]; accountId?: string; waivers: DeclaredWaiver[]; settings: Setting[] }> {
  const stacks = await stacksOf(dir, opts);
  const records: ResourceRecord[] = [];
  const waivers: DeclaredWaiver[] = [];
  const settings: Setting[] = [];
  const inputs: InputRef[] = [];
  const accounts = new Set<string>();
  let unpinned = false;
  for (const stack of stacks) {
    const doc = await readJson(stack.file);
    const rs = stackRecords(stack, doc);
    resolveReferences(rs);
    if (isObject(doc)) waivers.push(...waiversFromOutputs(doc.output, { source: 'synth', file: stack.file, stack: stack.name }));
    settings.push(...synthSettings(doc, { source: 'synth', file: stack.file, stack: stack.name }));
    records.push(...rs);
    inputs.push({ kind: 'synth', file: stack.file });
    const ids = providerAccounts(doc);
    if (ids.length === 0) unpinned = true;
    for (const id of ids) accounts.add(id);
  }
  // The own account is known only when every stack pins the same single account.
  const accountId = !unpinned && accounts.size === 1 ? [...accounts][0] : undefined;
  return { records, inputs, waivers, settings, ...(accountId ? { accountId } : {}) };
}

export async function loadSynth(dir: string, opts: SynthOptions = {}): Promise<Inventory> {
  const { records, inputs, accountId, waivers, settings } = await loadSynthRecords(dir, opts);
  return withPlainCredentials(
    buildInventory(records, inputs, { accountId, ...(accountId ? { accountSource: 'allowed-account-ids' as const } : {}), waivers }),
    records,
    settings,
  );
}
