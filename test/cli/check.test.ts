import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { synthExamples } from '../support/synth.js';

const NOW = '2026-11-22T00:00:00Z';

describe('nhi-guard check --synth', () => {
  it('emits a findings document that validates against the shipped schema', async () => {
    const r = await runCli(['check', '--synth', synthExamples(), '--format', 'json', '--now', NOW, '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(check('findings', doc)).toBeNull();
    expect(doc.now).toBe('2026-11-22T00:00:00.000Z');
    const byRule = (id: string) => doc.findings.filter((f: { ruleId: string }) => f.ruleId === id);
    // About the identity; the policy that grants Action "*" is the evidence.
    expect(byRule('NHI-LP-001')[0]).toMatchObject({
      severity: 'critical',
      identity: 'hl7-interface-engine',
      source: 'synth',
      resource: { constructPath: 'legacy-hl7/InterfaceEngineRole' },
      evidence: [{ constructPath: 'legacy-hl7/InterfaceEngineAdmin' }],
    });
    expect(byRule('NHI-EXP-002')[0]).toMatchObject({ identity: 'pacs-vendor-support', owner: 'imaging-it' });
    expect(byRule('NHI-EXP-002')[0].message).toContain('expired on 2026-06-30 (145 days ago)');
    // The compliant lab exchange identity has no finding at all.
    expect(doc.findings.filter((f: { identity?: string }) => f.identity === 'lab-results-exchange')).toEqual([]);
  });

  it.each([
    ['high', 1],
    ['critical', 1],
    ['none', 0],
  ])('--fail-on %s exits %i', async (failOn, code) => {
    const r = await runCli(['check', '--synth', synthExamples(), '--format', 'json', '--now', NOW, '--fail-on', failOn]);
    expect(r.code).toBe(code);
  });

  it('passes the gate when the debt is not yet due: no finding at or above the threshold', async () => {
    // Before 2026-06-30 the vendor role was valid; the other debt is critical/high, so only a
    // threshold above the worst finding passes. Nothing is at "info" except what exists.
    const r = await runCli(['check', '--synth', synthExamples(), '--format', 'json', '--now', '2026-05-01', '--fail-on', 'critical']);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.some((f: { ruleId: string }) => f.ruleId === 'NHI-EXP-002')).toBe(false);
    expect(r.code).toBe(doc.summary.bySeverity.critical > 0 ? 1 : 0);
  });

  it('writes --output atomically and prints nothing', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-out-')), 'reports', 'nhi.json');
    const r = await runCli(['check', '--synth', synthExamples(), '--format', 'json', '--output', out, '--now', NOW, '--fail-on', 'none']);
    expect(r.stdout).toBe('');
    expect(check('findings', JSON.parse(readFileSync(out, 'utf8')))).toBeNull();
    expect(existsSync(path.dirname(out))).toBe(true);
  });

  it('prints the text report with the summary line last', async () => {
    const r = await runCli(['check', '--synth', synthExamples(), '--now', NOW]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ finding\(s\) on \d+ identities: \d+ critical, \d+ high/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it.each([
    [['check'], /nothing to check: give --synth DIR/],
    [['check', '--synth', '/nonexistent/cdktf.out'], /^nhi-guard: \/nonexistent\/cdktf\.out: is not a folder/],
    [['check', '--synth', '.', '--now', 'yesterday'], /--now "yesterday" is not an ISO-8601 date/],
    [['check', '--synth', '.', '--format', 'pdf'], /--format "pdf": unknown format; choose one of text, json/],
    [['check', '--synth', '.', '--format', 'text', '--format', 'json'], /only one format can go to stdout; give the others a file/],
    [['check', '--synth', '.', '--fial-on', 'high'], /unknown option: fial-on \(did you mean --fail-on\?\)/],
    [['chekc'], /unknown command "chekc"; did you mean check\?/],
    [['check', '--synth', '.', '--skip-rule', 'NHI-NOPE-*'], /--skip-rule NHI-NOPE-\*: matches no rule of the pack/],
    [['check', '--synth', '.', '--fail-on', 'urgent'], /Invalid values/],
    [['frobnicate'], /unknown command "frobnicate" \(commands: check, baseline/],
    [['check', '--synth', 'test'], /^nhi-guard: .*manifest\.json: does not exist$/],
    [['check', '--synth', '.', '--output', 'a.json', '--output', 'b.json'], /^nhi-guard: --output is given 2 times; it takes one value$/],
    [['check', '--synth', '.', '--fail-on', 'high', '--fail-on', 'low'], /^nhi-guard: --fail-on is given 2 times; it takes one value$/],
    [['drift', '--now', NOW, '--now', NOW], /^nhi-guard: --now is given 2 times; it takes one value$/],
    [['access', '--synth', '.', '--format', 'json', '--format', 'text'], /^nhi-guard: --format is given 2 times; it takes one value$/],
  ])('usage and input errors exit 2 with one line: %j', async (args, re) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(re);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('nhi-guard policies', () => {
  it('build reports the rule count; a second build hits the cache', async () => {
    const env = { ...process.env, NHI_GUARD_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'nhi-pol-')) };
    process.env.NHI_GUARD_CACHE_DIR = env.NHI_GUARD_CACHE_DIR;
    const first = await runCli(['policies', 'build'], env);
    const second = await runCli(['policies', 'build'], env);
    expect(first.stdout).toMatch(/^compiled: \d+ rules/);
    expect(second.stdout).toMatch(/^cache hit: \d+ rules/);
  });

  it('list prints every rule id with severity', async () => {
    const r = await runCli(['policies', 'list', '--format', 'json']);
    const rules = JSON.parse(r.stdout) as Array<{ id: string; severity: string; sources: string[] }>;
    expect(rules.find((x) => x.id === 'NHI-EXP-002')).toMatchObject({ severity: 'critical', sources: ['synth', 'plan', 'state', 'live'] });
  });

  it('test runs opa test on the pack and passes', async () => {
    const r = await runCli(['policies', 'test']);
    expect(r.stdout).toMatch(/PASS: \d+\/\d+/);
    expect(r.code).toBe(0);
  });
});
