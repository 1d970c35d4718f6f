/**
 * The versioned findings document (schema: checks/schemas/findings.schema.json): raw findings of
 * the engine joined with rule metadata and the Inventory elements they name. Every report format
 * is a pure function of this document.
 */
import type { AccessDelta } from './access/document.js';
import type { AccessStoreSummary, FindingsAccess } from './access/summary.js';
import type { PhiStoreRow } from './phiStores.js';
import path from 'node:path';
import type { BaselineState, BaselineSummary } from './baseline.js';
import { fingerprint } from './fingerprint.js';
import type { RawFinding } from './engine/index.js';
import { ruleElementId, SEVERITIES, type References, type RuleMeta, type Severity } from './engine/metadata.js';
import { countFindings, elementType, inventoryRows, type InventoryRow } from './inventoryRows.js';
import type { Gap, Inventory, Origin, SourceKind, Statement } from './model.js';
import type { ResolvedSelection, SelectionRecord } from './selection.js';
import { WaiverIndex, type WaiverFact } from './waivers.js';

/**
 * 1.1.0: findings carry a fingerprint and, against a baseline, a baseline state; the document its baseline. 1.2.0: `access` is compact (principals by index).
 * 1.3.0: NHI-LP-008 findings name their phi stores by id (`stores`, `storeKinds`).
 */
export const FINDINGS_SCHEMA_VERSION = '1.3.0';
export const TOOL = { name: 'nhi-guard', version: '0.1.0' } as const;

export interface FindingResource {
  address?: string;
  arn?: string;
  type: string;
  name: string;
  constructPath?: string;
  /** The declaring .tf or stack .ts file (relative to the source root), else the input file. */
  file?: string;
  /** 1-based line range of the declaration in `file`, when known. */
  line?: number;
  endLine?: number;
  stack?: string;
}

/** Where a finding points at in the source when it is not the resource's own block: a declared policy or its statement. */
export interface FindingLocation {
  file: string;
  line?: number;
  endLine?: number;
}

export interface Waiver {
  ruleId: string;
  resource: string;
  owner: string;
  reason: string;
  expiresOn: string;
  ticket?: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  source: SourceKind | 'drift';
  resource: FindingResource;
  identity?: string;
  owner?: string;
  /** Live: the AWS account of the resource. */
  account?: string;
  /** What shows the finding when it is about an identity: the policy, attachment or group. */
  evidence?: FindingResource[];
  /**
   * Where in the source the finding points, when not at the resource's own block: the declared
   * statement (or policy) a drift finding is about. SARIF and the GitHub annotations use it.
   */
  location?: FindingLocation;
  /**
   * The data-class phi stores a finding names (NHI-LP-008): their ids as `phiStores` lists them,
   * and the kinds whose every phi store it reaches (a grant on Resource "*"). Reports link a
   * finding to a store by these, never by its message.
   */
  stores?: string[];
  storeKinds?: string[];
  remediation: string;
  references: References;
  waived: boolean;
  waiver?: Waiver;
  /** With --severity-override: the rule's own severity (`severity` is the overridden one). */
  originalSeverity?: Severity;
  /** Stable identity of the finding across runs (checks/baseline.ts). */
  fingerprint?: string;
  /** With --baseline: new in this run, or already in the baseline (resolved: only in `baseline.resolved`). */
  baseline?: BaselineState;
}

export interface RuleSummary {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  remediation: string;
  references: References;
}

