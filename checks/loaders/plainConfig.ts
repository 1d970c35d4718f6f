/**
 * Credentials in plain configuration (NHI-ROT-008), as facts: which attribute of which resource,
 * variable or output holds something that looks like a credential, and what kind. Read from the
 * records every declared source produces, and from the variables and outputs each loader passes:
 *
 *   aws_lambda_function       environment[i].variables.NAME
 *   aws_ecs_task_definition   container_definitions[i].environment.NAME (the JSON text)
 *   aws_batch_job_definition  container_properties.environment.NAME (the JSON text)
 *   aws_instance              user_data (plain; plan and state keep only its hash), user_data_base64
 *   aws_launch_template       user_data (base64)
 *   aws_ssm_parameter         a String or StringList parameter whose name is password-like (its
 *                             value is sensitive to terraform and never read), insecure_value
 *   variable / output         a non-sensitive one whose value is a literal string
 *
 * Values are read here to decide and dropped: a fact carries the path and the kind only.
 */
import type { Inventory, Origin, PlainCredential } from '../model.js';
import { isObject } from '../io/files.js';
import { credentialKinds, passwordLike, tokenKinds } from './credentialScan.js';
import { asBlocks, asObject, asString, type ResourceRecord } from './values.js';

/** A root-module variable or output as a loader read it. */
export interface Setting {
  kind: 'variable' | 'output';
  name: string;
  value: unknown;
  sensitive: boolean;
  origin: Origin;
}

/** Resource types read for credentials in their configuration. */
export const PLAIN_CONFIG_TYPES = [
  'aws_lambda_function',
  'aws_ecs_task_definition',
  'aws_batch_job_definition',
  'aws_instance',
  'aws_launch_template',
  'aws_ssm_parameter',
] as const;

