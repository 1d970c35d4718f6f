/** Rule selection, several formats in one run, --stack, --version, help examples, the exit-0 note. */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, OPTIONS } from '../../checks/cli/options.js';
import { TOOL } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { PACK } from '../support/pack.js';
import { synthExamples } from '../support/synth.js';

const NOW = '2026-11-22';
const json = async (...args: string[]) => {
  const r = await runCli(['check', '--synth', synthExamples(), '--now', NOW, '--format', 'json', ...args]);
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
};
type F = { ruleId: string; severity: string; originalSeverity?: string };

describe('--rule, --skip-rule, --severity-override', () => {
  it('a skipped family is left out, and the document counts what it had', async () => {
    const all = (await json('--fail-on', 'none')).doc;
    const own = all.findings.filter((f: F) => f.ruleId.startsWith('NHI-OWN-')).length;
    expect(own).toBeGreaterThan(0);
    const { doc } = await json('--fail-on', 'none', '--skip-rule', 'NHI-OWN-*');
    expect(check('findings', doc)).toBeNull();
    expect(doc.findings.some((f: F) => f.ruleId.startsWith('NHI-OWN-'))).toBe(false);
    expect(doc.findings).toHaveLength(all.findings.length - own);
    const skipped = doc.selection.skipped as Array<{ id: string; findings: number }>;
    // Every NHI-OWN- rule of the pack (docs/rules.json, generated from METADATA), so that a new OWN rule needs no edit here.
    const family = PACK.map((r) => r.id)
      .filter((id) => id.startsWith('NHI-OWN-'))
      .sort();
    expect(family.length).toBeGreaterThan(1);
    expect(skipped.map((s) => s.id)).toEqual(family);
    expect(skipped.reduce((n, s) => n + s.findings, 0)).toBe(own);
    expect(doc.rules.some((r: { id: string }) => r.id.startsWith('NHI-OWN-'))).toBe(false);
  });

  it('--rule keeps only the matching rules; a skip wins over it', async () => {
    const { doc } = await json('--fail-on', 'none', '--rule', 'NHI-LP-*', '--skip-rule', 'NHI-LP-001');
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(doc.findings.every((f: F) => f.ruleId.startsWith('NHI-LP-') && f.ruleId !== 'NHI-LP-001')).toBe(true);
    expect(doc.selection.rule).toEqual(['NHI-LP-*']);
  });

  it('a severity override changes the finding, the rule and the gate, and is recorded', async () => {
    const r = await json('--fail-on', 'critical', '--severity-override', 'NHI-LP-001=medium', '--severity-override', 'NHI-EXP-002=low');
    const lp = r.doc.findings.find((f: F) => f.ruleId === 'NHI-LP-001');
    expect(lp).toMatchObject({ severity: 'medium', originalSeverity: 'critical' });
    expect(r.doc.rules.find((x: { id: string }) => x.id === 'NHI-LP-001').severity).toBe('medium');
    expect(r.doc.selection.severityOverrides).toEqual([
      { ruleId: 'NHI-EXP-002', from: 'critical', to: 'low' },
      { ruleId: 'NHI-LP-001', from: 'critical', to: 'medium' },
    ]);
    expect(r.code).toBe(0); // both criticals were lowered
    const text = (await runCli(['check', '--synth', synthExamples(), '--now', NOW, '--severity-override', 'NHI-LP-001=medium', '--fail-on', 'none'])).stdout;
    expect(text).toContain('Rule selection: severity changed for NHI-LP-001 critical→medium.');
  });
});

describe('--format FORMAT=FILE', () => {
  it('one run writes every report, the bare format to stdout', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-formats-'));
    const f = (n: string) => path.join(dir, 'reports', n);
    const r = await runCli([
      'check',
      '--synth',
      synthExamples(),
      '--now',
      NOW,
      '--fail-on',
      'none',
      '--format',
      `sarif=${f('nhi.sarif')}`,
      '--format',
      `markdown=${f('nhi.md')}`,
      '--format',
      `json=${f('nhi.json')}`,
      '--format',
      'text',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ finding\(s\) on \d+ identities/);
    const doc = JSON.parse(readFileSync(f('nhi.json'), 'utf8'));
    expect(JSON.parse(readFileSync(f('nhi.sarif'), 'utf8')).runs[0].results).toHaveLength(doc.findings.length);
    expect(readFileSync(f('nhi.md'), 'utf8')).toContain(`nhi-guard: ${doc.findings.length - doc.summary.waived} findings`);
    // Atomic writes leave no temporary files behind.
    expect(readdirSync(path.join(dir, 'reports')).sort()).toEqual(['nhi.json', 'nhi.md', 'nhi.sarif']);
  });

  it('--output takes the bare format; a second bare format or a file twice is exit 2 before anything is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-formats-'));
    const r = await runCli([
      'check',
      '--synth',
      synthExamples(),
      '--now',
      NOW,
      '--fail-on',
      'none',
      '--format',
      'junit',
      '--format',
      `json=${dir}/a.json`,
      '--output',
      `${dir}/j.xml`,
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(`${dir}/j.xml`, 'utf8')).toMatch(/^<\?xml/);
    const twice = await runCli(['check', '--synth', synthExamples(), '--format', `json=${dir}/x.json`, '--format', `sarif=${dir}/x.json`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('two reports would be written to');
    expect(existsSync(`${dir}/x.json`)).toBe(false);
  });
});

describe('--synth with --stack, or one stack folder', () => {
  it('--stack (repeatable) reads only the named stacks; an unknown name lists the real ones', async () => {
    const { doc } = await json('--fail-on', 'none', '--stack', 'legacy-hl7', '--stack', 'lab-results-exchange');
    expect(doc.inputs.map((i: { file: string }) => path.basename(path.dirname(i.file))).sort()).toEqual(['lab-results-exchange', 'legacy-hl7']);
    const bad = await runCli(['check', '--synth', synthExamples(), '--stack', 'legacy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/manifest\.json: \$\.stacks: has no stack "legacy" \(--stack\); its stacks: ci-deploy, /);
  });

  it('a single stack folder is a source of its own', async () => {
    const r = await runCli(['check', '--synth', path.join(synthExamples(), 'stacks', 'legacy-hl7'), '--now', NOW, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.inputs).toHaveLength(1);
    expect(doc.findings.find((f: F) => f.ruleId === 'NHI-LP-001')).toMatchObject({ resource: { stack: 'legacy-hl7' } });
  });
});

describe('the command line itself', () => {
  it('--version prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toBe(TOOL.version);
    expect(r.code).toBe(0);
  });

  it.each(COMMANDS.filter((c) => c !== 'report' && c !== 'policies'))('%s --help shows examples', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });

  it.each([
    ['report', 'merge', 'a.json'],
    ['policies', 'list'],
  ])('%s --help shows examples', async (...args) => {
    const r = await runCli([...args, '--help']);
    expect(r.stdout).toContain('Examples:');
  });

  it('every option is described', () => {
    for (const [name, def] of Object.entries(OPTIONS)) expect(def.spec.describe, name).toBeTruthy();
  });

  it('an exit 0 with critical findings says why in the last line (npm start)', async () => {
    const r = await runCli(['check', '--synth', synthExamples(), '--now', NOW, '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^exit 0 although 2 critical, \d+ high finding\(s\) are open: --fail-on none never fails the run; a CI gate runs with --fail-on high$/,
    );
    const gated = await runCli(['check', '--synth', synthExamples(), '--now', NOW]);
    expect(gated.code).toBe(1);
    expect(gated.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ finding\(s\) on/);
  });
});
