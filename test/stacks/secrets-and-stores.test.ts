/** RotatedSecret and PhiDataStore: rotation limits, KMS for phi, no secret values, phi boundary. */
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { PhiDataStore } from '../../stacks/constructs/phi-data-store.js';
import { RotatedSecret, type RotatedSecretProps } from '../../stacks/constructs/rotated-secret.js';
import { ServiceIdentity } from '../../stacks/constructs/service-identity.js';
import { ACCOUNT, all, gov, newStack, one, permissionsOf, synth } from './helpers.js';

const lambda = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:rotate`;
const secretProps = (over: Partial<RotatedSecretProps> = {}): RotatedSecretProps => ({
  name: 'telehealth/video/api-key',
  governance: gov(),
  rotationLambdaArn: lambda,
  ...over,
});

describe('RotatedSecret', () => {
  it('phi: rotates every 30 days by default with its own rotating customer-managed key', () => {
    const { text, json, problems } = synth((s) => new RotatedSecret(s, 'Video', secretProps()));
    expect(problems).toEqual([]);
    expect(
      Testing.toHaveResourceWithProperties(text, 'aws_secretsmanager_secret_rotation', {
        rotation_lambda_arn: lambda,
        rotation_rules: { automatically_after_days: 30 },
      }),
    ).toBe(true);
    const key = one(json, 'resource', 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.tags['data-class']).toBe('phi');
    const secret = one(json, 'resource', 'aws_secretsmanager_secret');
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    expect(secret.tags).toMatchObject({ owner: 'integration-platform', 'data-class': 'phi', 'expires-on': '2027-06-30' });
    expect(secret.secret_string).toBeUndefined();
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
  });

  it('non-phi: 90 days by default, no key of its own', () => {
    const { json } = synth((s) => new RotatedSecret(s, 'Sms', secretProps({ governance: gov({ dataClass: 'pii' }) })));
    expect(one(json, 'resource', 'aws_secretsmanager_secret_rotation').rotation_rules.automatically_after_days).toBe(90);
    expect(json.resource.aws_kms_key).toBeUndefined();
  });

  it.each([
    ['phi over 30 days', gov(), 31, /^test\/Key: rotationDays 31 must be at most 30 for a data-class phi secret \(NHI-ROT-002\)$/],
    ['internal over 90 days', gov({ dataClass: 'internal' }), 91, /rotationDays 91 must be at most 90 \(NHI-ROT-002\)$/],
    ['zero days', gov({ dataClass: 'internal' }), 0, /rotationDays 0 must be a whole number of days from 1 to 1000 \(the range Secrets Manager allows\)/],
    ['over the Secrets Manager limit', gov({ dataClass: 'internal' }), 1001, /rotationDays 1001 must be a whole number of days from 1 to 1000/],
    ['fractional days', gov(), 7.5, /whole number/],
  ])('refuses rotation %s', (_n, governance, rotationDays, msg) => {
    const { problems } = synth((s) => new RotatedSecret(s, 'Key', secretProps({ governance, rotationDays })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(msg);
  });

  it('never accepts a secret value, and names every problem of the options at once', () => {
    const withValue = { ...secretProps(), secretString: 'hunter2' } as RotatedSecretProps;
    expect(synth((s) => new RotatedSecret(s, 'Key', withValue)).problems).toEqual([expect.stringMatching(/^test\/Key: secretString is not accepted/)]);
    const { problems } = synth(
      (s) => new RotatedSecret(s, 'Key', secretProps({ rotationLambdaArn: '', name: 'lab token', recoveryWindowInDays: 3, description: 'd'.repeat(2049) })),
    );
    expect(problems).toEqual([
      'test/Key: rotationLambdaArn is required: the Lambda that rotates the secret',
      'test/Key: recoveryWindowInDays 3 must be 7..30 (the range Secrets Manager allows)',
      'test/Key: name "lab token" may hold only letters, digits and /_+=.@-',
      'test/Key: description is 2049 characters, more than the 2048 Secrets Manager allows',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('grantRead: value and decrypt through Secrets Manager only; refused to non-phi identities', () => {
    const { json } = synth((s) => {
      const secret = new RotatedSecret(s, 'Video', secretProps());
      const broker = new ServiceIdentity(s, 'Broker', { name: 'broker', governance: gov(), principal: { kind: 'ecs-task', account: ACCOUNT } });
      secret.grantRead(broker);
    });
    const st = permissionsOf(json, 'Broker');
    expect(st[0]!).toMatchObject({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] });
    expect(st[0]!.resources[0]).toMatch(/aws_secretsmanager_secret\..*\.arn/);
    expect(st[1]!.condition[0]).toMatchObject({ test: 'StringLike', variable: 'kms:ViaService' });
    const s = newStack();
    const secret = new RotatedSecret(s, 'Video', secretProps());
    const outsider = new ServiceIdentity(s, 'Outsider', {
      name: 'o',
      governance: gov({ dataClass: 'internal' }),
      principal: { kind: 'lambda', account: ACCOUNT },
    });
    secret.grantRead(outsider);
    expect(outsider.problems).toEqual([expect.stringMatching(/^data-class internal identity cannot read phi secret test\/Video \(NHI-LP-008\)$/)]);
  });
});

describe('PhiDataStore', () => {
  it('bucket: public access blocked, SSE-KMS with a rotating key, versioned, tagged phi', () => {
    const { text, json, problems } = synth((s) => new PhiDataStore(s, 'Claims', { governance: gov(), bucketName: 'stmary-claims' }));
    expect(problems).toEqual([]);
    expect(Testing.toHaveResourceWithProperties(text, 'aws_s3_bucket', { bucket: 'stmary-claims', tags: { 'data-class': 'phi' } })).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(text, 'aws_s3_bucket_public_access_block', {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ).toBe(true);
    const sse = one(json, 'resource', 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key/);
    expect(one(json, 'resource', 'aws_kms_key').enable_key_rotation).toBe(true);
  });

  it('table: encrypted with the key, PITR, tagged phi; grants scoped to the table ARN', () => {
    const { json } = synth((s) => {
      const store = new PhiDataStore(s, 'Messages', { governance: gov(), table: { name: 'portal-messages', hashKey: 'patientId', rangeKey: 'messageId' } });
      const api = new ServiceIdentity(s, 'Api', { name: 'api', governance: gov(), principal: { kind: 'ecs-task', account: ACCOUNT } });
      store.grantTable(api, 'read');
    });
    const table = one(json, 'resource', 'aws_dynamodb_table');
    expect(table.tags['data-class']).toBe('phi');
    expect(table.server_side_encryption).toMatchObject({ enabled: true });
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    const st = permissionsOf(json, 'Api');
    expect(st[0]!.actions).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']);
    expect(st[0]!.resources).toEqual([`\${aws_dynamodb_table.${Object.keys(json.resource.aws_dynamodb_table)[0]}.arn}`]);
    expect(all(json, 'resource', 'aws_s3_bucket')).toEqual([]);
  });

  it('refuses grants to identities that are not data-class phi, and stores that are not phi', () => {
    const s = newStack();
    const store = new PhiDataStore(s, 'Claims', { governance: gov(), bucketName: 'claims-bucket' });
    const outsider = new ServiceIdentity(s, 'Outsider', {
      name: 'o',
      governance: gov({ dataClass: 'internal' }),
      principal: { kind: 'lambda', account: ACCOUNT },
    });
    store.grantBucket(outsider, 'read');
    expect(outsider.problems).toEqual([expect.stringMatching(/^data-class internal identity cannot be granted access to phi store test\/Claims/)]);
    expect(outsider.grants).toEqual([]);
    expect(() => store.tableArn).toThrow(/no table/);
    expect(synth((st) => new PhiDataStore(st, 'Misfiled', { governance: gov({ dataClass: 'internal' }), bucketName: 'misfiled-claims' })).problems).toEqual([
      'test/Misfiled: dataClass must be "phi" for a PhiDataStore (got "internal")',
    ]);
  });
});

describe('PhiDataStore names within the limits of S3 and DynamoDB', () => {
  it('names every bucket and table name problem at once, and accepts the look-alikes at the limits', () => {
    const { problems } = synth(
      (s) => new PhiDataStore(s, 'Labs', { governance: gov(), bucketName: 'Lab_Results..2026', table: { name: 'lab results', hashKey: 'id' } }),
    );
    expect(problems).toEqual([
      'test/Labs: bucketName "Lab_Results..2026" may hold only lower-case letters, digits, "." and "-", begin and end with a letter or digit, and have no ".."',
      'test/Labs: table name "lab results" may hold only letters, digits and _.-',
    ]);
    expect(synth((s) => new PhiDataStore(s, 'Ip', { governance: gov(), bucketName: '10.0.0.1' })).problems).toEqual([
      'test/Ip: bucketName "10.0.0.1" must not be an IP address',
    ]);
    expect(synth((s) => new PhiDataStore(s, 'Long', { governance: gov(), bucketName: 'b'.repeat(64), table: { name: 'ab', hashKey: 'id' } })).problems).toEqual(
      [`test/Long: bucketName "${'b'.repeat(64)}" is 64 characters; S3 allows 3 to 63`, 'test/Long: table name "ab" is 2 characters; DynamoDB allows 3 to 255'],
    );
    expect(
      synth(
        (s) => new PhiDataStore(s, 'Ok', { governance: gov(), bucketName: `stmary-${'r'.repeat(56)}`, table: { name: 'Lab.Results_2026-v1', hashKey: 'id' } }),
      ).problems,
    ).toEqual([]);
  });
});
