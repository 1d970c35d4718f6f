/**
 * Issue 14 end to end with the real tools: terraform plans test/fixtures/tf/hcl (policies written
 * with jsonencode() over references to resources of the same apply, a module with for_each,
 * aws_iam_policy_document (source documents, dynamic blocks, in a module instance), IAM policy
 * variables, templatefile, a secret of jsonencode'd constants) against moto; the
 * plan is checked with its .tf files beside it, then applied and the state checked. The plan gets
 * the same findings as the state (NHI-UNK-001 only where the structure is truly unknown, and the
 * plan-only NHI-ROT-007). Without the .tf files the plan is judged as before: unknown documents.
 * Never skipped: without terraform, the provider mirror or moto this fails with the install command.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../checks/loaders/plan.js';
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
  evidence?: Array<{ address?: string }>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validateSarif = ajv.compile(JSON.parse(readFileSync(path.resolve('test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object);

/**
 * Where the fixture declares a resource address: the file (relative to the configuration folder)
 * and the line range of its block, read from the fixture text (the block ends at the first line
 * that is a lone closing brace).
 */
function declared(address: string): { file: string; line: number; endLine: number } {
  const m = /^(?:module\.feed\[[^\]]+\]\.)?(aws_[a-z0-9_]+)\.([a-z0-9_]+)/.exec(address)!;
  const file = address.startsWith('module.')
    ? 'modules/feed/main.tf'
    : ['policies.tf', 'main.tf'].find((f) => readFileSync(path.join(HCL, f), 'utf8').includes(`resource "${m[1]}" "${m[2]}"`))!;
  const lines = readFileSync(path.join(HCL, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`resource "${m[1]}" "${m[2]}"`));
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return { file, line: start + 1, endLine: end + 1 };
}

let sarif: Sarif.Log;
let github: string;
let moto: MotoServer;
let work: ReturnType<typeof terraformWorkdir>;
let planFile: string;
const found: Record<'plan' | 'state' | 'alone', Finding[]> = { plan: [], state: [], alone: [] };
const accounts: Record<string, unknown> = {};

