/**
 * The JSON Schemas shipped with nhi-guard and one ajv instance to check documents against them.
 * A failed check is a UserError naming the file, the JSON path of the first bad value and why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { UserError, jsonPath } from '../errors.js';
import { PROJECT_ROOT } from '../engine/opaBinary.js';

// From the project folder, not this module's: the CLI runs from a bundle in checks/.build/.
const here = path.join(PROJECT_ROOT, 'checks', 'schemas');

export const SCHEMA_FILES = {
  inventory: 'inventory.schema.json',
  findings: 'findings.schema.json',
  policyData: 'policy-data.schema.json',
  waiver: 'waiver.schema.json',
  accessMap: 'access-map.schema.json',
} as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

export function schemaPath(name: SchemaName): string {
  return path.join(here, SCHEMA_FILES[name]);
}

export function loadSchema(name: SchemaName): object {
  return JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object;
}

let ajv: Ajv | undefined;

/**
 * The ajv instance, loaded on first use: most runs validate nothing (a plan check without --data
 * or --waivers), and loading ajv with its formats is a noticeable part of a short run.
 */
function ajvInstance(): Ajv {
  if (!ajv) {
    const load = createRequire(import.meta.url);
    const { Ajv: AjvClass } = load('ajv') as typeof import('ajv');
    const addFormats = load('ajv-formats') as (a: Ajv) => void;
    ajv = new AjvClass({ allErrors: false, strict: true });
    addFormats(ajv);
  }
  return ajv;
}

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajvInstance().compile(loadSchema(name));
    compiled.set(name, v);
  }
  return v;
}

/** `/a/0/b` (JSON pointer) to `$.a[0].b`. */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '$';
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return jsonPath(parts);
}

export function describeAjvError(e: ErrorObject): { path: string; problem: string } {
  let p = e.instancePath;
  let problem = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    p = `${p}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    problem = 'is not a known property';
  } else if (e.keyword === 'required') {
    problem = `must have property "${(e.params as { missingProperty: string }).missingProperty}"`;
  } else if (e.keyword === 'enum') {
    problem = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { path: pointerToPath(p), problem };
}

/** Returns the first problem, or null when the document is valid. */
export function check(name: SchemaName, doc: unknown): { path: string; problem: string } | null {
  const v = validator(name);
  if (v(doc)) return null;
  return describeAjvError(v.errors![0]!);
}

export function assertValid(name: SchemaName, doc: unknown, file: string, pathPrefix = ''): void {
  const err = check(name, doc);
  if (err) {
    const p = pathPrefix ? pathPrefix + err.path.slice(1) : err.path;
    throw new UserError(err.problem, { file, jsonPath: p });
  }
}
