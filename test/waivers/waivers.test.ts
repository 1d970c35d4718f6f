/**
 * Waivers end to end through the CLI: a waivers file (YAML and JSON) against the bundled legacy
 * stack and the terraform estate plan. Waived findings stay in the report, marked, and never fail
 * the gate; expired and malformed waivers suppress nothing and are reported (NHI-WVR-001/002).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { globMatch } from '../../checks/glob.js';
import { loadWaiverFile, waiverCovers, waiverFact } from '../../checks/waivers.js';
import { runCli } from '../support/cli.js';
import { synthExamples } from '../support/synth.js';

type Json = any;
const NOW = '2026-11-22';
let dir: string;
let tmp: string;

function file(name: string, text: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
}

async function checkWith(waivers: string[], extra: string[] = []): Promise<{ code: number; doc: Json; stderr: string }> {
  const args = ['check', '--synth', dir, '--format', 'json', '--fail-on', 'critical', '--now', NOW, ...waivers.flatMap((w) => ['--waivers', w]), ...extra];
  const r = await runCli(args);
  return { code: r.code, doc: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

const findingsOf = (doc: Json, rule: string) => (doc.findings as Json[]).filter((f) => f.ruleId === rule);

beforeAll(() => {
  dir = synthExamples();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nhi-waivers-'));
});

describe('waivers file', () => {
  it('waives the critical findings of the legacy stack: still reported, marked, and the gate passes', async () => {
    const before = await checkWith([]);
    expect(before.code).toBe(1);
    const yaml = file(
      'waivers.yaml',
      `version: 1
waivers:
  - ruleId: NHI-LP-001
    resource: aws_iam_role.InterfaceEngine*
    owner: integration-platform
    reason: Admin policy is being split into feed-specific policies this quarter.
    ticket: SEC-2301
    expires-on: 2027-01-31
  - ruleId: NHI-EXP-002
    resource: "arn:aws:iam::*:role/pacs-vendor-support"
    owner: imaging-it
    reason: Vendor offboarding scheduled with the PACS migration cut-over.
    expiresOn: 2026-12-15
`,
    );
    const after = await checkWith([yaml]);
    expect(after.stderr).toBe('');
    expect(check('findings', after.doc)).toBeNull();
    const lp = findingsOf(after.doc, 'NHI-LP-001');
    expect(lp).toHaveLength(1);
    expect(lp[0].waived).toBe(true);
    expect(lp[0].waiver).toEqual({
      ruleId: 'NHI-LP-001',
      resource: 'aws_iam_role.InterfaceEngine*',
      owner: 'integration-platform',
      reason: 'Admin policy is being split into feed-specific policies this quarter.',
      ticket: 'SEC-2301',
      expiresOn: '2027-01-31',
    });
    // The vendor role's ARN is not known before apply: the ARN glob does not match the declaration.
    expect(findingsOf(after.doc, 'NHI-EXP-002')[0].waived).toBe(false);
    expect(after.doc.summary.waived).toBe(2); // LP-001 and the declared waiver of the access key
    expect(after.doc.summary.bySeverity.critical).toBe(before.doc.summary.bySeverity.critical - 1);
    expect(findingsOf(after.doc, 'NHI-WVR-001')).toEqual([]);
    expect(findingsOf(after.doc, 'NHI-WVR-002')).toEqual([]);
  });

  it('matches on the resource name too, and a JSON file works the same', async () => {
    const json = file(
      'waivers.json',
      JSON.stringify([
        {
          ruleId: 'NHI-EXP-002',
          resource: 'pacs-vendor-support',
          owner: 'imaging-it',
          reason: 'Offboarding with the PACS migration cut-over.',
          expiresOn: '2026-12-15',
        },
        {
          ruleId: 'NHI-LP-001',
          resource: 'aws_iam_role.InterfaceEngineRole',
          owner: 'integration-platform',
          reason: 'Split into feed policies this quarter.',
          expiresOn: '2027-01-31',
        },
      ]),
    );
    const r = await checkWith([json]);
    expect(r.code).toBe(0);
    expect(r.doc.findings.filter((f: Json) => f.severity === 'critical').every((f: Json) => f.waived)).toBe(true);
  });

  it('an expired waiver suppresses nothing and is reported as NHI-WVR-001', async () => {
    const yaml = file(
      'expired.yaml',
      `- ruleId: NHI-LP-001
  resource: aws_iam_role.InterfaceEngineRole
  owner: integration-platform
  reason: Admin policy is being split into feed-specific policies.
  expiresOn: 2026-11-01
`,
    );
    const r = await checkWith([yaml]);
    expect(r.code).toBe(1);
    expect(findingsOf(r.doc, 'NHI-LP-001')[0].waived).toBe(false);
    const w = findingsOf(r.doc, 'NHI-WVR-001');
    expect(w).toHaveLength(1);
    expect(w[0].resource).toMatchObject({ type: 'waiver', name: '$[0]', file: yaml });
    expect(w[0].message).toContain('expired on 2026-11-01, 21 days ago');
  });

  it('malformed, too long, short-reasoned and unknown-rule waivers are ignored and reported as NHI-WVR-002', async () => {
    const yaml = file(
      'bad.yaml',
      `waivers:
  - ruleId: NHI-LP-001
    resource: aws_iam_role.InterfaceEngineRole
    reason: Admin policy is being split into feed-specific policies.
    expiresOn: 2027-01-31
  - ruleId: NHI-LP-001
    resource: aws_iam_role.InterfaceEngineRole
    owner: integration-platform
    reason: later
    expiresOn: 2027-01-31
  - ruleId: NHI-LP-001
    resource: aws_iam_role.InterfaceEngineRole
    owner: integration-platform
    reason: Admin policy is being split into feed-specific policies.
    expiresOn: 2027-06-30
  - ruleId: NHI-LP-0O1
    resource: "*"
    owner: integration-platform
    reason: A rule id with a typo never matches anything.
    expiresOn: 2027-01-31
  - ruleId: NHI-LP-001
    resource: aws_iam_role.InterfaceEngineRole
    owner: integration-platform
    reason: February has no thirtieth day in any year.
    expiresOn: 2027-02-30
`,
    );
    const r = await checkWith([yaml]);
    expect(r.code).toBe(1);
    expect(findingsOf(r.doc, 'NHI-LP-001')[0].waived).toBe(false);
    const msgs = Object.fromEntries(findingsOf(r.doc, 'NHI-WVR-002').map((f: Json) => [f.resource.name, f.message]));
    expect(msgs).toEqual({
      '$.waivers[0]': 'waiver is ignored: $.waivers[0]: must have property "owner"',
      '$.waivers[1]': 'waiver is ignored: reason is shorter than 10 characters',
      '$.waivers[2]': 'waiver is ignored: expires-on 2027-06-30 is 220 days ahead, more than the maximum of 90',
      '$.waivers[3]': 'waiver is ignored: rule NHI-LP-0O1 is not in the pack',
      '$.waivers[4]': 'waiver is ignored: $.waivers[4].expiresOn: is not a real calendar date (YYYY-MM-DD)',
    });
  });

  it('the maximum waiver length comes from policy data', async () => {
    const yaml = file(
      'long.yaml',
      `- {ruleId: NHI-LP-001, resource: "aws_iam_role.InterfaceEngineRole", owner: integration-platform, reason: Split into feed policies this half-year., expiresOn: 2027-04-30}\n`,
    );
    const data = file('data.json', JSON.stringify({ waiverMaxDays: 180 }));
    const strict = await checkWith([yaml]);
    expect(findingsOf(strict.doc, 'NHI-WVR-002')).toHaveLength(1);
    const relaxed = await checkWith([yaml], ['--data', data]);
    expect(findingsOf(relaxed.doc, 'NHI-WVR-002')).toEqual([]);
    expect(findingsOf(relaxed.doc, 'NHI-LP-001')[0].waived).toBe(true);
  });

  it('the minimum reason length comes from policy data', async () => {
    const yaml = file(
      'reason.yaml',
      `- {ruleId: NHI-LP-001, resource: "aws_iam_role.InterfaceEngineRole", owner: integration-platform, reason: Split into feed policies., expiresOn: 2027-01-31}\n`,
    );
    expect(findingsOf((await checkWith([yaml])).doc, 'NHI-LP-001')[0].waived).toBe(true);
    const strict = await checkWith([yaml], ['--data', file('reason-data.json', JSON.stringify({ waiverMinReasonChars: 40 }))]);
    expect(findingsOf(strict.doc, 'NHI-WVR-002').map((f: Json) => f.message)).toEqual(['waiver is ignored: reason is shorter than 40 characters']);
    expect(findingsOf(strict.doc, 'NHI-LP-001')[0].waived).toBe(false);
  });

  // A rule that names every waiver of the input: whether that voids them is its METADATA's say, not its id's.
  const namingRule = (id: string, voids: boolean) => `# METADATA
# title: Names every waiver
# custom:
#   id: ${id}
#   severity: low
${voids ? '#   voidsWaivers: true\n' : ''}package nhi.rules.names_waivers

findings contains {"resource": w.id, "identity": null, "message": "this rule names the waiver"} if {
	some w in input.waivers
}
`;
  it.each([
    ['NHI-WVR-099', false, true],
    ['HOSP-AUDIT-001', true, false],
  ])('a user rule %s with voidsWaivers %s: the waiver it names still applies: %s', async (id, voids, applies) => {
    const yaml = file(
      `by-${id}.yaml`,
      `- {ruleId: NHI-LP-001, resource: "aws_iam_role.InterfaceEngineRole", owner: integration-platform, reason: Split into feed policies this quarter., expiresOn: 2027-01-31}\n`,
    );
    const rules = mkdtempSync(path.join(os.tmpdir(), 'nhi-waiver-rule-'));
    writeFileSync(path.join(rules, 'names.rego'), namingRule(id, voids));
    const r = await checkWith([yaml], ['--policy-dir', rules]);
    expect(r.stderr).toBe('');
    // The file's waiver and the one the stack declares on its access key; a finding about a waiver is never waived.
    expect(findingsOf(r.doc, id).map((f: Json) => f.waived)).toEqual([false, false]);
    expect(findingsOf(r.doc, 'NHI-LP-001')[0].waived).toBe(applies);
  });

  it('a file that is not a waivers file is exit 2 with one line naming it and the path', async () => {
    const cases: Array<[string, string, string]> = [
      ['scalar.yaml', 'just text\n', 'must be a list of waivers or an object with a "waivers" list'],
      ['extra.yaml', 'waivers: []\nwaiver: []\n', '$.waiver: is not a known property'],
      ['notlist.json', '{"waivers": {"a": 1}}', '$.waivers: must be a list'],
      ['version.json', '{"version": 2, "waivers": []}', '$.version: must be 1'],
      ['broken.json', '[{"ruleId": ', 'is not valid JSON'],
      ['broken.yaml', 'waivers:\n  - ruleId: [\n', 'is not valid YAML'],
    ];
    for (const [name, text, problem] of cases) {
      const f = file(name, text);
      const r = await runCli(['check', '--synth', dir, '--waivers', f, '--now', NOW]);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toContain(f);
      expect(lines[0]).toContain(problem);
    }
    const missing = await runCli(['check', '--synth', dir, '--waivers', path.join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
  });

  it('an empty YAML file waives nothing', async () => {
    expect(await loadWaiverFile(file('empty.yaml', ''), new Date(`${NOW}T00:00:00Z`))).toEqual([]);
  });
});

describe('waiver matching', () => {
  const now = new Date(`${NOW}T00:00:00Z`);
  const w = (resource: string) =>
    waiverFact({ ruleId: 'NHI-LP-001', resource, owner: 'o', reason: 'r'.repeat(10), expiresOn: '2027-01-01' }, 'w', {}, '$', now);

  it('treats only * and ? as wildcards, so addresses with brackets need no escaping', () => {
    expect(globMatch('module.feeds.aws_iam_role.feed["adt"]', 'module.feeds.aws_iam_role.feed["adt"]', 'full', { ignoreCase: false })).toBe(true);
    expect(globMatch('module.feeds.aws_iam_role.feed["adt"]', 'module.feeds.aws_iam_role.feed["orm"]', 'full', { ignoreCase: false })).toBe(false);
    expect(globMatch('module.feeds.*', 'module.feeds.aws_iam_role.feed["orm"]', 'full', { ignoreCase: false })).toBe(true);
    expect(globMatch('arn:aws:iam::?????????????:role/x', 'arn:aws:iam::123456789012:role/x', 'full', { ignoreCase: false })).toBe(false);
    expect(globMatch('arn:aws:iam::????????????:role/x', 'arn:aws:iam::123456789012:role/x', 'full', { ignoreCase: false })).toBe(true);
  });

  it('answers for a glob of many stars that a backtracking matcher would take minutes on', () => {
    const waiver = w(`${'*a'.repeat(12)}*b`);
    expect(waiverCovers(waiver, 'NHI-LP-001', { name: 'a'.repeat(60) })).toBe(false);
    expect(waiverCovers(waiver, 'NHI-LP-001', { name: `${'a'.repeat(60)}b` })).toBe(true);
  });

  it('covers one rule only, by address, ARN, construct path, name or id', () => {
    const r = { address: 'aws_iam_role.a', arn: 'arn:aws:iam::1:role/a', constructPath: 'stack/A', name: 'a', id: 'stack/aws_iam_role.a' };
    expect(waiverCovers(w('aws_iam_role.a'), 'NHI-LP-001', r)).toBe(true);
    expect(waiverCovers(w('arn:aws:iam::*:role/a'), 'NHI-LP-001', r)).toBe(true);
    expect(waiverCovers(w('stack/*'), 'NHI-LP-001', r)).toBe(true);
    expect(waiverCovers(w('aws_iam_role.a'), 'NHI-LP-002', r)).toBe(false);
    expect(waiverCovers(w('aws_iam_role.b'), 'NHI-LP-001', r)).toBe(false);
  });

  it('lists structural problems and days left as facts, leaving the judgement to the rules', () => {
    expect(w('x')).toMatchObject({ daysLeft: 40, problems: [] });
    const bad = waiverFact({ ruleId: 'NHI-LP-001', resource: 'x', owner: 7, reason: 'long enough', 'expires-on': '2027-01-01' }, 'w', {}, '$.waivers[3]', now);
    expect(bad.problems).toEqual(['$.waivers[3].owner: must be string']);
    expect(bad.expiresOn).toBe('2027-01-01');
    const twice = waiverFact(
      { ruleId: 'NHI-LP-001', resource: 'x', owner: 'o', reason: 'long enough', expiresOn: '2027-01-01', 'expires-on': '2027-01-02' },
      'w',
      {},
      '$',
      now,
    );
    expect(twice.problems).toEqual(['$["expires-on"]: repeats the field expiresOn']);
  });
});

describe('waivers declared in the stacks, carried as terraform outputs', () => {
  it('are read from output maps of synth, plan and state alike; other outputs are ignored', async () => {
    const { waiversFromOutputs } = await import('../../checks/loaders/waiverOutputs.js');
    const value = {
      nhiGuardWaiver: {
        ruleId: 'NHI-ROT-003',
        resource: 'aws_iam_access_key.k',
        owner: 'o',
        reason: 'because of the host',
        expiresOn: '2027-01-01',
        construct: 'legacy/KeyWaiver',
      },
    };
    const outputs = { KeyWaiver_Record_1: { sensitive: false, value }, endpoint: { value: 'https://x' }, odd: { value: { nhiGuardWaiver: 'nope' } } };
    const ws = waiversFromOutputs(outputs, { source: 'plan', file: 'plan.json' });
    expect(ws).toEqual([
      {
        fields: { ruleId: 'NHI-ROT-003', resource: 'aws_iam_access_key.k', owner: 'o', reason: 'because of the host', expiresOn: '2027-01-01' },
        origin: { source: 'plan', file: 'plan.json', address: 'output.KeyWaiver_Record_1', constructPath: 'legacy/KeyWaiver' },
      },
      { fields: { value: 'nope' }, origin: { source: 'plan', file: 'plan.json', address: 'output.odd' } },
    ]);
    expect(waiversFromOutputs(undefined, { source: 'state' })).toEqual([]);
  });
});