async function findings(args: string[]): Promise<Finding[]> {
  const r = await runCli(['check', ...args, '--format', 'json', '--fail-on', 'none', '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  for (const c of CANARIES) expect(r.stdout).not.toContain(c);
  const doc = JSON.parse(r.stdout) as { findings: Finding[]; account?: unknown };
  expect(check('findings', doc)).toBeNull();
  accounts[args[1]!] = doc.account;
  return doc.findings.filter((f) => JUDGED.test(f.ruleId));
}

/** Rule, the policy that grants it (the evidence of a finding about an identity, else the resource) and the identity. */
const keys = (fs: Finding[]) => [...new Set(fs.map((f) => `${f.ruleId} ${f.evidence?.[0]?.address ?? f.resource.address} ${f.identity ?? '-'}`))].sort();

beforeAll(async () => {
  moto = await startMoto();
  work = terraformWorkdir(HCL, moto.url, { prefix: 'nhi-tf-hcl-' });
  work.tf.init();
  const plan = work.tf.plan('hcl.tfplan', ['-var', `db_password=${CANARIES[1]}`]);
  planFile = path.join(work.dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  found.plan = await findings(['--plan', planFile, '--source-root', work.dir]);
  const out = (format: string) => runCli(['check', '--plan', planFile, '--source-root', work.dir, '--format', format, '--fail-on', 'none', '--now', NOW]);
  sarif = JSON.parse((await out('sarif')).stdout) as Sarif.Log;
  github = (await out('github')).stdout;
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
      // iam:* on "*": one NHI-LP-002 finding, which names NHI-LP-003.
      'NHI-LP-002 aws_iam_policy.iam_bad hcl-iam-bad',
      // aws_iam_policy_document from a dynamic block over a local map (iam:* on "*").
      'NHI-LP-002 aws_iam_role_policy.dyn_bad hcl-dyn-bad',
      'NHI-LP-005 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-005 aws_iam_role_policy.dyn_bad hcl-dyn-bad',
      'NHI-LP-006 aws_iam_policy.iam_bad hcl-iam-bad',
      'NHI-LP-006 aws_iam_role_policy.dyn_bad hcl-dyn-bad',
      // aws_iam_policy_document whose source document reads the phi bucket.
      'NHI-LP-008 aws_iam_role_policy.doc_bad hcl-doc-bad',
      'NHI-LP-008 aws_iam_role_policy.phi_bad hcl-phi-bad',
      'NHI-LP-008 aws_iam_role_policy.tpl_bad hcl-tpl-bad',
      // An IAM policy variable in the Resource: judged, in plan and state.
      'NHI-LP-008 aws_iam_role_policy.var_bad hcl-var-bad',
      'NHI-LP-008 module.feed["lab"].aws_iam_role.feed hcl-feed-lab',
      // aws_iam_policy_document in a module instance.
      'NHI-LP-008 module.feed["lab"].aws_iam_role_policy.head hcl-feed-lab',
      'NHI-LP-008 module.feed["lab"].aws_iam_role_policy.read hcl-feed-lab',
      'NHI-ROT-007 aws_secretsmanager_secret.s["rot007-bad"] -',
      'NHI-TR-005 aws_iam_role.root_trust hcl-root-trust',
      'NHI-UNK-001 aws_iam_role_policy.unk -',
    ]);
  });

  it('gets the same findings as the state after apply, but for NHI-UNK-001 and the plan-only NHI-ROT-007', () => {
    const planOnly = /^NHI-(UNK-001|ROT-007)/;
    expect(keys(found.plan.filter((f) => !planOnly.test(f.ruleId)))).toEqual(keys(found.state));
  });

  it('points every finding at the .tf file and line range that declares it', () => {
    for (const f of found.plan) {
      const want = declared(f.resource.address!);
      expect({ address: f.resource.address, file: f.resource.file, line: f.resource.line, endLine: f.resource.endLine }).toEqual({
        address: f.resource.address,
        ...want,
      });
    }
    // The same in SARIF (schema-valid, physicalLocation with region) and in GitHub annotations.
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    // Findings about what an identity may do point at the identity (#15): the role's block.
    const feedRole = 'module.feed["lab"].aws_iam_role.feed';
    const phi = sarif.runs[0]!.results!.find((r) => r.ruleId === 'NHI-LP-008' && r.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName === feedRole)!;
    expect(phi.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'modules/feed/main.tf', uriBaseId: '%SRCROOT%' },
      region: { startLine: declared(feedRole).line, endLine: declared(feedRole).endLine },
    });
    const admin = declared('aws_iam_role.app["admin-bad"]');
    expect(github).toContain(`file=${admin.file},line=${admin.line},endLine=${admin.endLine}::[critical]`);
    expect(github).not.toContain('plan.json');
  });

  it('takes the own account from data.aws_caller_identity and says so: same-account root is NHI-TR-005, never NHI-TR-002', () => {
    expect(accounts[planFile]).toEqual({ id: '123456789012', source: 'caller-identity' });
    for (const fs of [found.plan, found.state, found.alone]) expect(fs.filter((f) => f.ruleId === 'NHI-TR-002')).toEqual([]);
    expect(keys(found.state)).toContain('NHI-TR-005 aws_iam_role.root_trust hcl-root-trust');
  });

  it("a policy document data source's statements know the statement block that declares them", async () => {
    const inv = await loadPlan(planFile);
    const doc = inv.policies.find((p) => p.origin.address === 'aws_iam_role_policy.doc_good')!.document;
    const lines = readFileSync(path.join(HCL, 'policies.tf'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('data "aws_iam_policy_document" "doc_good"')) + 1;
    expect(doc.document!.statements.map((s) => s.declaredAt)).toEqual([{ file: path.join(work.dir, 'policies.tf'), line: start + 1, endLine: start + 4 }]);
    // A document merged from source documents has no certain statement positions.
    const merged = inv.policies.find((p) => p.origin.address === 'aws_iam_role_policy.doc_bad')!.document;
    expect(merged.document?.statements.every((s) => s.declaredAt === undefined) ?? true).toBe(true);
  });

  it('without the .tf files, the jsonencode documents stay unknown as before', () => {
    const alone = keys(found.alone);
    expect(alone).toContain('NHI-UNK-001 aws_iam_role_policy.admin_bad -');
    expect(alone).toContain('NHI-UNK-001 module.feed["lab"].aws_iam_role_policy.read -');
    expect(alone.some((k) => k.startsWith('NHI-LP-001') || k.startsWith('NHI-ROT-007'))).toBe(false);
  });
});
