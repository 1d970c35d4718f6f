import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeDocuments } from '../../checks/merge.js';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { baseFindings, finding, makeDoc } from './fixture.js';

function docs(): [FindingsDocument, FindingsDocument] {
  const fs = baseFindings();
  // A: the synth findings; B: the live one, one synth finding again (duplicate) and a new one.
  const a = makeDoc({ findings: fs.filter((f) => f.source === 'synth'), inputs: [{ kind: 'synth', file: '/r/a/cdk.tf.json' }] });
  const extra = finding('NHI-OWN-001', {
    message: 'Role etl-runner has no owner tag',
    identity: 'etl-runner',
    source: 'plan',
    resource: { type: 'aws_iam_role', name: 'etl-runner', address: 'aws_iam_role.etl' },
  });
  const b = makeDoc({
    findings: [fs.find((f) => f.source === 'live')!, fs[0]!, extra],
    inputs: [{ kind: 'plan', file: '/r/plan.json' }],
    generatedAt: '2026-11-23T01:00:00.000Z',
  });
  b.rules = b.rules.filter((r) => r.id !== 'NHI-ROT-009');
  return [a, b];
}

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'nhi-merge-'));
}

describe('report merge', () => {
  it('mergeDocuments dedupes findings, unites rules, concatenates inputs, recomputes the summary', () => {
    const [a, b] = docs();
    const m = mergeDocuments([a, b]);
    expect(check('findings', m)).toBeNull();
    expect(m.findings).toHaveLength(5 + 2); // 5 synth + live + etl-runner; the duplicate once
    expect(m.summary.bySeverity).toEqual({ critical: 1, high: 2, medium: 1, low: 1, info: 1 });
    expect(m.summary.waived).toBe(1);
    expect(m.summary.identities).toBe(8);
    expect(m.rules.map((r) => r.id).sort()).toEqual(['NHI-EXP-002', 'NHI-LP-001', 'NHI-LP-002', 'NHI-OWN-001', 'NHI-ROT-009']);
    expect(m.inputs).toEqual([
      { kind: 'synth', file: '/r/a/cdk.tf.json' },
      { kind: 'plan', file: '/r/plan.json' },
    ]);
    expect(m.generatedAt).toBe('2026-11-23T01:00:00.000Z');
    // Sorted worst first.
    expect(m.findings[0]!.severity).toBe('critical');
  });

  it('per-account drift --org documents: an account one of them compared with a declaration is declared, the rest undeclared', () => {
    const [a, b] = docs();
    a.driftAccounts = { declared: ['111111111111'], undeclared: ['222222222222', '333333333333'] };
    b.driftAccounts = { declared: ['222222222222'], undeclared: ['444444444444'] };
    const m = mergeDocuments([a, b]);
    expect(check('findings', m)).toBeNull();
    expect(m.driftAccounts).toEqual({ declared: ['111111111111', '222222222222'], undeclared: ['333333333333', '444444444444'] });
    expect(mergeDocuments(docs()).driftAccounts).toBeUndefined();
  });

  it('the same document twice merges to itself', () => {
    const d = makeDoc();
    const m = mergeDocuments([d, makeDoc()]);
    expect(m.findings).toEqual(d.findings);
    expect(m.summary).toEqual(d.summary);
    expect(m.inputs).toEqual(d.inputs);
  });

  it('an unwaived copy of a finding wins over a waived one', () => {
    const f = baseFindings().find((x) => x.waived)!;
    const open = { ...f, waived: false };
    delete (open as { waiver?: unknown }).waiver;
    const m = mergeDocuments([makeDoc({ findings: [f] }), makeDoc({ findings: [open] })]);
    expect(m.findings).toHaveLength(1);
    expect(m.findings[0]!.waived).toBe(false);
    expect(m.summary.bySeverity.medium).toBe(1);
  });

  it('nhi-guard report merge A.json B.json renders the merged document, exit 0', async () => {
    const dir = tmp();
    const [a, b] = docs();
    const fa = path.join(dir, 'a.json');
    const fb = path.join(dir, 'b.json');
    writeFileSync(fa, JSON.stringify(a));
    writeFileSync(fb, JSON.stringify(b));
    const r = await runCli(['report', 'merge', fa, fb]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const merged = JSON.parse(r.stdout) as FindingsDocument;
    expect(merged.findings).toHaveLength(7);
    expect(merged.summary.bySeverity).toEqual({ critical: 1, high: 2, medium: 1, low: 1, info: 1 });

    const out = path.join(dir, 'merged.xml');
    const j = await runCli(['report', 'merge', fa, fb, '--format', 'junit', '--output', out]);
    expect(j.code).toBe(0);
    expect(j.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/<testsuites name="nhi-guard" tests="\d+" failures="6" errors="0" skipped="1"/);

    const gate = await runCli(['report', 'merge', fa, fb, '--format', 'sarif', '--fail-on', 'high']);
    expect(gate.code).toBe(1);
    expect(JSON.parse(gate.stdout).version).toBe('2.1.0');
  });

  it('bad JSON input: exit 2 and one stderr line naming the file', async () => {
    const dir = tmp();
    const good = path.join(dir, 'good.json');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify(makeDoc()));
    writeFileSync(bad, '{"schemaVersion": "1.0.0", "findings": [');
    const r = await runCli(['report', 'merge', good, bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^nhi-guard: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is not valid JSON`));
  });

  it('a JSON file that is not a findings document: exit 2 naming file and path', async () => {
    const dir = tmp();
    const other = path.join(dir, 'other.json');
    const doc = makeDoc() as unknown as Record<string, unknown>;
    doc.summary = { bySeverity: {}, identities: 1, waived: 0 };
    writeFileSync(other, JSON.stringify(doc));
    const r = await runCli(['report', 'merge', other]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${other}: $.summary.bySeverity: must have property "critical"`);
  });

  it('unknown format and missing files are usage errors', async () => {
    const dir = tmp();
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(makeDoc()));
    const f = await runCli(['report', 'merge', good, '--format', 'pdf']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/pdf/);
    const missing = await runCli(['report', 'merge', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
  });
});
