/**
 * Resource records: the common shape that every declared source (cdktf synth, plan, state) is
 * reduced to before the Inventory is built. A value that cannot be known before apply, or that
 * depends on another resource, is an `Unresolved` carrying the addresses it refers to, so that
 * links (a policy to its role) can still be made by reference.
 */
import { dict } from '../dict.js';
import type { Change, Origin } from '../model.js';

export class Unresolved {
  constructor(
    /** Addresses referenced (`aws_iam_role.lab`, `data.aws_iam_policy_document.trust`). */
    readonly refs: string[],
    readonly reason: string,
    /** The expression as written, when there is one (`${aws_s3_bucket.x.arn}/*`). */
    readonly text?: string,
    /**
     * Plans with their configuration (checks/loaders/hcl): the policy document's JSON text as the
     * HCL evaluates it, with `${address.attribute}` placeholders where the plan does not know a
     * reference (checks/model.ts, "Placeholders").
     */
    readonly json?: string,
  ) {}
}

export type Value = string | number | boolean | null | Unresolved | Value[] | { [k: string]: Value };

export interface ResourceRecord {
  mode: 'managed' | 'data';
  type: string;
  /** Full address, unique within its source (`module.a.aws_iam_role.b["k"]`). */
  address: string;
  values: Record<string, Value>;
  change: Change;
  origin: Origin;
  /** Attributes marked sensitive by the source (never copied into the Inventory). */
  sensitive?: Set<string>;
  /** Attributes whose value was written literally in the configuration (plans, synth). */
  literal?: Set<string>;
  /** The region of the AWS provider configuration the resource uses, when written as a constant (plans, synth). */
  providerRegion?: string;
  /**
   * Plans with their .tf files: for a document attribute (`policy`) that is one policy document
   * data source, where each of its statement blocks is declared, in order.
   */
  statementsAt?: Record<string, Array<{ file: string; line: number; endLine: number }>>;
}

export function isUnresolved(v: unknown): v is Unresolved {
  return v instanceof Unresolved;
}

export function asString(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A whole number of at least 0 (durations, days, counts), as a number or its digits; anything else is undefined. */
export function asNumber(v: Value | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function asBool(v: Value | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function asObject(v: Value | undefined): Record<string, Value> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unresolved) ? v : undefined;
}

/** Terraform nested blocks appear as a list of objects, or (synth) a single object. */
export function asBlocks(v: Value | undefined): Array<Record<string, Value>> {
  if (Array.isArray(v)) return v.map(asObject).filter((x): x is Record<string, Value> => !!x);
  const o = asObject(v);
  return o ? [o] : [];
}

/** A list of strings; single strings become a one-element list; unresolved items are dropped. */
export function asStrings(v: Value | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Tag maps merged left to right into one map without a prototype (`tags_all`, then `tags`). */
export function mergeTags(...maps: Array<Record<string, string>>): Record<string, string> {
  const out = dict<string>();
  for (const m of maps) for (const k of Object.keys(m)) out[k] = m[k]!;
  return out;
}

/** String tags only, as a map without a prototype; unresolved tag maps are reported separately by the caller. */
export function asTags(v: Value | undefined): Record<string, string> {
  const o = asObject(v);
  const out = dict<string>();
  if (!o) return out;
  for (const [k, val] of Object.entries(o)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** The managed-resource address a reference points to: `aws_iam_role.x.name` -> `aws_iam_role.x`. */
export function refTarget(ref: string): string {
  const parts = splitAddress(ref);
  // data.TYPE.NAME[...] or module.M[...].TYPE.NAME or TYPE.NAME
  let i = 0;
  const out: string[] = [];
  while (parts[i] === 'module' && i + 1 < parts.length) {
    out.push(parts[i]!, parts[i + 1]!);
    i += 2;
  }
  if (parts[i] === 'data') {
    out.push(...parts.slice(i, i + 3));
  } else {
    out.push(...parts.slice(i, i + 2));
  }
  return out.join('.');
}

/** Splits a dotted address keeping `["key"]` and `[0]` index suffixes on their segment. */
export function splitAddress(address: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i]!;
    if (inString) {
      cur += c;
      if (c === '\\') {
        cur += address[++i] ?? '';
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** The region of a regional ARN (`arn:aws:secretsmanager:eu-west-1:...`), or undefined. */
export function arnRegion(arn: string | undefined): string | undefined {
  const m = arn ? /^arn:[a-z-]+:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn) : null;
  return m?.[1] || undefined;
}

/** The region of an element: the one it states, else its ARN's. */
export const regionOf = (e: { region?: string; arn?: string }): string | undefined => e.region ?? arnRegion(e.arn);
