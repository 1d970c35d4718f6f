/**
 * The static rules of the pack proven on REAL terraform output: test/fixtures/tf/rules declares,
 * per rule, a violating case and a compliant look-alike (every static rule of the pack has one
 * today; a new rule is registered without one, its scenario row is what it must have); scripts/gen-fixtures.ts planned and
 * applied it against moto (npx tsx scripts/gen-fixtures.ts rules). Each rule must fire on the
 * violating address and stay silent on the look-alike, in the plan and, where the rule applies to
 * state, in the state after apply.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { sourcesOf } from '../support/pack.js';

const PLAN = path.resolve('test/fixtures/plans/rules-create.json');
const STATE = path.resolve('test/fixtures/state/rules-show.json');
const NOW = '2026-11-22T00:00:00Z';
/** The literal secret_string of the rot007-bad case: never in any output. */
const CANARY = 'CANARY-RULES-41d8e2';
/** The credentials of the rot008 cases (config.tf): never in any output either. */
const ROT008_CANARIES = ['CANARY-ROT008', 'Z7CANARY', 'CANARYrot008'];

/** Policy data for the run: an owners registry (NHI-OWN-004) and an accounts map (NHI-ISO-001). */
const DATA = {
  owners: ['team-integrations', 'team-lab'],
  accounts: { '123456789012': 'prod', '210987654321': 'staging' },
};

interface Case {
  rule: string;
  bad: string[];
  good: string[];
}

const role = (k: string) => `aws_iam_role.id["${k}"]`;
const inline = (k: string) => `aws_iam_role_policy.lp["${k}"]`;
const secret = (k: string) => `aws_secretsmanager_secret.s["${k}"]`;
const pair = (rule: string, at: (k: string) => string, key: string): Case => ({ rule, bad: [at(`${key}-bad`)], good: [at(`${key}-good`)] });

const CASES: Case[] = [
  pair('NHI-LP-001', inline, 'lp001'),
  // NotAction and NotResource count for what they grant: the complement through the IAM catalog.
  { rule: 'NHI-LP-002', bad: [inline('lp002-bad'), inline('lp002-notaction-bad')], good: [inline('lp002-good'), inline('lp007-bad')] },
  {
    rule: 'NHI-LP-003',
    bad: [inline('lp003-bad'), inline('lp003-notresource-bad')],
    // NotAction [iam:*, organizations:*] on "*" leaves every other service whole: one finding, NHI-LP-002's.
    good: [inline('lp003-good'), inline('lp003-notresource-good'), inline('lp002-notaction-bad')],
  },
  pair('NHI-LP-004', (k) => `aws_iam_role.managed["${k}"]`, 'lp004'),
  // NotAction that leaves iam:PassRole passes any role; the look-alike's NotAction excludes iam:*.
  { rule: 'NHI-LP-005', bad: [inline('lp005-bad'), inline('lp005-notaction-bad')], good: [inline('lp005-good'), inline('lp002-notaction-bad')] },
  {
    rule: 'NHI-LP-006',
    bad: [inline('lp006-bad'), inline('lp006-passrole-bad'), inline('lp006-assume-bad')],
    good: [inline('lp006-good'), inline('lp006-passrole-good'), inline('lp006-assume-good')],
  },
  pair('NHI-LP-007', inline, 'lp007'),
  // NotAction leaving s3 whole reaches the phi bucket; s3:CreateBucket with NotResource "arn:aws:s3:::*" acts on no bucket.
  {
    rule: 'NHI-LP-008',
    bad: ['aws_iam_role_policy.lp008_bad', inline('lp002-notaction-bad')],
    good: ['aws_iam_role_policy.lp008_good', 'aws_iam_role_policy.lp008_good_phi', inline('lp003-notresource-good'), inline('lp007-bad')],
  },
  // A role chain to the phi bucket; the look-alike may assume a phi role that does not trust it.
  { rule: 'NHI-LP-010', bad: ['aws_iam_role.chain["lp010-bad"]'], good: ['aws_iam_role.chain["lp010-good"]', 'aws_iam_role.chain["lp010-target"]'] },
  // The Resource "*" grants of the fixture reach both buckets: over max-reach 1, within 500.
  { rule: 'NHI-LP-011', bad: ['aws_s3_bucket.reach["lp011-bad"]'], good: ['aws_s3_bucket.reach["lp011-good"]'] },
  { rule: 'NHI-LP-009', bad: [inline('lp009-bad'), inline('lp002-notaction-bad')], good: [inline('lp009-good'), inline('lp001-good')] },
  pair('NHI-OWN-001', role, 'own001'),
  pair('NHI-OWN-002', role, 'own002'),
  pair('NHI-OWN-003', role, 'own003'),
  pair('NHI-OWN-004', role, 'own004'),
  pair('NHI-EXP-001', role, 'exp001'),
  pair('NHI-EXP-002', role, 'exp002'),
  pair('NHI-EXP-003', role, 'exp003'),
  pair('NHI-EXP-004', role, 'exp004'),
  pair('NHI-ROT-001', secret, 'rot001'),
  pair('NHI-ROT-002', secret, 'rot002'),
  pair('NHI-ROT-003', (k) => `aws_iam_access_key.key["${k}"]`, 'rot003'),
  pair('NHI-ROT-006', secret, 'rot006'),
  pair('NHI-ROT-007', secret, 'rot007'),
  // Plain-configuration credentials: the look-alikes hold references, numbers, switches, a
  // SecureString and sensitive variables and outputs. The variable is judged in the plan only:
  // state keeps no variables.
  {
    rule: 'NHI-ROT-008',
    bad: [
      'aws_lambda_function.rot008_bad',
      'aws_ecs_task_definition.rot008_bad',
      'aws_ssm_parameter.rot008_bad',
      'aws_launch_template.rot008_bad',
      'output.rot008_bad',
    ],
    good: [
      'aws_lambda_function.rot008_good',
      'aws_ecs_task_definition.rot008_good',
      'aws_ssm_parameter.rot008_good',
      'aws_launch_template.rot008_good',
      'output.rot008_good',
      'output.rot008_good_name',
      'var.rot008_api_token',
    ],
  },
  { rule: 'NHI-ROT-009', bad: ['aws_kms_key.phi'], good: ['aws_kms_key.phi_governed'] },
  pair('NHI-TR-001', role, 'tr001'),
  pair('NHI-TR-002', role, 'tr002'),
  pair('NHI-TR-003', role, 'tr003'),
  pair('NHI-TR-004', role, 'tr004'),
  pair('NHI-TR-005', role, 'tr005'),
  pair('NHI-TR-006', role, 'tr006'),
  {
    rule: 'NHI-TR-007',
    bad: ['aws_instance.tr007_bad', 'aws_launch_template.tr007_bad', 'aws_autoscaling_group.tr007_bad'],
    good: [
      'aws_instance.tr007_good',
      'aws_instance.tr007_no_profile',
      'aws_instance.tr007_imds_off',
      'aws_launch_template.tr007_good',
      'aws_autoscaling_group.tr007_good',
    ],
  },
  { rule: 'NHI-ISO-001', bad: [role('iso001-bad'), inline('iso001-grant-bad')], good: [role('iso001-good'), inline('iso001-grant-good')] },
  { rule: 'NHI-UNK-001', bad: ['aws_iam_role_policy.unk_bad'], good: ['aws_iam_role_policy.unk_good'] },
];