export interface FindingsDocument {
  schemaVersion: string;
  tool: { name: string; version: string };
  generatedAt: string;
  now: string;
  inputs: Array<{ kind: string; file: string }>;
  /** The own AWS account the rules used, and where the input said it (checks/loaders/ownAccount.ts). */
  account?: { id: string; source?: string };
  summary: {
    bySeverity: Record<Severity, number>;
    identities: number;
    waived: number;
  };
  rules: RuleSummary[];
  findings: Finding[];
  /** Every identity and credential of the inputs, with its owner, expiry and open findings. */
  inventory?: InventoryRow[];
  /** Drift with --history: unwaived findings of the earlier runs and this one, oldest first. */
  trend?: TrendPoint[];
  /** Live: parts of the account that could not be read. Present and non-empty: the result is incomplete (exit 3), never clean. */
  gaps?: Gap[];
  /** With --rule/--skip-rule/--severity-override: the rules not reported (with their findings) and the severities changed. */
  selection?: SelectionRecord;
  /** With --baseline: what this run was compared against, and the baseline's findings that are gone. */
  baseline?: BaselineSummary;
  /**
   * The PHI access map: the data-class phi stores, who reaches them and how, compact (checks/access/summary.ts;
   * read it with accessStores). Documents of 1.1.0 carry the stores as an array, each principal inline.
   */
  access?: FindingsAccess | AccessStoreSummary[];
  /** Every data store of data-class phi in the inputs, with its account and region (checks/phiStores.ts). */
  phiStores?: PhiStoreRow[];
  /** With --baseline whose document has `access`: what this change gives or takes. */
  accessDelta?: AccessDelta;
  /** Drift with --history: what is new since the previous run of the folder, and what was resolved (never gates). */
  sincePrevious?: SincePrevious;
  /** The expiring-soon window of the policy data (days), which NHI-EXP-004 judged with. */
  expiringSoonDays?: number;
  /**
   * Drift of an organization (`drift --org`, checks/drift/org.ts): the accounts read that a
   * declaration covers, and those none covers (compared with an empty declaration).
   */
  driftAccounts?: { declared: string[]; undeclared: string[] };
  /**
   * Drift: the declared elements not compared because their live side lies in a gap of the live
   * read (checks/drift/unread.ts), each with that gap; never reported missing live.
   */
  notCompared?: Array<{ element: string; gap: string; account?: string }>;
}

export interface SincePrevious {
  /** The previous run's document in the history folder. */
  file: string;
  generatedAt: string;
  /** Fingerprints of this run's findings that the previous run did not have. */
  new: string[];
  /** The previous run's findings this run no longer reports. */
  resolved: Finding[];
}

export interface TrendPoint {
  generatedAt: string;
  bySeverity: Record<Severity, number>;
  total: number;
  /** The run could not read part of the account: its counts are a lower bound. */
  incomplete?: boolean;
}

interface Located {
  type: string;
  name: string | null;
  arn?: string;
  origin: Origin;
  governance?: { owner?: string };
  /** Policies: where each statement is declared, when the source says. */
  statements?: Array<Statement['declaredAt']>;
}

/** Every element a finding may name, by id (waivers too: NHI-WVR-* findings are about them). */
function index(inv: Inventory, waivers: WaiverFact[], rules: RuleMeta[]): Map<string, Located> {
  const m = new Map<string, Located>();
  // Error findings of a rule that failed to evaluate name the rule's file.
  for (const r of rules) m.set(ruleElementId(r.package), { type: 'policy-rule', name: r.package, origin: { source: 'synth', file: r.file } });
  for (const w of waivers) {
    const name = w.origin.constructPath ?? w.id.slice(w.id.lastIndexOf('#') + 1);
    m.set(w.id, { type: 'waiver', name, origin: { source: 'synth', file: w.origin.file, constructPath: w.origin.constructPath, stack: w.origin.stack } });
  }
  for (const i of inv.identities)
    m.set(i.id, { type: elementType(i.kind, i.origin.source), name: i.name, arn: i.arn, origin: i.origin, governance: i.governance });
  for (const p of inv.policies) {
    const statements = p.document.document?.statements.map((s) => s.declaredAt);
    m.set(p.id, {
      type: p.type === 'aws-managed' ? 'aws-managed-policy' : p.type === 'inline' ? 'inline-policy' : 'aws_iam_policy',
      name: p.name,
      arn: p.arn,
      origin: p.origin,
      ...(statements?.some((x) => x) ? { statements } : {}),
    });
  }
  for (const c of inv.credentials) {
    m.set(c.id, { type: elementType(c.kind, c.origin.source), name: c.name, arn: c.arn, origin: c.origin, governance: c.governance });
  }
  for (const d of inv.dataStores)
    m.set(d.id, {
      type: `data-store:${d.kind}`,
      name: d.name,
      arn: d.arn,
      origin: d.origin,
      ...(d.owner !== undefined ? { governance: { owner: d.owner } } : {}),
    });
  for (const g of inv.groups) m.set(g.id, { type: 'aws_iam_group', name: g.name, origin: g.origin });
  for (const u of inv.unknowns) m.set(u.id, { type: `unknown:${u.what}`, name: u.origin.address ?? u.id, origin: u.origin });
  for (const p of inv.plainCredentials ?? []) m.set(p.id, { type: p.holderType, name: p.name, origin: p.origin });
  for (const c of inv.compute ?? []) m.set(c.id, { type: `compute:${c.kind}`, name: c.name, origin: c.origin });
  return m;
}

