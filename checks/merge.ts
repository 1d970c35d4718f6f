/**
 * Merging findings documents: one per stack or plan of a monorepo, one per account of an
 * organization (an `--org` run merges its accounts' documents the same way), or one per job of
 * a nightly run spread over many machines (docs/nightly.md). Pure: no I/O.
 */
import { mergeAccess, type AccessStoreSummary, type FindingsAccess } from './access/summary.js';
import { SEVERITIES, type Severity } from './engine/metadata.js';
import {
  compareFindings,
  FINDINGS_SCHEMA_VERSION,
  summarize,
  TOOL,
  type Finding,
  type FindingsDocument,
  type RuleSummary,
  type TrendPoint,
} from './findings.js';

/** Same account, rule, resource, identity and message: one finding. */
function dedupeKey(f: Finding): string {
  const r = f.resource;
  return JSON.stringify([
    f.account ?? '',
    f.ruleId,
    r.type,
    r.name,
    r.address ?? '',
    r.arn ?? '',
    r.stack ?? '',
    r.constructPath ?? '',
    r.file ?? '',
    f.identity ?? '',
    f.message,
  ]);
}

const later = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

/**
 * The trends of per-account (or per-job) documents as one: their points summed per UTC day (one
 * nightly run per document and day; a later run of the same day replaces an earlier one of that
 * document). A day that not every document with a trend has a point for, or whose points include
 * an incomplete run, is marked incomplete: its counts are a lower bound.
 */
export function mergeTrends(trends: TrendPoint[][]): TrendPoint[] | undefined {
  const withTrend = trends.filter((t) => t.length > 0);
  if (withTrend.length === 0) return undefined;
  const days = new Map<string, { generatedAt: string; bySeverity: Record<Severity, number>; docs: number; incomplete: boolean }>();
  for (const t of withTrend) {
    const perDay = new Map<string, TrendPoint>();
    for (const p of t) {
      const day = p.generatedAt.slice(0, 10);
      const had = perDay.get(day);
      if (!had || p.generatedAt >= had.generatedAt) perDay.set(day, p);
    }
    for (const [day, p] of perDay) {
      let d = days.get(day);
      if (!d)
        days.set(
          day,
          (d = {
            generatedAt: p.generatedAt,
            bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
            docs: 0,
            incomplete: false,
          }),
        );
      for (const s of SEVERITIES) d.bySeverity[s] += p.bySeverity[s];
      d.generatedAt = later(d.generatedAt, p.generatedAt);
      d.docs++;
      if (p.incomplete) d.incomplete = true;
    }
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, d]) => {
      const point: TrendPoint = { generatedAt: d.generatedAt, bySeverity: d.bySeverity, total: SEVERITIES.reduce((n, s) => n + d.bySeverity[s], 0) };
      if (d.incomplete || d.docs < withTrend.length) point.incomplete = true;
      return point;
    });
}

/**
 * Merges documents: findings deduplicated (an unwaived copy wins over a waived one, so merging
 * never hides a finding), rules united by id, inputs, inventory rows, gaps and the PHI access map's stores (each with its account) concatenated, trends
 * summed per day (mergeTrends), the summary recomputed. `identities` is the sum over the
 * documents (they normally cover different stacks, plans or accounts); a document whose inputs
 * were all seen already (the same report given twice) adds none, and its inputs are not repeated.
 * Timestamps are the latest of the inputs', so the same inputs always give the same output.
 */
