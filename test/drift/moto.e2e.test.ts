/**
 * End to end, all real: terraform applies the declared estate (test/fixtures/tf/drift) to a moto
 * server on 127.0.0.1, the AWS SDK makes out-of-band changes, and `nhi-guard drift
 * --declared-state terraform.tfstate --live aws --endpoint <moto>` reports exactly that drift.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AttachRolePolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { CancelRotateSecretCommand, DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { terraformWorkdir } from '../support/terraform.js';

const HCL = path.resolve('test/fixtures/tf/drift');
const CANARY = 'CANARY-DRIFT-3c1e77';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

let moto: MotoServer;
let work: ReturnType<typeof terraformWorkdir>;
let shadowKeyId = '';
let shadowKeySecret = '';

beforeAll(async () => {
  moto = await startMoto({ timeoutMs: 120_000 });
  // The SDK of the collector (in this process) and of the out-of-band changes reads these.
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_PROFILE;
  work = terraformWorkdir(HCL, moto.url, { prefix: 'nhi-drift-e2e-' });
  work.tf.init();
  work.tf.apply();

  const cfg = { region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const iam = new IAMClient(cfg);
  const sm = new SecretsManagerClient(cfg);
  try {
    await iam.send(new CreateUserCommand({ UserName: 'shadow-ci' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'shadow-ci' }));
    shadowKeyId = key.AccessKey!.AccessKeyId!;
    shadowKeySecret = key.AccessKey!.SecretAccessKey!;
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'drift-etl', PolicyArn: ADMIN }));
    await iam.send(new TagRoleCommand({ RoleName: 'drift-reports', Tags: [{ Key: 'owner', Value: 'someone-else' }] }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'drift-reports',
        PolicyName: 'debug',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    await sm.send(new DeleteSecretCommand({ SecretId: 'drift/old-token', ForceDeleteWithoutRecovery: true }));
    await sm.send(new CancelRotateSecretCommand({ SecretId: 'drift/lab-token' }));
  } finally {
    iam.destroy();
    sm.destroy();
  }
});

afterAll(async () => {
  work?.cleanup();
  await moto?.stop();
});

const where = (f: FindingsDocument['findings'][number]) => `${f.resource.type} ${f.resource.address ?? f.resource.name}`;

describe('nhi-guard drift against moto', () => {
  it('reports exactly the out-of-band changes', async () => {
    const state = path.join(work.dir, 'terraform.tfstate');
    const r = await runCli([
      'drift',
      '--declared-state',
      state,
      '--live',
      'aws',
      '--endpoint',
      moto.url,
      '--region',
      'us-east-1',
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as FindingsDocument;
    expect(check('findings', doc)).toBeNull();
    expect(doc.gaps).toBeUndefined();

    const drift = doc.findings
      .filter((f) => f.source === 'drift')
      .map((f) => `${f.ruleId} ${where(f)}`)
      .sort();
    expect(drift).toEqual(
      [
        `NHI-DRIFT-001 iam-access-key ${shadowKeyId}`,
        'NHI-DRIFT-001 iam-user shadow-ci',
        'NHI-DRIFT-002 aws_secretsmanager_secret aws_secretsmanager_secret.old_token',
        // About the roles; the attached AdministratorAccess and the inline policy are the evidence.
        'NHI-DRIFT-003 aws_iam_role aws_iam_role.etl',
        'NHI-DRIFT-003 aws_iam_role aws_iam_role.reports',
        'NHI-DRIFT-004 aws_iam_role aws_iam_role.reports',
        // The shadow key was created moments ago: never used, but not older than neverUsedKeyDays.
        'NHI-DRIFT-006 aws_secretsmanager_secret aws_secretsmanager_secret.lab_token',
      ].sort(),
    );
    const byRule = (id: string) => doc.findings.filter((f) => f.ruleId === id && f.source === 'drift');
    expect(
      byRule('NHI-DRIFT-003')
        .map((f) => f.identity)
        .sort(),
    ).toEqual(['drift-etl', 'drift-reports']);
    expect(
      byRule('NHI-DRIFT-003')
        .map((f) => f.evidence!.map((e) => `${e.type} ${e.name}`).join())
        .sort(),
    ).toEqual(['aws-managed-policy AdministratorAccess', 'inline-policy debug']);
    expect(byRule('NHI-DRIFT-003').find((f) => f.evidence![0]!.name === 'debug')!.message).toBe(
      'role drift-reports has inline policy debug live, which the declaration does not attach',
    );
    expect(byRule('NHI-DRIFT-004')[0]!.message).toBe('role drift-reports: owner is "someone-else" live but "team-reports" declared');
    expect(byRule('NHI-DRIFT-004')[0]!.owner).toBe('team-reports');
    // NHI-ROT-001 on the same secret is folded into the drift finding.
    expect(byRule('NHI-DRIFT-006')[0]!.message).toBe(
      'secret drift/lab-token: rotation is declared every 30 days but disabled live; it is also why NHI-ROT-001 (no automatic rotation) is not reported on its own',
    );
    expect(doc.findings.filter((f) => f.ruleId === 'NHI-ROT-001' && f.resource.name === 'drift/lab-token')).toEqual([]);
    // The static rules ran on the live state too.
    expect(doc.findings.some((f) => f.source === 'live' && f.ruleId === 'NHI-LP-004' && f.identity === 'drift-etl')).toBe(true);
    // No secret value anywhere.
    expect(readFileSync(state, 'utf8')).toContain(CANARY);
    for (const secret of [CANARY, shadowKeySecret]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('writes the HTML report with its history', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nhi-drift-e2e-html-'));
    const state = path.join(work.dir, 'terraform.tfstate');
    const out = path.join(dir, 'report.html');
    const r = await runCli([
      'drift',
      '--declared-state',
      state,
      '--live',
      'aws',
      '--endpoint',
      moto.url,
      '--region',
      'us-east-1',
      '--format',
      'html',
      '--output',
      out,
      '--history',
      path.join(dir, 'history'),
      '--fail-on',
      'high',
    ]);
    expect(r.code).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('data-id="iam-user:shadow-ci"');
    expect(html.match(/class="trend-point"/g)).toHaveLength(1);
    expect(html).not.toContain(CANARY);
    expect(html).not.toContain(shadowKeySecret);
  });
});
