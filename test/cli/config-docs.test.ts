/** docs/config.md is run: its files written into a fresh repository, its commands executed there. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { ESTATE_PLAN } from '../support/estate.js';
import { codeBlocks, expectedExit, runShell } from '../support/shell.js';

const doc = readFileSync(path.resolve('docs/config.md'), 'utf8');
const blocks = codeBlocks(doc);
const files = blocks.filter((b) => b.lang === 'yaml' && /^# file: /.test(b.body)).map((b) => ({ name: /^# file: (\S+)/.exec(b.body)![1]!, body: b.body }));
const commands = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) =>
    b.body
      .split('\n')
      .map(expectedExit)
      .filter((x) => x !== undefined),
  );

let repo: string;

beforeAll(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'nhi-config-docs-'));
  mkdirSync(path.join(repo, '.git'));
  cpSync(ESTATE_PLAN, path.join(repo, 'plan.json'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(repo, f.name)), { recursive: true });
    writeFileSync(path.join(repo, f.name), f.body);
  }
});

describe('docs/config.md', () => {
  it('has files and commands to run', () => {
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['.nhi-guard.yaml', 'governance/policy-data.yaml', 'governance/waivers.yaml']));
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });

  it('its policy data example passes the --data schema', () => {
    for (const f of files.filter((x) => x.name.includes('policy-data'))) expect(check('policyData', parseYaml(f.body)), f.name).toBeNull();
  });

  it.each(commands.map((c) => [c.command, c.exit] as const))('%s exits %i', (command, exit) => {
    const r = runShell(command, repo);
    expect(r.code, r.stderr).toBe(exit);
    if (exit === 2) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('the repository file gives one evaluation three reports, and records the rule selection in them', () => {
    const r = runShell('nhi-guard check --plan plan.json --now 2026-11-22 --fail-on none', repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Rule selection: 1 rule\(s\) not reported \(NHI-UNK-001\), which had 1 finding\(s\) in this run/);
    expect(readFileSync(path.join(repo, 'nhi.md'), 'utf8')).toContain('NHI-UNK-001');
    const sarif = JSON.parse(readFileSync(path.join(repo, 'nhi.sarif'), 'utf8'));
    expect(sarif.runs[0].properties.selection.skipped).toEqual([expect.objectContaining({ id: 'NHI-UNK-001', findings: 1 })]);
    expect(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'NHI-UNK-001')).toBe(false);
    // The waiver of the file applies.
    expect(r.stdout).toMatch(/NHI-ROT-003 .*\[waived\]/);
  });

  it('is found from a subfolder of the repository, and keys that do not apply are noted, not fatal', () => {
    mkdirSync(path.join(repo, 'infra', 'deep'), { recursive: true });
    const r = runShell('nhi-guard inventory --plan ../../plan.json', path.join(repo, 'infra', 'deep'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('fail-on does not apply to inventory; ignored');
    expect(r.stdout).toContain('vendor-acme-sftp');
    expect(existsSync(path.join(repo, 'infra', 'deep', 'nhi.md'))).toBe(false);
  });

  it('refuses endpoint and profile in the file with the reason', () => {
    const r = runShell('nhi-guard check --plan plan.json --config elsewhere/.nhi-guard.yaml', repo);
    expect(r.stderr).toMatch(/elsewhere\/\.nhi-guard\.yaml: \$\.endpoint: is not accepted from a config file: .*give --endpoint on the command line/);
  });
});
