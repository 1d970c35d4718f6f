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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { PROD_ACCOUNT } from '../../stacks/hospital.js';
import { applyBundledStacks, SECRET_VALUE_CANARY, type AppliedStacks } from '../support/applied-stacks.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { stopTerraformRuns } from '../support/stacks-terraform.js';

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
  const r = await runCli(['drift', ...declaredArgs(kind), '--live', 'aws', '--endpoint', moto!.url, '--region', 'us-east-1', '--format', 'json', '--fail-on', 'none']);
  expect(r.stderr, kind).toBe('');
  expect(r.code, kind).toBe(0);
  expect(r.stdout).not.toContain(SECRET_VALUE_CANARY);
  const doc = JSON.parse(r.stdout) as FindingsDocument;
  expect(check('findings', doc)).toBeNull();
  expect(doc.gaps).toBeUndefined();
  return doc;
}

const driftFindings = (doc: FindingsDocument) => doc.findings.filter((f) => f.source === 'drift');
const KINDS: Declared[] = ['synth', 'plan', 'state'];

describe('nightly drift on the bundled stacks applied to moto', () => {
  it('applied exactly as declared: no drift finding from the synth folder, the plans or the states', { timeout: 600_000 }, async () => {
    for (const kind of KINDS) {
      const doc = await drift(kind);
      expect(driftFindings(doc).map((f) => `${f.ruleId} ${f.resource.name}: ${f.message}`), kind).toEqual([]);
      // The static rules still judge the live state: the legacy stack's deliberate debt is there.
      expect(doc.findings.some((f) => f.ruleId === 'NHI-LP-001' && f.identity === 'hl7-interface-engine'), kind).toBe(true);
    }
  });

  it('each out-of-band change is one finding on its role, under the declared owner', { timeout: 600_000 }, async () => {
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto!.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const trustOf = async (role: string) => JSON.parse(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument!)) as { Statement: Array<Record<string, unknown>> };
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
      // The drift rules, one finding per change. (NHI-LP-010 also fires on the lab results bucket:
      // the trust widened to a foreign account gives that account PHI reach through the role.)
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
      const message = (rule: string, role: string) => driftFindings(doc).find((f) => f.ruleId === rule && f.resource.name === role)!.message;
      expect(message('NHI-DRIFT-007', 'lab-results-exchange')).toBe(`role lab-results-exchange: the live trust policy admits AWS ${FOREIGN} to sts:assumerole, which the declaration does not`);
      expect(message('NHI-DRIFT-007', 'pacs-vendor-meridian-support')).toBe(
        'role pacs-vendor-meridian-support: the live trust policy admits AWS arn:aws:iam::444455556666:role/meridian-customer-support without the condition sts:externalid, which the declaration does not',
      );
      expect(message('NHI-DRIFT-003', 'patient-portal-api')).toBe(
        'policy patient-portal-api-permissions of role patient-portal-api allows s3:getobject on arn:aws:s3:::stmary-billing-exports/* live, which the declaration does not',
      );
      expect(message('NHI-DRIFT-004', 'claims-837-submitter')).toBe('role claims-837-submitter: owner is "someone-in-the-console" live but "revenue-cycle-it" declared');
      // The live owner moves nothing: no finding and no inventory row is filed under it.
      expect(doc.findings.some((f) => f.owner === 'someone-in-the-console'), kind).toBe(false);
      expect(doc.inventory!.find((r) => r.name === 'claims-837-submitter')!.owner, kind).toBe('revenue-cycle-it');
      // The static rules judge what the attached policy allows on the role it is attached to.
      const admin = doc.findings.find((f) => f.ruleId === 'NHI-LP-004' && f.identity === 'telehealth-session-broker')!;
      expect(admin.resource.name, kind).toBe('telehealth-session-broker');
      expect(admin.evidence!.map((e) => e.arn), kind).toEqual([ADMIN]);
      expect(admin.owner, kind).toBe('digital-health');
    }
  });
});