interface Candidate {
  path: string;
  name: string;
  value: string;
  /** Scripts (user data): also KEY=VALUE lines with password-like keys. */
  script?: boolean;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** name/value pairs of a container's `environment` list. */
function containerEnv(container: unknown, at: string): Candidate[] {
  if (!isObject(container) || !Array.isArray(container.environment)) return [];
  const out: Candidate[] = [];
  for (const e of container.environment) {
    if (isObject(e) && typeof e.name === 'string' && typeof e.value === 'string')
      out.push({ path: `${at}.environment.${e.name}`, name: e.name, value: e.value });
  }
  return out;
}

/** Base64 text decoded, or undefined when it is not base64 of UTF-8 text. */
export function fromBase64(text: string): string | undefined {
  const t = text.replace(/\s+/g, '');
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  const decoded = Buffer.from(t, 'base64').toString('utf8');
  return decoded.includes('\uFFFD') ? undefined : decoded;
}

/** Plan and state keep a SHA-1 of aws_instance.user_data, not the script. */
const HASHED = /^[0-9a-f]{40}$/;

function candidates(r: ResourceRecord): Candidate[] {
  const v = r.values;
  switch (r.type) {
    case 'aws_lambda_function':
      return asBlocks(v.environment).flatMap((b, i) => {
        const vars = asObject(b.variables);
        if (!vars) return [];
        return Object.keys(vars).flatMap((k) => {
          const x = vars[k];
          return typeof x === 'string' ? [{ path: `environment[${i}].variables.${k}`, name: k, value: x }] : [];
        });
      });
    case 'aws_ecs_task_definition': {
      const defs = typeof v.container_definitions === 'string' ? parseJson(v.container_definitions) : undefined;
      return Array.isArray(defs) ? defs.flatMap((c, i) => containerEnv(c, `container_definitions[${i}]`)) : [];
    }
    case 'aws_batch_job_definition': {
      const props = typeof v.container_properties === 'string' ? parseJson(v.container_properties) : undefined;
      return containerEnv(props, 'container_properties');
    }
    case 'aws_instance': {
      const out: Candidate[] = [];
      const plain = asString(v.user_data);
      if (plain && !HASHED.test(plain)) out.push({ path: 'user_data', name: 'user_data', value: plain, script: true });
      const b64 = asString(v.user_data_base64);
      const decoded = b64 ? fromBase64(b64) : undefined;
      if (decoded) out.push({ path: 'user_data_base64', name: 'user_data', value: decoded, script: true });
      return out;
    }
    case 'aws_launch_template': {
      const b64 = asString(v.user_data);
      const decoded = b64 ? fromBase64(b64) : undefined;
      return decoded ? [{ path: 'user_data', name: 'user_data', value: decoded, script: true }] : [];
    }
    case 'aws_ssm_parameter': {
      const insecure = asString(v.insecure_value);
      return insecure ? [{ path: 'insecure_value', name: asString(v.name) ?? 'insecure_value', value: insecure }] : [];
    }
    default:
      return [];
  }
}

/** KEY=VALUE assignments of a script (`export DB_PASSWORD=...`, `DB_PASSWORD: ...`). */
const ASSIGNMENT = /^\s*(?:export\s+|set\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*["']?([^"'\s]+)["']?\s*$/;

async function kindsOf(c: Candidate): Promise<string[]> {
  return c.script ? scriptKinds(c.value) : credentialKinds(c.name, c.value);
}

/** Kinds of credential a script (user data) holds: token formats, and password-like KEY=VALUE lines. */
export async function scriptKinds(script: string): Promise<string[]> {
  const kinds = new Set(await tokenKinds(script));
  for (const line of script.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m && passwordLike(m[1]!, m[2]!)) kinds.add('password-like');
  }
  // A token format found on a line says more than the name of its variable.
  if (kinds.size > 1) kinds.delete('password-like');
  return [...kinds].sort();
}

/** A String parameter named like a password holds one that anyone allowed ssm:GetParameter reads. */
function plainParameter(r: ResourceRecord): boolean {
  const type = asString(r.values.type);
  const name = asString(r.values.name);
  if (r.type !== 'aws_ssm_parameter' || (type !== 'String' && type !== 'StringList') || !name) return false;
  const last = name.split('/').filter(Boolean).pop() ?? name;
  return passwordLike(last, 'a-literal-value');
}

function idOf(r: ResourceRecord): string {
  return r.origin.stack ? `${r.origin.stack}/${r.address}` : r.address;
}

/** Plain-configuration credentials of records and settings, one fact per path and kind. */
export async function plainCredentials(records: ResourceRecord[], settings: Setting[] = []): Promise<PlainCredential[]> {
  const out: PlainCredential[] = [];
  const add = (holder: string, holderType: string, name: string | null, path: string, kind: string, r: { change: PlainCredential['change']; origin: Origin }) =>
    out.push({ id: `${holder}#${path}:${kind}`, holderType, name, path, kind, change: r.change, origin: r.origin });
  for (const r of records) {
    if (r.mode !== 'managed' || r.change === 'delete' || !(PLAIN_CONFIG_TYPES as readonly string[]).includes(r.type)) continue;
    const name = asString(r.values.function_name) ?? asString(r.values.family) ?? asString(r.values.name) ?? null;
    for (const c of candidates(r)) for (const kind of await kindsOf(c)) add(idOf(r), r.type, name, c.path, kind, r);
    if (plainParameter(r)) add(idOf(r), r.type, name, 'value', 'password-like', r);
  }
  for (const s of settings) {
    if (s.sensitive || typeof s.value !== 'string') continue;
    const holder = s.kind === 'variable' ? `var.${s.name}` : `output.${s.name}`;
    const origin = { ...s.origin, address: s.origin.stack ? `${s.origin.stack}/${holder}` : holder };
    const change = s.origin.source === 'state' ? 'existing' : 'create';
    for (const kind of await credentialKinds(s.name, s.value))
      add(origin.address, s.kind, s.name, s.kind === 'variable' ? 'default' : 'value', kind, { change, origin });
  }
  return out;
}

/** Root-module variables and outputs of a `show -json` plan or state, or of a raw tfstate. */
export function settingsOf(doc: unknown, origin: Origin): Setting[] {
  if (!isObject(doc)) return [];
  const out: Setting[] = [];
  // show -json writes "sensitive": false for every plain output; a raw tfstate writes only "sensitive": true.
  const outputs = (o: unknown, raw = false) => {
    if (!isObject(o)) return;
    for (const name of Object.keys(o)) {
      const x = o[name];
      if (isObject(x)) out.push({ kind: 'output', name, value: x.value, sensitive: raw ? x.sensitive === true : x.sensitive !== false, origin });
    }
  };
  const config = isObject(doc.configuration) && isObject(doc.configuration.root_module) ? doc.configuration.root_module : undefined;
  if (isObject(doc.variables)) {
    const declared = config && isObject(config.variables) ? config.variables : {};
    for (const name of Object.keys(doc.variables)) {
      const x = doc.variables[name];
      const d = Object.hasOwn(declared, name) ? declared[name] : undefined;
      // Sensitive unless the configuration says it is not: a plan without configuration hides nothing.
      if (isObject(x)) out.push({ kind: 'variable', name, value: x.value, sensitive: !config || (isObject(d) && d.sensitive === true), origin });
    }
  }
  if (isObject(doc.planned_values)) outputs(doc.planned_values.outputs);
  if (isObject(doc.values)) outputs(doc.values.outputs);
  if (isObject(doc.outputs)) outputs(doc.outputs, true); // raw terraform.tfstate
  return out;
}

/** Variables (their defaults) and outputs of a cdktf stack (cdk.tf.json). */
export function synthSettings(doc: unknown, origin: Origin): Setting[] {
  if (!isObject(doc)) return [];
  const out: Setting[] = [];
  for (const [kind, key, valueKey] of [
    ['variable', 'variable', 'default'],
    ['output', 'output', 'value'],
  ] as const) {
    const block = doc[key];
    if (!isObject(block)) continue;
    for (const name of Object.keys(block)) {
      const x = block[name];
      if (isObject(x)) out.push({ kind, name, value: x[valueKey], sensitive: x.sensitive === true, origin });
    }
  }
  return out;
}

/** The Inventory with its plain-configuration credentials (the field only when there are some). */
export async function withPlainCredentials(inv: Inventory, records: ResourceRecord[], settings: Setting[]): Promise<Inventory> {
  const found = await plainCredentials(records, settings);
  if (found.length) inv.plainCredentials = found;
  return inv;
}