/**
 * Where a finding that names a declared element to point at (f.location, f.statement) points: the
 * statement's declaration when the source gives it, else the element's declaring block.
 */
function pointAt(el: Located | undefined, statement: number | undefined, sourceRoot: string): FindingLocation | undefined {
  if (!el) return undefined;
  const at = statement !== undefined ? el.statements?.[statement] : undefined;
  const r: FindingResource = { type: el.type, name: '' };
  locate(r, at ? { source: el.origin.source, sourceFile: at.file, line: at.line, ...(at.endLine ? { endLine: at.endLine } : {}) } : el.origin, sourceRoot);
  if (!r.file) return undefined;
  return { file: r.file, ...(r.line ? { line: r.line } : {}), ...(r.endLine ? { endLine: r.endLine } : {}) };
}

/**
 * The file a finding points at: the declaring source (a plan resource's .tf file, a construct's
 * stack .ts file) relative to the source root when it lies inside it, else the input file.
 */
function locate(r: FindingResource, origin: Origin, sourceRoot: string): void {
  if (origin.sourceFile) {
    const rel = path.relative(sourceRoot, origin.sourceFile);
    r.file = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : origin.sourceFile;
    if (origin.line) r.line = origin.line;
    if (origin.endLine && origin.line && origin.endLine >= origin.line) r.endLine = origin.endLine;
  } else if (origin.file) r.file = origin.file;
}

function resourceOf(id: string, el: Located | undefined, sourceRoot: string): FindingResource {
  if (!el) return { type: 'unknown', name: id };
  const r: FindingResource = { type: el.type, name: el.name ?? el.origin.address ?? id };
  if (el.origin.address) r.address = el.origin.address;
  const arn = el.arn ?? el.origin.arn;
  if (arn) r.arn = arn;
  if (el.origin.constructPath) r.constructPath = el.origin.constructPath;
  locate(r, el.origin, sourceRoot);
  if (el.origin.stack) r.stack = el.origin.stack;
  return r;
}

const POLICY_TYPES = new Set(['aws-managed-policy', 'inline-policy', 'aws_iam_policy']);

/**
 * What a finding is about and what shows it. A finding about what an identity may do is about the
 * identity, wherever the grant sits: a rule that names a policy held by an identity (NHI-LP-004 on
 * AdministratorAccess attached to a role) gives the identity as resource and the policy as
 * evidence, so fingerprints and waivers follow the identity, never a policy shared by many.
 */
function subjectOf(f: RawFinding, elements: Map<string, Located>): { resource: string; evidence: string[] } {
  const evidence = [...(f.evidence ?? [])];
  if (f.identity && f.resource !== f.identity && POLICY_TYPES.has(elements.get(f.resource)?.type ?? '') && elements.has(f.identity)) {
    return { resource: f.identity, evidence: [f.resource, ...evidence.filter((e) => e !== f.resource)] };
  }
  return { resource: f.resource, evidence };
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.resource.address ?? a.resource.arn ?? a.resource.name).localeCompare(b.resource.address ?? b.resource.arn ?? b.resource.name) ||
    a.message.localeCompare(b.message)
  );
}

