/**
 * A repository with existing debt adopts the gate: baseline on the default branch, then a pull
 * request that adds one finding and fixes another (with edits that must not disturb the rest).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { debtRepo, type DebtRepo } from '../support/debtRepo.js';
import { SESSION_SECONDS } from '../../stacks/constructs/aws-limits.js';

const NOW = '2026-11-22';
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(path.resolve('test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object);
let repo: DebtRepo;
let out: string;
let baseline: string;

beforeAll(async () => {
  repo = debtRepo();
  out = mkdtempSync(path.join(os.tmpdir(), 'nhi-baseline-'));
  baseline = path.join(out, 'baseline.json');
  const r = await runCli(['baseline', '--synth', repo.base, '--now', NOW, '--output', baseline]);
  expect(r.code, r.stderr).toBe(0);
});

const run = (...args: string[]) => runCli(['check', '--synth', repo.change, '--now', NOW, ...args]);

describe('nhi-guard baseline', () => {
  it('writes a schema-valid findings document of the current state and exits 0 despite critical findings', () => {
    const doc = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(check('findings', doc)).toBeNull();
    expect(doc.summary.bySeverity.critical).toBeGreaterThan(0);
    expect(doc.findings.every((f: { fingerprint?: string }) => /^[0-9a-f]{32}$/.test(f.fingerprint ?? ''))).toBe(true);
  });
});

describe('the changed repository', () => {
  it('holds only values AWS accepts: every role session from 3600 to 43200 seconds (the edits are ordinary ones)', () => {
    const manifest = JSON.parse(readFileSync(path.join(repo.change, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
    const sessions: Array<[string, number]> = [];
    for (const s of Object.values(manifest.stacks)) {
      const doc = JSON.parse(readFileSync(path.join(repo.change, s.synthesizedStackPath), 'utf8')) as {
        resource?: { aws_iam_role?: Record<string, { name: string; max_session_duration?: number }> };
      };
      for (const r of Object.values(doc.resource?.aws_iam_role ?? {}))
        if (r.max_session_duration !== undefined) sessions.push([r.name, r.max_session_duration]);
    }
    expect(sessions.length).toBeGreaterThan(5);
    for (const [name, seconds] of sessions) expect(seconds >= SESSION_SECONDS.min && seconds <= SESSION_SECONDS.max, `${name}: ${seconds}`).toBe(true);
    expect(sessions).toContainEqual(['patient-portal-api', 7200]);
  });
});

describe('check --baseline', () => {
  it('gates on new findings only: the existing critical debt passes --fail-on high, the new medium fails --fail-on medium', async () => {
    expect((await run('--fail-on', 'high')).code).toBe(1); // without a baseline the debt fails the gate
    expect((await run('--baseline', baseline, '--fail-on', 'high')).code).toBe(0);
    expect((await run('--baseline', baseline, '--fail-on', 'medium')).code).toBe(1);
    expect((await run('--baseline', baseline, '--fail-on', 'none')).code).toBe(0);
  });

  it('records the state of each finding in the JSON document: one new, one resolved, the rest existing', async () => {
    const r = await run('--baseline', baseline, '--format', 'json', '--fail-on', 'none');
    const doc = JSON.parse(r.stdout);
    expect(check('findings', doc)).toBeNull();
    const fresh = doc.findings.filter((f: { baseline: string }) => f.baseline === 'new');
    expect(fresh.map((f: { ruleId: string; identity: string }) => [f.ruleId, f.identity])).toEqual([['NHI-OWN-002', 'lab-results-exchange']]);
    expect(doc.baseline.resolved.map((f: { ruleId: string; resource: { type: string } }) => [f.ruleId, f.resource.type])).toEqual([
      ['NHI-EXP-001', 'aws_iam_role'],
    ]);
    const base = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(doc.baseline).toMatchObject({ file: baseline, new: 1, existing: base.findings.length - 1, notEvaluated: 0 });
    // The moved stack file, the reordered resources and the changed expiry date did not make anything new.
    const expired = doc.findings.find((f: { ruleId: string }) => f.ruleId === 'NHI-EXP-002');
    expect(expired).toMatchObject({ baseline: 'existing', message: expect.stringContaining('2026-07-31') });
    // It was read from the moved folder, and points at the stack's source, which did not move.
    expect(doc.inputs.map((i: { file: string }) => i.file).filter((f: string) => f.includes('legacy-hl7-moved'))).toHaveLength(1);
    expect(expired.resource.file).toMatch(/(^|\/)stacks\/legacy-hl7\.ts$/);
  });

  it('the Markdown comment leads with the new findings, then the resolved, then the existing ones collapsed', async () => {
    const md = (await run('--baseline', baseline, '--format', 'markdown', '--fail-on', 'none')).stdout;
    expect(md.split('\n')[1]).toBe('## 🟨 nhi-guard: 1 new finding (1 medium); 1 resolved, 9 existing');
    const at = (s: string) => md.indexOf(s);
    expect(at('### New findings (1)')).toBeGreaterThan(0);
    expect(at('### Resolved (1)')).toBeGreaterThan(at('### New findings (1)'));
    expect(at('<summary><b>Existing findings (9)</b>')).toBeGreaterThan(at('### Resolved (1)'));
    const newSection = md.slice(at('### New findings'), at('### Resolved'));
    expect(newSection).toContain('`NHI-OWN-002`');
    expect(newSection).not.toContain('NHI-LP-001');
    const resolved = md.slice(at('### Resolved'), at('<details>'));
    expect(resolved).toContain('`NHI-EXP-001` role hl7-interface-engine has no "expires-on" tag');
    const existing = md.slice(at('<details>'), md.indexOf('</details>'));
    expect(existing).toContain('`NHI-LP-001`');
  });

  it('SARIF marks each result new or unchanged', async () => {
    const sarif = JSON.parse((await run('--baseline', baseline, '--format', 'sarif', '--fail-on', 'none')).stdout);
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const results = sarif.runs[0].results as Array<{ ruleId: string; baselineState: string }>;
    expect(results.filter((r) => r.baselineState === 'new').map((r) => r.ruleId)).toEqual(['NHI-OWN-002']);
    expect(results.filter((r) => r.baselineState === 'unchanged')).toHaveLength(results.length - 1);
    expect(sarif.runs[0].properties.baseline).toMatchObject({ new: 1, resolved: 1 });
  });

  it('a baseline that is not a findings document is exit 2 naming the file and the JSON path', async () => {
    const bad = path.join(out, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: '1.0.0' }));
    const r = await run('--baseline', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}: $: must have property`);
  });

  it('a 1.0.0 baseline without fingerprints works the same', async () => {
    const old = JSON.parse(readFileSync(baseline, 'utf8'));
    old.schemaVersion = '1.0.0';
    for (const f of old.findings) delete f.fingerprint;
    const file = path.join(out, 'old.json');
    writeFileSync(file, JSON.stringify(old));
    const doc = JSON.parse((await run('--baseline', file, '--format', 'json', '--fail-on', 'none')).stdout);
    expect(doc.baseline).toMatchObject({ new: 1, existing: old.findings.length - 1 });
  });
});
