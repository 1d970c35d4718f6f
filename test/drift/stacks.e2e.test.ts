/**
 * The nightly drift run on the bundled stacks, all real: the cdktf app synthesized, every stack
 * planned and applied by terraform to a moto server answering as the hospital's account
 * (test/support/applied-stacks.ts, once for the whole file), then `nhi-guard drift --live aws`
 * with each declared side: the synth folder, the plans that were applied, the states.
 *
 * - Applied exactly as declared, no declared side reports any drift: grants built from
 *   references (a bucket's ARN, a KMS key's ARN, a secret's ARN) are resolved against the account.
 * - Then six out-of-band changes, each on its own role, and each is exactly one drift finding on
 *   that role, under the owner the declaration names.
 * - docs/nightly.md as written: the baseline commands of "Starting on an account with existing
 *   debt", then the workflow's snapshot, drift, per-owner and verdict steps, run with bash in a
 *   folder laid out as the runner's checkout (cdktf.out, history/reports, out). Changed, by name:
 *   `node bin/nhi-guard.mjs` is the `nhi-guard` on PATH, and the snapshot gets `--endpoint` (moto);
 *   the synth, checkout and history-push steps are the fixture's. Green on the unchanged account
 *   (the legacy stack's deliberate debt is existing), red once the out-of-band changes are made.
 */
import {
  AttachRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  GetRoleCommand,
} from '@aws-sdk/client-iam';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { PROD_ACCOUNT } from '../../stacks/hospital.js';
import { applyBundledStacks, SECRET_VALUE_CANARY, type AppliedStacks } from '../support/applied-stacks.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { stopTerraformRuns } from '../support/stacks-terraform.js';
import { codeBlocks, runShellAsync } from '../support/shell.js';

const FOREIGN = 'arn:aws:iam::999988887777:root';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

let moto: MotoServer | undefined;
let applied: AppliedStacks | undefined;

beforeAll(async () => {
  // The collector (the CLI runs in this process) and the out-of-band changes read these.
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_PROFILE;
  moto = await startMoto({ env: { MOTO_ACCOUNT_ID: PROD_ACCOUNT } });
  applied = await applyBundledStacks(moto);
}, 1_800_000);

afterAll(async () => {
  stopTerraformRuns();
  applied?.cleanup();
  await moto?.stop();
});

type Declared = 'synth' | 'plan' | 'state';

function declaredArgs(kind: Declared): string[] {
  if (kind === 'synth') return ['--declared-synth', applied!.synthDir];
  return applied!.stacks.flatMap((s) => [`--declared-${kind}`, kind === 'plan' ? s.planJson : s.stateJson]);
}

async function drift(kind: Declared): Promise<FindingsDocument> {
  const r = await runCli([
    'drift',
    ...declaredArgs(kind),
    '--live',
    'aws',
    '--endpoint',
    moto!.url,
    '--region',
    'us-east-1',
    '--format',
    'json',
    '--fail-on',
    'none',
  ]);
  expect(r.stderr, kind).toBe('');
  expect(r.code, kind).toBe(0);
  expect(r.stdout).not.toContain(SECRET_VALUE_CANARY);
  const doc = JSON.parse(r.stdout) as FindingsDocument;
  expect(check('findings', doc)).toBeNull();
  expect(doc.gaps).toBeUndefined();
  return doc;
}

const driftFindings = (doc: FindingsDocument) => doc.findings.filter((f) => f.source === 'drift');

// --- docs/nightly.md, as written ------------------------------------------------------------
const NIGHTLY = readFileSync(path.resolve('docs/nightly.md'), 'utf8');
const section = (title: string) => {
  const start = NIGHTLY.indexOf(`\n## ${title}\n`);
  expect(start, title).toBeGreaterThan(0);
  const end = NIGHTLY.indexOf('\n## ', start + 1);
  return NIGHTLY.slice(start, end < 0 ? undefined : end);
};
const BASELINE_STEPS = codeBlocks(section('Starting on an account with existing debt')).find((b) => b.lang === 'sh')!.body;
const WORKFLOW = parseYaml(codeBlocks(section('The workflow')).find((b) => b.lang === 'yaml')!.body) as {
  jobs: { drift: { steps: Array<{ name?: string; run?: string }> } };
};
const step = (name: string) => WORKFLOW.jobs.drift.steps.find((s) => s.name === name)!.run!;

/** The runner's checkout: the synthesized stacks as cdktf.out, the history worktree, out/. */
function checkoutFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-nightly-'));
  symlinkSync(applied!.synthDir, path.join(dir, 'cdktf.out'));
  mkdirSync(path.join(dir, 'history', 'reports'), { recursive: true });
  mkdirSync(path.join(dir, 'out'));
  return dir;
}

