/**
 * Drift where part of the live read failed, all real: terraform applies roles and secrets in two
 * regions (test/fixtures/tf/driftgaps) to moto on 127.0.0.1, the AWS SDK deletes one role and one
 * secret of each region out of band, and `drift --live aws` reads through the fault proxy. A
 * declared element whose live side lies in a gap (one region's Secrets Manager, the IAM listing)
 * is not "declared but missing live" (NHI-DRIFT-002): the gap is reported and the run exits 3;
 * what was read is still compared.
 */
import path from 'node:path';
import { DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../checks/findings.js';
import { check } from '../../checks/schemas/index.js';
import { runCli } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { terraformWorkdir, writeMotoProvider } from '../support/terraform.js';

const HCL = path.resolve('test/fixtures/tf/driftgaps');
const US = 'us-east-1';
const EU = 'eu-west-1';

let moto: MotoServer;
let proxy: FaultProxy;
let work: ReturnType<typeof terraformWorkdir>;

beforeAll(async () => {
  moto = await startMoto({ timeoutMs: 120_000 });
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_PROFILE;
  work = terraformWorkdir(HCL, moto.url, { prefix: 'nhi-driftgaps-' });
  writeMotoProvider(work.dir, moto.url, { region: EU, alias: 'eu', file: '_moto_provider_eu.tf' });
  work.tf.init();
  work.tf.apply();
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const iam = new IAMClient({ region: US, endpoint: moto.url, credentials });
  const us = new SecretsManagerClient({ region: US, endpoint: moto.url, credentials });
  const eu = new SecretsManagerClient({ region: EU, endpoint: moto.url, credentials });
  try {
    await iam.send(new DeleteRoleCommand({ RoleName: 'gaps-gone' }));
    await us.send(new DeleteSecretCommand({ SecretId: 'gaps/us-gone', ForceDeleteWithoutRecovery: true }));
    await eu.send(new DeleteSecretCommand({ SecretId: 'gaps/eu-gone', ForceDeleteWithoutRecovery: true }));
  } finally {
    iam.destroy();
    us.destroy();
    eu.destroy();
  }
  proxy = await startFaultProxy(moto.url);
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  work?.cleanup();
  await moto?.stop();
});

async function drift(): Promise<{ code: number; doc: FindingsDocument; stderr: string }> {
  const state = path.join(work.dir, 'terraform.tfstate');
  const r = await runCli([
    'drift',
    '--declared-state',
    state,
    '--live',
    'aws',
    '--endpoint',
    proxy.url,
    '--region',
    US,
    '--region',
    EU,
    '--format',
    'json',
    '--fail-on',
    'none',
  ]);
  const doc = JSON.parse(r.stdout) as FindingsDocument;
  expect(check('findings', doc)).toBeNull();
  return { code: r.code, doc, stderr: r.stderr };
}

const missing = (doc: FindingsDocument) =>
  doc.findings
    .filter((f) => f.ruleId === 'NHI-DRIFT-002')
    .map((f) => f.resource.address)
    .sort();
const gaps = (doc: FindingsDocument) => (doc.gaps ?? []).map((g) => `${g.service} ${g.operation} ${g.region ?? '-'}`).sort();

describe('drift with a gap in the live read', () => {
  it('without faults: the deleted role and both deleted secrets are missing live', async () => {
    proxy.clearFaults();
    const { code, doc } = await drift();
    expect(code).toBe(0);
    expect(doc.gaps).toBeUndefined();
    expect(doc.notCompared).toBeUndefined();
    expect(missing(doc)).toEqual(['aws_iam_role.gone', 'aws_secretsmanager_secret.eu_gone', 'aws_secretsmanager_secret.us_gone']);
  }, 180_000);

  it("AccessDenied on one region's Secrets Manager: none of that region's declared secrets is missing, the other region's deleted secret is (exit 3)", async () => {
    proxy.clearFaults();
    proxy.setFault('ListSecrets', { kind: 'access-denied', region: EU });
    try {
      const { code, doc } = await drift();
      expect(code).toBe(3);
      expect(proxy.injected('ListSecrets')).toBeGreaterThan(0);
      expect(gaps(doc)).toEqual([`secretsmanager ListSecrets ${EU}`]);
      expect(missing(doc)).toEqual(['aws_iam_role.gone', 'aws_secretsmanager_secret.us_gone']);
      // The report says which declarations were not compared, and why.
      expect(doc.notCompared).toEqual([
        { element: 'aws_secretsmanager_secret.eu_gone', gap: `secretsmanager ListSecrets (${EU})` },
        { element: 'aws_secretsmanager_secret.eu_kept', gap: `secretsmanager ListSecrets (${EU})` },
      ]);
      // The eu-west-1 secrets are neither missing nor otherwise judged against a live side.
      expect(doc.findings.filter((f) => f.source === 'drift' && /gaps\/eu-/.test(`${f.resource.name} ${f.message}`))).toEqual([]);
    } finally {
      proxy.clearFaults();
    }
  }, 180_000);

  it('AccessDenied on the IAM listing: no declared role is missing, the deleted secrets of both regions are (exit 3)', async () => {
    proxy.clearFaults();
    proxy.setFault('GetAccountAuthorizationDetails', { kind: 'access-denied' });
    try {
      const { code, doc } = await drift();
      expect(code).toBe(3);
      expect(gaps(doc)).toContain('iam GetAccountAuthorizationDetails -');
      expect(missing(doc)).toEqual(['aws_secretsmanager_secret.eu_gone', 'aws_secretsmanager_secret.us_gone']);
      expect((doc.notCompared ?? []).map((x) => x.element).sort()).toEqual(['aws_iam_role.gone', 'aws_iam_role.kept']);
      const text = await runCli([
        'drift',
        '--declared-state',
        path.join(work.dir, 'terraform.tfstate'),
        '--live',
        'aws',
        '--endpoint',
        proxy.url,
        '--region',
        US,
        '--region',
        EU,
        '--format',
        'text',
        '--fail-on',
        'none',
      ]);
      expect(text.code).toBe(3);
      expect(text.stdout).toContain(
        'Not compared: 2 declared element(s) whose live side could not be read (see the gaps), so not reported as missing live: aws_iam_role.',
      );
    } finally {
      proxy.clearFaults();
    }
  }, 180_000);
});
