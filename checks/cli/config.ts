/**
 * The config file: option defaults kept in the repository (YAML or JSON). Found as `--config FILE`,
 * else `.nhi-guard.yaml` in the current folder, else in the repository root (the nearest folder up
 * with a `.git`). Its keys are the flags' own names (kebab-case: `fail-on`, `policy-dir`), taken
 * from the option table (checks/cli/options.ts); any other spelling is refused with the right
 * name. Command-line options win over the file; paths in it are relative to its folder.
 *
 * A key the running command does not take is ignored with a note on stderr (one file serves check,
 * drift and inventory alike). `endpoint` and `profile` are refused: they decide which server and
 * which credentials a scan uses, and the file is edited by pull requests.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError, jsonPath, quote } from '../errors.js';
import { isObject, readJsonOrYaml } from '../io/files.js';
import { SEVERITIES } from '../engine/metadata.js';
import { camel, isOptionName, OPTIONS, optionNames, specFor, type Command, type OptionKey } from './options.js';
import { nearest } from './suggest.js';

export const CONFIG_FILE_NAME = '.nhi-guard.yaml';

export interface ConfigValues {
  /** Option values by yargs (camel-case) key. */
  values: Partial<Record<OptionKey, unknown>>;
  /** The camel-case keys the file set (the handlers tell them from command-line values). */
  keys: Set<OptionKey>;
  /** Notes for stderr: keys ignored for this command. */
  notes: string[];
}

/** `.nhi-guard.yaml` in `cwd`, else in the nearest folder up that holds `.git`; undefined when neither has one. */
export function discoverConfig(cwd: string): string | undefined {
  const here = path.join(cwd, CONFIG_FILE_NAME);
  if (existsSync(here)) return here;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) {
      const f = path.join(dir, CONFIG_FILE_NAME);
      return existsSync(f) && statSync(f).isFile() ? f : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function badKey(key: string, command: Command): string {
  const all = Object.keys(OPTIONS).filter((k) => k !== 'config');
  if (/[A-Z_]/.test(key)) {
    const kebab = key.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const hit = all.includes(kebab) ? kebab : nearest(kebab, all);
    if (hit) return `is not a key: config keys are the flags' names, write ${hit}`;
  }
  const near = nearest(key, [...optionNames(command), ...all]);
  return `is not a known option${near ? `; did you mean ${near}?` : ''} (keys are the flags' names: ${all.join(', ')})`;
}

/** Reads a config file into option values for `command` (before the command line is parsed). */
export async function readConfigFile(file: string, command: Command): Promise<ConfigValues> {
  const out: ConfigValues = { values: {}, keys: new Set(), notes: [] };
  const doc = await readJsonOrYaml(file);
  if (doc === null || doc === undefined) return out;
  if (!isObject(doc)) throw new UserError('must be an object of option defaults', { file, jsonPath: '$' });
  const base = path.dirname(path.resolve(file));
  for (const [key, value] of Object.entries(doc)) {
    const at = { file, jsonPath: jsonPath([key]) };
    if (key === 'config' || !isOptionName(key)) throw new UserError(badKey(key, command), at);
    const def = OPTIONS[key]!;
    if (def.refusedInConfig) throw new UserError(`is not accepted from a config file: ${def.refusedInConfig}`, at);
    const spec = specFor(key, command);
    if (!spec || spec.configFile === false) {
      out.notes.push(`${file}: ${key} does not apply to ${command}; ignored`);
      continue;
    }
    out.values[camel(key)] = convert(value, key, spec, def.config ?? 'value', base, at);
    out.keys.add(camel(key));
  }
  return out;
}

type At = { file: string; jsonPath: string };

function convert(
  value: unknown,
  key: string,
  spec: { type?: string; array?: boolean; choices?: readonly unknown[]; nargs?: number },
  kind: string,
  base: string,
  at: At,
): unknown {
  if (kind === 'severity-map') return severityMap(value, key, at);
  if (kind === 'account') return accounts(value, at);
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') throw new UserError('must be true or false', at);
    return value;
  }
  if (spec.type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError('must be a number', at);
    return value;
  }
  const many = spec.array === true || (key === 'format' && spec.nargs === 1);
  if (!many && Array.isArray(value)) throw new UserError('must be a single value, not a list', at);
  const list = Array.isArray(value) ? value : [value];
  const strings = list.map((v, i) => {
    const where = Array.isArray(value) ? { ...at, jsonPath: `${at.jsonPath}[${i}]` } : at;
    if (typeof v !== 'string' || v === '') throw new UserError(kind === 'path' ? 'must be a path' : 'must be a non-empty string', where);
    if (spec.choices && !spec.choices.includes(v)) throw new UserError(`must be one of ${spec.choices.join(', ')}`, where);
    if (kind === 'path') return path.resolve(base, v);
    if (kind === 'format') {
      const eq = v.indexOf('=');
      return eq > 0 ? `${v.slice(0, eq)}=${path.resolve(base, v.slice(eq + 1))}` : v;
    }
    return v;
  });
  return many ? strings : strings[0];
}

/**
 * AWS account ids: strings of 12 digits, or the numbers YAML reads from unquoted ones (which have
 * 12 digits only when no leading zero was lost; quote those).
 */
function accounts(value: unknown, at: At): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    const where = Array.isArray(value) ? { ...at, jsonPath: `${at.jsonPath}[${i}]` } : at;
    const s: unknown = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== 'string' || !/^\d{12}$/.test(s)) throw new UserError('must be a 12-digit AWS account id (quote it in YAML when it starts with 0)', where);
    return s;
  });
}

/** `{NHI-OWN-002: low}` or `[NHI-OWN-002=low]` → `['NHI-OWN-002=low']`. */
function severityMap(value: unknown, key: string, at: At): string[] {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      if (typeof v !== 'string') throw new UserError('must be RULE=SEVERITY', { ...at, jsonPath: `${at.jsonPath}[${i}]` });
      return v;
    });
  }
  if (!isObject(value)) throw new UserError(`must be a map of rule (id or glob) to severity (${SEVERITIES.join(', ')})`, at);
  return Object.entries(value).map(([rule, sev]) => {
    if (typeof sev !== 'string' || !(SEVERITIES as readonly string[]).includes(sev)) {
      throw new UserError(`must be one of ${SEVERITIES.join(', ')}, not ${quote(sev)}`, { ...at, jsonPath: jsonPath([key, rule]) });
    }
    return `${rule}=${sev}`;
  });
}