/** One documented step run with bash as the runner would, with the two changes named above. */
async function runStep(script: string, dir: string, outputs: string): Promise<number | null> {
  const here = script
    .replaceAll('node bin/nhi-guard.mjs', 'nhi-guard')
    .replace(/nhi-guard snapshot --live aws/g, `nhi-guard snapshot --live aws --endpoint ${moto!.url}`);
  const r = await runShellAsync(here, dir, { AWS_REGION: 'us-east-1', GITHUB_OUTPUT: outputs });
  expect(r.stderr).not.toContain(SECRET_VALUE_CANARY);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r.code;
}

/** The snapshot, drift and per-owner steps, then the verdict with the drift step's exit code. */
async function nightlyRun(dir: string): Promise<{ drift: string; verdict: number | null }> {
  const outputs = path.join(dir, `github-output-${Date.now()}`);
  writeFileSync(outputs, '');
  expect(await runStep(step('Snapshot the account (read-only)'), dir, outputs)).toBe(0);
  expect(await runStep(step('Drift report (HTML, with history)'), dir, outputs)).toBe(0);
  expect(await runStep(step('Reports per owner (Markdown)'), dir, outputs)).toBe(0);
  const drift =
    /^code=(\d+)$/m.exec(
      readFileSync(outputs, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('code='))
        .slice(-1)[0] ?? '',
    )?.[1] ?? '';
  const verdict = await runStep(step('Verdict').replaceAll('${{ steps.drift.outputs.code }}', drift), dir, outputs);
  return { drift, verdict };
}

let nightlyDir: string | undefined;
const KINDS: Declared[] = ['synth', 'plan', 'state'];