export interface DocumentOptions {
  raw: RawFinding[];
  /** Declaring source files are made relative to this folder (--source-root; default the current folder). */
  sourceRoot?: string;
  rules: RuleMeta[];
  inventory: Inventory;
  source: SourceKind | 'drift';
  now: Date;
  generatedAt?: Date;
  /** Waivers of the run (file and declared); the ones no finding of a waiver-voiding rule (custom.voidsWaivers) voids are applied. */
  waivers?: WaiverFact[];
  /** More Inventories whose elements findings may name (drift: the declared side), not counted or listed. */
  lookup?: Inventory[];
  /** Inventory-section counts: findings on these ids count for the mapped id (drift: declared id -> live id). */
  aliases?: Map<string, string>;
  /** Drift: live id -> the declared id it is matched to; a waiver naming the declaration covers the live element. */
  declaredOf?: Map<string, string>;
  /** Parts of a live account that could not be read (default: the gaps of `inventory`). */
  gaps?: Gap[];
  /** Rule selection and severity overrides of the run (checks/selection.ts). */
  selection?: ResolvedSelection;
  /** Live: the account every finding is about (set on each finding). */
  account?: string;
}

/** The same finding reported twice (two inputs carrying the same waiver, say) is one finding. */
/** A non-empty list of strings a rule returned (a user rule may return anything). */
function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? [...v] : undefined;
}