interface Finding {
  ruleId: string;
  resource: { address?: string };
  evidence?: Array<{ address?: string }>;
}

const found: Record<'plan' | 'state', Map<string, Set<string>>> = { plan: new Map(), state: new Map() };

async function check(flag: '--plan' | '--state', file: string, dataFile: string): Promise<Map<string, Set<string>>> {
  const r = await runCli(['check', flag, file, '--data', dataFile, '--format', 'json', '--fail-on', 'none', '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain(CANARY);
  for (const c of ROT008_CANARIES) expect(r.stdout).not.toContain(c);
  const byRule = new Map<string, Set<string>>();
  for (const f of (JSON.parse(r.stdout) as { findings: Finding[] }).findings) {
    if (!byRule.has(f.ruleId)) byRule.set(f.ruleId, new Set());
    // A finding about what an identity may do names the identity; the policy that grants it is its evidence.
    for (const at of [f.resource, ...(f.evidence ?? [])]) byRule.get(f.ruleId)!.add(at.address ?? '');
  }
  return byRule;
}

beforeAll(async () => {
  const dataFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-fixture-rules-')), 'data.json');
  writeFileSync(dataFile, JSON.stringify(DATA));
  found.plan = await check('--plan', PLAN, dataFile);
  found.state = await check('--state', STATE, dataFile);
}, 120_000);

describe('static rules on real terraform fixtures (test/fixtures/tf/rules)', () => {
  it('names rules of the pack (docs/rules.json) that judge plans, each once', () => {
    for (const c of CASES) expect(sourcesOf(c.rule), c.rule).toContain('plan');
    expect(new Set(CASES.map((c) => c.rule)).size).toBe(CASES.length);
  });

  for (const kind of ['plan', 'state'] as const) {
    // A rule whose METADATA sources leave out state (such as literal secrets) is judged in the plan only.
    const cases = kind === 'state' ? CASES.filter((c) => sourcesOf(c.rule).includes('state')) : CASES;
    it.each(cases.map((c) => [c.rule, c] as const))(`${kind}: %s fires on the violating case, not on its look-alike`, (_id, c) => {
      const at = found[kind].get(c.rule) ?? new Set<string>();
      for (const a of c.bad) expect(at.has(a), `${c.rule} on ${a} (${kind}); found on ${[...at].join(', ') || 'nothing'}`).toBe(true);
      for (const a of c.good) expect(at.has(a), `${c.rule} must not fire on ${a} (${kind})`).toBe(false);
    });
  }
});