export function mergeDocuments(docs: FindingsDocument[]): FindingsDocument {
  if (docs.length === 0) throw new Error('mergeDocuments needs at least one document');
  const findings = new Map<string, Finding>();
  const rules = new Map<string, RuleSummary>();
  const inputs: FindingsDocument['inputs'] = [];
  const seenInputs = new Set<string>();
  const gaps: NonNullable<FindingsDocument['gaps']> = [];
  const inventory: NonNullable<FindingsDocument['inventory']> = [];
  const phiStores: NonNullable<FindingsDocument['phiStores']> = [];
  let anyPhiStores = false;
  const trends: TrendPoint[][] = [];
  const access: Array<FindingsAccess | AccessStoreSummary[]> = [];
  const accessAccounts: Array<string | undefined> = [];
  const declaredAccounts = new Set<string>();
  const undeclaredAccounts = new Set<string>();
  let anyDriftAccounts = false;
  const notCompared: NonNullable<FindingsDocument['notCompared']> = [];
  let identities = 0;
  let generatedAt = docs[0]!.generatedAt;
  let now = docs[0]!.now;
  for (const d of docs) {
    for (const r of d.rules) if (!rules.has(r.id)) rules.set(r.id, r);
    for (const f of d.findings) {
      const k = dedupeKey(f);
      const had = findings.get(k);
      if (!had || (had.waived && !f.waived)) findings.set(k, f);
    }
    const fresh = d.inputs.filter((i) => !seenInputs.has(`${i.kind}\u0000${i.file}`));
    for (const i of fresh) seenInputs.add(`${i.kind}\u0000${i.file}`);
    inputs.push(...fresh);
    // An incomplete live scan stays incomplete once merged (exit 3, never clean).
    if (fresh.length > 0 || d.inputs.length === 0) {
      gaps.push(...(d.gaps ?? []));
      identities += d.summary.identities;
      inventory.push(...(d.inventory ?? []));
      if (d.phiStores) {
        anyPhiStores = true;
        const acct = singleAccount(d);
        phiStores.push(...d.phiStores.map((s) => (s.account || !acct ? s : { ...s, account: acct })));
      }
      trends.push(d.trend ?? []);
      // The PHI access map of each document, its stores marked with their account.
      if (d.access) {
        access.push(d.access);
        accessAccounts.push(d.account?.id ?? singleAccount(d));
      }
    }
    if (d.notCompared) notCompared.push(...d.notCompared);
    if (d.driftAccounts) {
      anyDriftAccounts = true;
      for (const a of d.driftAccounts.declared) declaredAccounts.add(a);
      for (const a of d.driftAccounts.undeclared) undeclaredAccounts.add(a);
    }
    generatedAt = later(generatedAt, d.generatedAt);
    now = later(now, d.now);
  }
  const all = [...findings.values()].sort(compareFindings);
  const trend = mergeTrends(trends);
  const mergedAccess = mergeAccess(access, accessAccounts);
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: { ...TOOL },
    generatedAt,
    now,
    inputs,
    summary: summarize(all, identities),
    rules: [...rules.values()],
    findings: all,
    // The rule selection of the run (an --org run's documents share one; otherwise the first one's).
    ...(docs.find((d) => d.selection)?.selection ? { selection: docs.find((d) => d.selection)!.selection } : {}),
    ...(inventory.length ? { inventory } : {}),
    ...(trend ? { trend } : {}),
    ...(gaps.length ? { gaps } : {}),
    ...(mergedAccess ? { access: mergedAccess } : {}),
    ...(anyPhiStores ? { phiStores } : {}),
    ...(notCompared.length ? { notCompared } : {}),
    // Per-account drift documents: an account one of them compared with a declaration is declared.
    ...(anyDriftAccounts
      ? {
          driftAccounts: {
            declared: [...declaredAccounts].sort(),
            undeclared: [...undeclaredAccounts].filter((a) => !declaredAccounts.has(a)).sort(),
          },
        }
      : {}),
  };
}

/** The one account of a per-account live document (its `aws:<account>/<region>` inputs, else its findings), if it has one. */
function singleAccount(d: FindingsDocument): string | undefined {
  const fromInputs = new Set(d.inputs.map((i) => /^aws:(\d{12})\//.exec(i.file)?.[1]).filter((a) => a !== undefined));
  const accounts = fromInputs.size ? fromInputs : new Set(d.findings.map((f) => f.account).filter((a) => a !== undefined));
  return accounts.size === 1 ? [...accounts][0] : undefined;
}