function dedupe(raw: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return raw.filter((f) => {
    const key = JSON.stringify([f.ruleId, f.resource, f.identity ?? null, f.message, f.evidence ?? []]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function waiverOf(w: WaiverFact): Waiver {
  const out: Waiver = { ruleId: w.ruleId!, resource: w.resource!, owner: w.owner!, reason: w.reason!, expiresOn: w.expiresOn! };
  if (w.ticket) out.ticket = w.ticket;
  return out;
}

export function findingsDocument(opts: DocumentOptions): FindingsDocument {
  const byId = new Map(opts.rules.map((r) => [r.id, r]));
  const waivers = opts.waivers ?? [];
  const elements = index(opts.inventory, waivers, opts.rules);
  for (const inv of opts.lookup ?? []) for (const [id, el] of index(inv, [], [])) if (!elements.has(id)) elements.set(id, el);
  const all = dedupe(opts.raw);
  // The rules whose METADATA says they judge waivers void the waiver each finding names; a skipped
  // one still does: skipping NHI-WVR-001 never revives an expired waiver.
  const voided = new Set(all.filter((f) => byId.get(f.ruleId)?.voidsWaivers === true).map((f) => f.resource));
  const sel = opts.selection;
  const skippedFindings = new Map<string, number>();
  const raw = sel
    ? all.filter((f) => {
        if (sel.keeps(f.ruleId)) return true;
        skippedFindings.set(f.ruleId, (skippedFindings.get(f.ruleId) ?? 0) + 1);
        return false;
      })
    : all;
  const usable = new WaiverIndex(waivers.filter((w) => !voided.has(w.id) && w.problems.length === 0));
  const counted: Array<{ resource: string; identity?: string; waived: boolean }> = [];
  const findings: Finding[] = raw.map((f) => {
    const meta = byId.get(f.ruleId);
    const identity = f.identity ? elements.get(f.identity) : undefined;
    const subject = subjectOf(f, elements);
    const resource = elements.get(subject.resource);
    const owner = identity?.governance?.owner ?? resource?.governance?.owner;
    const severity = sel ? sel.severityOf(f.ruleId, f.severity) : f.severity;
    const out: Finding = {
      ruleId: f.ruleId,
      severity,
      title: meta?.title ?? f.ruleId,
      message: f.message,
      source: f.source ?? opts.source,
      resource: resourceOf(subject.resource, resource, path.resolve(opts.sourceRoot ?? '.')),
      remediation: meta?.remediation ?? '',
      references: meta?.references ?? { owasp: [], nistCsf: [], hipaa: [] },
      waived: false,
    };
    if (severity !== f.severity) out.originalSeverity = f.severity;
    if (identity) out.identity = identity.name ?? f.identity!;
    if (owner && owner.trim()) out.owner = owner;
    if (opts.account) out.account = opts.account;
    if (subject.evidence.length) out.evidence = subject.evidence.map((id) => resourceOf(id, elements.get(id), path.resolve(opts.sourceRoot ?? '.')));
    const location = f.location ? pointAt(elements.get(f.location), f.statement, path.resolve(opts.sourceRoot ?? '.')) : undefined;
    if (location) out.location = location;
    const stores = strings(f.stores);
    if (stores) out.stores = stores;
    const storeKinds = strings(f.storeKinds);
    if (storeKinds) out.storeKinds = storeKinds;
    // A finding about a waiver is never waived itself.
    // A live element matched to a declaration goes by the declared names too (drift): a waiver
    // declared on the key, the role or the secret covers the live finding about it.
    const declaredId = opts.declaredOf?.get(subject.resource);
    const declaredEl = declaredId ? elements.get(declaredId) : undefined;
    const names = [
      { ...out.resource, id: subject.resource },
      ...(declaredEl ? [{ ...resourceOf(declaredId!, declaredEl, path.resolve(opts.sourceRoot ?? '.')), id: declaredId! }] : []),
    ];
    const waiver = meta?.voidsWaivers ? undefined : usable.first(f.ruleId, names);
    if (waiver) {
      out.waived = true;
      out.waiver = waiverOf(waiver);
    }
    const alias = (id: string) => opts.aliases?.get(id) ?? id;
    out.fingerprint = fingerprint(out);
    counted.push({ resource: alias(subject.resource), ...(f.identity ? { identity: alias(f.identity) } : {}), waived: out.waived });
    return out;
  });
  findings.sort(compareFindings);
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: { ...TOOL },
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    now: opts.now.toISOString(),
    inputs: opts.inventory.inputs.map((i) => ({ kind: i.kind, file: i.file })),
    ...(opts.inventory.accountId
      ? { account: { id: opts.inventory.accountId, ...(opts.inventory.accountSource ? { source: opts.inventory.accountSource } : {}) } }
      : {}),
    summary: summarize(findings, opts.inventory.identities.filter((i) => i.change !== 'delete').length),
    rules: opts.rules
      .filter((r) => !r.deprecated && (!sel || sel.keeps(r.id)))
      .map((r) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        severity: sel ? sel.severityOf(r.id, r.severity) : r.severity,
        remediation: r.remediation,
        references: r.references,
      })),
    findings,
    inventory: inventoryRows(opts.inventory, countFindings(counted)),
    ...(sel && !sel.empty
      ? { selection: { ...sel.record, skipped: sel.record.skipped.map((r) => ({ ...r, findings: skippedFindings.get(r.id) ?? 0 })) } }
      : {}),
    ...((opts.gaps ?? opts.inventory.gaps)?.length ? { gaps: [...(opts.gaps ?? opts.inventory.gaps)!] } : {}),
  };
}

/** The summary of a document: unwaived findings by severity, the identity count, waived findings. */
export function summarize(findings: Finding[], identities: number): FindingsDocument['summary'] {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.waived) bySeverity[f.severity]++;
  return { bySeverity, identities, waived: findings.filter((f) => f.waived).length };
}

/** The findings the gate judges: unwaived, and against a baseline only the new ones. */
export function gatedFindings(doc: FindingsDocument): Finding[] {
  return doc.findings.filter((f) => !f.waived && f.baseline !== 'existing');
}

/** True when a gated finding is at or above the threshold (`none` never fails). */
export function failsGate(doc: FindingsDocument, failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  const limit = severityRank(failOn);
  return gatedFindings(doc).some((f) => severityRank(f.severity) <= limit);
}