describe('nightly drift on the bundled stacks applied to moto', () => {
  it('applied exactly as declared: no drift finding from the synth folder, the plans or the states', { timeout: 600_000 }, async () => {
    for (const kind of KINDS) {
      const doc = await drift(kind);
      expect(
        driftFindings(doc).map((f) => `${f.ruleId} ${f.resource.name}: ${f.message}`),
        kind,
      ).toEqual([]);
      // The static rules still judge the live state: the legacy stack's deliberate debt is there.
      expect(
        doc.findings.some((f) => f.ruleId === 'NHI-LP-001' && f.identity === 'hl7-interface-engine'),
        kind,
      ).toBe(true);
    }
  });

  it('the documented nightly workflow with its baseline is green on the unchanged account', { timeout: 600_000 }, async () => {
    nightlyDir = checkoutFolder();
    const outputs = path.join(nightlyDir, 'github-output-baseline');
    writeFileSync(outputs, '');
    expect(await runStep(BASELINE_STEPS, nightlyDir, outputs)).toBe(0);
    const baseline = JSON.parse(readFileSync(path.join(nightlyDir, 'nhi-guard-drift-baseline.json'), 'utf8')) as FindingsDocument;
    expect(check('findings', baseline)).toBeNull();
    // The deliberate debt is in the baseline: without it the same drift run fails the gate.
    expect(baseline.findings.some((f) => f.ruleId === 'NHI-LP-001' && f.identity === 'hl7-interface-engine')).toBe(true);
    const bare = await runCli([
      'drift',
      '--declared-synth',
      path.join(nightlyDir, 'cdktf.out'),
      '--snapshot',
      path.join(nightlyDir, 'out', 'snapshot.json'),
      '--format',
      'json',
      '--fail-on',
      'high',
    ]);
    expect(bare.code).toBe(1);
    expect(await nightlyRun(nightlyDir)).toEqual({ drift: '0', verdict: 0 });
    expect(existsSync(path.join(nightlyDir, 'out', 'nhi-guard-drift.html'))).toBe(true);
    const html = readFileSync(path.join(nightlyDir, 'out', 'nhi-guard-drift.html'), 'utf8');
    expect(html).toContain('hl7-interface-engine');
    expect(html).not.toContain(SECRET_VALUE_CANARY);
  });

  it('each out-of-band change is one finding on its role, under the declared owner', { timeout: 600_000 }, async () => {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto!.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const trustOf = async (role: string) =>
      JSON.parse(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument!)) as {
        Statement: Array<Record<string, unknown>>;
      };
    try {
      // Trust widened to a foreign account.
      const lab = await trustOf('lab-results-exchange');
      lab.Statement.push({ Effect: 'Allow', Principal: { AWS: FOREIGN }, Action: 'sts:AssumeRole' });
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'lab-results-exchange', PolicyDocument: JSON.stringify(lab) }));
      // The vendor's ExternalId condition removed.
      const vendor = await trustOf('pacs-vendor-meridian-support');
      for (const s of vendor.Statement) delete s.Condition;
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'pacs-vendor-meridian-support', PolicyDocument: JSON.stringify(vendor) }));
      // The declared permissions widened to another bucket.
      const name = 'patient-portal-api-permissions';
      const current = await iam.send(new GetRolePolicyCommand({ RoleName: 'patient-portal-api', PolicyName: name }));
      const widened = JSON.parse(decodeURIComponent(current.PolicyDocument!)) as { Statement: unknown[] };
      widened.Statement.push({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::stmary-billing-exports/*' });
      await iam.send(new PutRolePolicyCommand({ RoleName: 'patient-portal-api', PolicyName: name, PolicyDocument: JSON.stringify(widened) }));
      // The owner re-tagged in the console.
      await iam.send(new TagRoleCommand({ RoleName: 'claims-837-submitter', Tags: [{ Key: 'owner', Value: 'someone-in-the-console' }] }));
      // AdministratorAccess attached.
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'telehealth-session-broker', PolicyArn: ADMIN }));
      // An inline policy added.
      const debug = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: '*' }] };
      await iam.send(new PutRolePolicyCommand({ RoleName: 'patient-portal-notifier', PolicyName: 'debug', PolicyDocument: JSON.stringify(debug) }));
    } finally {
      iam.destroy();
    }

    for (const kind of KINDS) {
      const doc = await drift(kind);
      // The drift rules, one finding per change.
      const found = driftFindings(doc)
        .filter((f) => f.ruleId.startsWith('NHI-DRIFT-'))
        .map((f) => `${f.ruleId} ${f.resource.type} ${f.resource.name} (${f.owner}): ${(f.evidence ?? []).map((e) => e.name).join(', ')}`);
      expect(found.sort(), kind).toEqual(
        [
          'NHI-DRIFT-007 aws_iam_role lab-results-exchange (integration-platform): lab-results-exchange',
          'NHI-DRIFT-007 aws_iam_role pacs-vendor-meridian-support (imaging-it): pacs-vendor-meridian-support',
          'NHI-DRIFT-003 aws_iam_role patient-portal-api (patient-portal-team): patient-portal-api-permissions',
          // Accountability follows the declaration: the re-tag is reported to the declared owner.
          'NHI-DRIFT-004 aws_iam_role claims-837-submitter (revenue-cycle-it): ',
          'NHI-DRIFT-003 aws_iam_role telehealth-session-broker (digital-health): AdministratorAccess',
          'NHI-DRIFT-003 aws_iam_role patient-portal-notifier (patient-portal-team): debug',
        ].sort(),
      );
      // Actions as the live documents spell them (sts:AssumeRole, s3:GetObject); condition keys lower case.
      // The trust widened to a foreign account gives that account PHI reach through the role:
      // NHI-LP-010 is about the role (its owner answers for the trust), never the store unowned.
      const reach = doc.findings.filter((f) => f.ruleId === 'NHI-LP-010');
      expect(reach.length, kind).toBeGreaterThan(0);
      expect([...new Set(reach.map((f) => `${f.resource.name} (${f.owner})`))], kind).toEqual(['lab-results-exchange (integration-platform)']);
      const message = (rule: string, role: string) => driftFindings(doc).find((f) => f.ruleId === rule && f.resource.name === role)!.message;
      expect(message('NHI-DRIFT-007', 'lab-results-exchange')).toBe(
        `role lab-results-exchange: the live trust policy admits AWS ${FOREIGN} to sts:AssumeRole, which the declaration does not`,
      );
      expect(message('NHI-DRIFT-007', 'pacs-vendor-meridian-support')).toBe(
        'role pacs-vendor-meridian-support: the live trust policy admits AWS arn:aws:iam::444455556666:role/meridian-customer-support without the condition sts:ExternalId, which the declaration does not',
      );
      expect(message('NHI-DRIFT-003', 'patient-portal-api')).toBe(
        'policy patient-portal-api-permissions of role patient-portal-api allows s3:GetObject on arn:aws:s3:::stmary-billing-exports/* live, which the declaration does not',
      );
      expect(message('NHI-DRIFT-004', 'claims-837-submitter')).toBe(
        'role claims-837-submitter: owner is "someone-in-the-console" live but "revenue-cycle-it" declared',
      );
      // The live owner moves nothing: no finding and no inventory row is filed under it.
      expect(
        doc.findings.some((f) => f.owner === 'someone-in-the-console'),
        kind,
      ).toBe(false);
      expect(doc.inventory!.find((r) => r.name === 'claims-837-submitter')!.owner, kind).toBe('revenue-cycle-it');
      // The static rules judge what the attached policy allows on the role it is attached to.
      const admin = doc.findings.find((f) => f.ruleId === 'NHI-LP-004' && f.identity === 'telehealth-session-broker')!;
      expect(admin.resource.name, kind).toBe('telehealth-session-broker');
      expect(
        admin.evidence!.map((e) => e.arn),
        kind,
      ).toEqual([ADMIN]);
      expect(admin.owner, kind).toBe('digital-health');
    }

    // The documented nightly job, same baseline: the out-of-band changes are new, the job is red.
    expect(await nightlyRun(nightlyDir ?? checkoutFolder())).toEqual({ drift: '1', verdict: 1 });
  });
});
