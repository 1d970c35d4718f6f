/**
 * Rule metadata from OPA's own METADATA annotations (read with `opa inspect -a` on the built
 * bundle). Every package under data.nhi.rules is one rule and must say, in a package-scoped
 * METADATA block: title, custom.id, custom.severity; optionally custom.sources,
 * custom.remediation, custom.references {owasp, nistCsf, hipaa}, custom.deprecated,
 * custom.voidsWaivers (the rule judges waivers: the waiver each finding names is void).
 */
import { dict } from '../dict.js';
import { UserError } from '../errors.js';
import type { PolicyFile } from './build.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const RULE_SOURCES = ['synth', 'plan', 'state', 'live', 'drift'] as const;
const DEFAULT_SOURCES = ['synth', 'plan', 'state', 'live'];
export const RULE_ID_PATTERN = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

export interface References {
  owasp: string[];
  nistCsf: string[];
  hipaa: string[];
}

export interface RuleMeta {
  id: string;
  /** Rego package under data.nhi.rules, e.g. `lp_001`. */
  package: string;
  title: string;
  description: string;
  severity: Severity;
  sources: string[];
  remediation: string;
  references: References;
  deprecated: boolean;
  /**
   * The rule judges waivers (METADATA custom.voidsWaivers): each of its findings names a waiver,
   * which then suppresses nothing, even when the rule itself is skipped.
   */
  voidsWaivers: boolean;
  /** The .rego file that declares the rule (as opa reports it). */
  file: string;
}

interface InspectAnnotation {
  annotations?: {
    scope?: string;
    title?: string;
    description?: string;
    custom?: Record<string, unknown>;
  };
  location?: { file?: string };
  path?: Array<{ type: string; value: string }>;
}

export interface InspectOutput {
  namespaces?: Record<string, string[]>;
  annotations?: InspectAnnotation[];
}

const RULES_PREFIX = 'data.nhi.rules.';

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const text = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));
  if (Array.isArray(v)) return v.map(text);
  return [text(v)];
}

/** Maps a bundle path back to the user's file when the suffix matches. */
function userFile(bundlePath: string, files: PolicyFile[]): string {
  const hit = files.find((f) => bundlePath.endsWith(f.path) || f.path.endsWith(bundlePath.replace(/^\/+/, '')));
  return hit ? hit.path : bundlePath;
}

export function rulesFromInspect(raw: unknown, files: PolicyFile[]): RuleMeta[] {
  const out = raw as InspectOutput;
  const namespaces = out.namespaces ?? {};
  const annotations = out.annotations ?? [];
  const rules: RuleMeta[] = [];
  const byId = new Map<string, RuleMeta>();

  for (const [ns, nsFiles] of Object.entries(namespaces)) {
    if (!ns.startsWith(RULES_PREFIX)) continue;
    // Entry points compiled into policy.wasm show up as namespaces of the wasm file: not rules.
    const ruleFiles = nsFiles.filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'));
    if (ruleFiles.length === 0) continue;
    const file = userFile(ruleFiles[0]!, files);
    const pkg = ns.slice(RULES_PREFIX.length);
    if (pkg.includes('.')) {
      throw new UserError(`rule package ${ns.slice(5)} is nested; rule packages are nhi.rules.<name>, one level`, { file });
    }
    const pkgAnn = annotations.find((a) => a.annotations?.scope === 'package' && a.path && a.path.map((p) => p.value).join('.') === ns)?.annotations;
    if (!pkgAnn) throw new UserError(`rule package ${ns.slice(5)} has no package METADATA block (title, custom.id, custom.severity)`, { file });
    const custom = pkgAnn.custom ?? {};
    const id = typeof custom.id === 'string' ? custom.id : '';
    if (!RULE_ID_PATTERN.test(id)) {
      throw new UserError(`rule package ${ns.slice(5)}: METADATA custom.id ${id ? `"${id}" is not an id like NHI-LP-001` : 'is missing'}`, { file });
    }
    const severity = custom.severity;
    if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
      throw new UserError(
        `rule ${id}: METADATA custom.severity ${severity === undefined ? 'is missing' : `${JSON.stringify(severity)} is not one of ${SEVERITIES.join(', ')}`}`,
        { file },
      );
    }
    if (!pkgAnn.title) throw new UserError(`rule ${id}: METADATA title is missing`, { file });
    const sources = custom.sources === undefined ? DEFAULT_SOURCES : strings(custom.sources);
    const badSource = sources.find((s) => !(RULE_SOURCES as readonly string[]).includes(s));
    if (badSource) throw new UserError(`rule ${id}: METADATA custom.sources has "${badSource}", expected some of ${RULE_SOURCES.join(', ')}`, { file });
    if (custom.voidsWaivers !== undefined && typeof custom.voidsWaivers !== 'boolean') {
      throw new UserError(`rule ${id}: METADATA custom.voidsWaivers must be true or false`, { file });
    }
    const refs = (custom.references ?? {}) as Record<string, unknown>;
    const meta: RuleMeta = {
      id,
      package: pkg,
      title: pkgAnn.title,
      description: pkgAnn.description?.trim() ?? pkgAnn.title,
      severity: severity as Severity,
      sources,
      remediation: typeof custom.remediation === 'string' ? custom.remediation.trim() : '',
      references: { owasp: strings(refs.owasp), nistCsf: strings(refs.nistCsf), hipaa: strings(refs.hipaa) },
      deprecated: custom.deprecated === true,
      voidsWaivers: custom.voidsWaivers === true,
      file,
    };
    const dup = byId.get(id);
    if (dup) throw new UserError(`rule id ${id} is declared twice (also in ${dup.file})`, { file });
    byId.set(id, meta);
    rules.push(meta);
  }
  rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rules;
}

/** The policy data the aggregator reads to decide which rules apply to which source. */
export function metaData(rules: RuleMeta[]): Record<string, { id: string; severity: string; sources: string[] }> {
  const out = dict<{ id: string; severity: string; sources: string[] }>();
  for (const r of rules) {
    if (r.deprecated) continue;
    out[r.package] = { id: r.id, severity: r.severity, sources: r.sources };
  }
  return out;
}

/** Id of the pseudo-element that an error finding names: the rule package that failed. */
export const ruleElementId = (pkg: string) => `rule:${pkg}`;
