/**
 * `nhi-guard report merge A.json B.json ...`: joins findings documents (say, one per stack or per
 * plan of a monorepo) into one and renders it in any report format. Each input is checked against
 * the findings schema first; a bad file is a usage error naming it.
 */
import type { CommandModule } from 'yargs';
import { loadFindingsDocument } from '../baseline.js';
import type { Severity } from '../engine/metadata.js';
import { compareFindings, FINDINGS_SCHEMA_VERSION, summarize, TOOL, type Finding, type FindingsDocument, type RuleSummary } from '../findings.js';
import type { Io } from './index.js';
import { emitReports, exitFor, reportTargets } from './output.js';
import { withOptions } from './options.js';

/** Same rule, same resource, same identity, same message: one finding. */
function dedupeKey(f: Finding): string {
  const r = f.resource;
  return JSON.stringify([f.ruleId, r.type, r.name, r.address ?? '', r.arn ?? '', r.stack ?? '', r.constructPath ?? '', r.file ?? '', f.identity ?? '', f.message]);
}

const later = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

/**
 * Merges documents: findings deduplicated (an unwaived copy wins over a waived one, so merging
 * never hides a finding), rules united by id, inputs concatenated, the summary recomputed.
 * `identities` is the sum over the documents (they normally cover different stacks or plans); a
 * document whose inputs were all seen already (the same report given twice) adds none, and its
 * inputs are not repeated.
 * Timestamps are the latest of the inputs', so the same inputs always give the same output.
 */
export function mergeDocuments(docs: FindingsDocument[]): FindingsDocument {
  if (docs.length === 0) throw new Error('mergeDocuments needs at least one document');
  const findings = new Map<string, Finding>();
  const rules = new Map<string, RuleSummary>();
  const inputs: FindingsDocument['inputs'] = [];
  const seenInputs = new Set<string>();
  const gaps: NonNullable<FindingsDocument['gaps']> = [];
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
    }
    generatedAt = later(generatedAt, d.generatedAt);
    now = later(now, d.now);
  }
  const all = [...findings.values()].sort(compareFindings);
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: { ...TOOL },
    generatedAt,
    now,
    inputs,
    summary: summarize(all, identities),
    rules: [...rules.values()],
    findings: all,
    ...(gaps.length ? { gaps } : {}),
  };
}

export function reportCommand(io: Io, setExit: (c: number) => void): CommandModule {
  return {
    command: 'report <action> <files..>',
    describe: 'merge findings documents (JSON reports) and render them in any format',
    builder: (y) =>
      withOptions(y, 'report')
        .positional('action', { choices: ['merge'] as const, describe: 'merge' })
        .positional('files', { type: 'string', array: true, describe: 'findings documents (nhi-guard --format json)' })
        .example('$0 report merge prod.json staging.json --format markdown=nhi.md --format json=all.json', 'one report of several runs'),
    handler: async (argv) => {
      const a = argv as unknown as { files: string[]; format: string | string[]; output?: string; failOn: Severity | 'none'; sourceRoot?: string };
      const targets = reportTargets(a.format, a.output);
      const docs: FindingsDocument[] = [];
      for (const f of a.files) docs.push(await loadFindingsDocument(f));
      const merged = mergeDocuments(docs);
      await emitReports(merged, targets, io, a.sourceRoot, a.failOn);
      exitFor(merged, a.failOn, setExit);
    },
  };
}
