/**
 * Issue 14 end to end with the real tools: terraform plans test/fixtures/tf/hcl (policies written
 * with jsonencode() over references to resources of the same apply, a module with for_each,
 * aws_iam_policy_document, templatefile, a secret of jsonencode'd constants) against moto; the
 * plan is checked with its .tf files beside it, then applied and the state checked. The plan gets
 * the same findings as the state (NHI-UNK-001 only where the structure is truly unknown, and the
 * plan-only NHI-ROT-007). Without the .tf files the plan is judged as before: unknown documents.
 * Never skipped: without terraform, the provider mirror or moto this fails with the install command.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { terraformWorkdir } from '../support/terraform.js';

const HCL = path.resolve('test/fixtures/tf/hcl');
const NOW = '2026-11-22';
/** The literal password of the rot007-bad secret and the sensitive variable's value: never in any output. */
const CANARIES = ['CANARY-HCL-7f3a91', 'CANARY-HCL-VAR-22'];
/** Governance rules fire alike on plan and state and are tested elsewhere. */
const JUDGED = /^NHI-(LP|TR|ROT-00[378]|UNK|ISO)/;

interface Finding {
  ruleId: string;
  identity?: string;
  resource: { address?: string; file?: string; line?: number; endLine?: number };
}

let moto: MotoServer;
let work: ReturnType<typeof terraformWorkdir>;
let planFile: string;
const found: Record<'plan' | 'state' | 'alone', Finding[]> = { plan: [], state: [], alone: [] };

async function findings(args: string[]): Promise<Finding[]> {
  const r = await runCli(['check', ...args, '--format', 'json', '--fail-on', 'none', '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  for (const c of CANARIES) expect(r.stdout).not.toContain(c);
  const doc = JSON.parse(r.stdout) as { findings: Finding[] };
  expect(check('findings', doc)).toBeNull();
  return doc.findings.filter((f) => JUDGED.test(f.ruleId));
}

const keys = (fs: Finding[]) => [...new Set(fs.map((f) => `${f.ruleId} ${f.resource.address} ${f.identity ?? '-'}`))].sort();

beforeAll(async () => {
  moto = await startMoto();
  work = terraformWorkdir(HCL, moto.url, { prefix: 'nhi-tf-hcl-' });
  work.tf.init();
  const plan = work.tf.plan('hcl.tfplan', ['-var', `db_password=${CANARIES[1]}`]);
  planFile = path.join(work.dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  found.plan = await findings(['--plan', planFile]);
  // The same plan in a folder without .tf files: read alone, as before.
  const alone = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-hcl-alone-')), 'plan.json');
  copyFileSync(planFile, alone);
  found.alone = await findings(['--plan', alone]);
  work.tf.apply(['hcl.tfplan']);
  const state = path.join(work.dir, 'state.json');
  writeFileSync(state, JSON.stringify(work.tf.showJson()));
  found.state = await findings(['--state', state]);
}, 600_000);

afterAll(async () => {
  work?.cleanup();
  await moto?.stop();
});

describe('a plan of ordinary HCL, read with its configuration', () => {
  it('finds each violation and stays silent on its look-alike', () => {
    expect(keys(found.plan)).toEqual([
      'NHI-LP-001 aws_iam_role_policy.admin_bad hcl-admin-bad',
      'NHI-LP-002 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-003 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-005 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-006 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-008 aws_iam_role_policy.phi_bad hcl-phi-bad',
      'NHI-LP-008 aws_iam_role_policy.tpl_bad hcl-tpl-bad',
      'NHI-LP-008 module.feed["lab"].aws_iam_role_policy.read hcl-feed-lab',
      'NHI-ROT-007 aws_secretsmanager_secret.s["rot007-bad"] -',
      'NHI-UNK-001 aws_iam_role_policy.unk -',
    ]);
  });

  it('gets the same findings as the state after apply, but for NHI-UNK-001 and the plan-only NHI-ROT-007', () => {
    const planOnly = /^NHI-(UNK-001|ROT-007)/;
    expect(keys(found.plan.filter((f) => !planOnly.test(f.ruleId)))).toEqual(keys(found.state));
  });

  it('without the .tf files, the jsonencode documents stay unknown as before', () => {
    const alone = keys(found.alone);
    expect(alone).toContain('NHI-UNK-001 aws_iam_role_policy.admin_bad -');
    expect(alone).toContain('NHI-UNK-001 module.feed["lab"].aws_iam_role_policy.read -');
    expect(alone.some((k) => k.startsWith('NHI-LP-001') || k.startsWith('NHI-ROT-007'))).toBe(false);
  });
});
