/**
 * Seeds a moto account with a small, realistic NHI estate for live-collection tests, through the
 * real AWS SDK v3 clients (credentials testing/testing, region us-east-1).
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand, RotateSecretCommand, SecretsManagerClient, CreateSecretCommandInput } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export const REGION = 'us-east-1';
export const CANARY = 'CANARY-LIVE-7f3b9c2e-do-not-print';
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

const gov = (owner: string, extra: Record<string, string> = {}) =>
  Object.entries({
    owner,
    purpose: 'lab results exchange',
    'data-class': 'phi',
    environment: 'prod',
    'identity-kind': 'service',
    'expires-on': '2027-03-01',
    ...extra,
  }).map(([Key, Value]) => ({ Key, Value }));

const trustLambda = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface SeededAccount {
  usedKeyId: string;
  unusedKeyId: string;
  inactiveKeyId: string;
  customPolicyArn: string;
}

/** Roles, users with groups and keys, managed and inline policies, secrets with and without rotation. */
export async function seedAccount(endpoint: string): Promise<SeededAccount> {
  const cfg = { region: REGION, endpoint, credentials: TEST_CREDENTIALS };
  const iam = new IAMClient(cfg);
  const sm = new SecretsManagerClient(cfg);
  try {
    // An admin role: AWS managed AdministratorAccess attached (NHI-LP-004).
    await iam.send(
      new CreateRoleCommand({ RoleName: 'legacy-admin', AssumeRolePolicyDocument: trustLambda, Tags: gov('platform-team'), MaxSessionDuration: 7200 }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'legacy-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    // A scoped service role: customer managed + inline policy with a policy variable and spaces.
    const pol = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'lab-results-read',
        Path: '/nhi/',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'Read results', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::lab-results/*' }],
        }),
      }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'lab-results', Path: '/service/', AssumeRolePolicyDocument: trustLambda, Tags: gov('lab-team') }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-results', PolicyArn: pol.Policy!.Arn! }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'lab-results',
        PolicyName: 'own-prefix',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: 'arn:aws:s3:::lab-results',
              Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } },
            },
          ],
        }),
      }),
    );
    // A service-linked role (path kept so drift can exempt it).
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'AWSServiceRoleForSupport',
        Path: '/aws-service-role/support.amazonaws.com/',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    // A group with a policy, a vendor user in it with keys (one used, one never used, one inactive in another user).
    await iam.send(new CreateGroupCommand({ GroupName: 'vendors' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'vendors', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    await iam.send(new CreateUserCommand({ UserName: 'vendor-sftp', Tags: gov('integration-team', { 'identity-kind': 'vendor' }) }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'vendors', UserName: 'vendor-sftp' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'vendor-sftp',
        PolicyName: 'drop-box',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::vendor-drop/*' }],
        }),
      }),
    );
    const used = await iam.send(new CreateAccessKeyCommand({ UserName: 'vendor-sftp' }));
    const unused = await iam.send(new CreateAccessKeyCommand({ UserName: 'vendor-sftp' }));
    // Use one key: moto records the last use of the key that signs a request.
    const sts = new STSClient({
      region: REGION,
      endpoint,
      credentials: { accessKeyId: used.AccessKey!.AccessKeyId!, secretAccessKey: used.AccessKey!.SecretAccessKey! },
    });
    await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    await iam.send(new CreateUserCommand({ UserName: 'batch-export', Tags: gov('data-team', { 'identity-kind': 'automation' }) }));
    const inactive = await iam.send(new CreateAccessKeyCommand({ UserName: 'batch-export' }));
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'batch-export', AccessKeyId: inactive.AccessKey!.AccessKeyId!, Status: 'Inactive' }));
    // A console user (login profile) without keys.
    await iam.send(new CreateUserCommand({ UserName: 'ops-console' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'ops-console', Password: 'Pa55word-not-printed!' }));
    // Secrets: one rotated every 30 days with a customer KMS key, one without rotation; values are canaries.
    const secret = (input: CreateSecretCommandInput) => sm.send(new CreateSecretCommand(input));
    await secret({
      Name: 'lab/hl7-password',
      SecretString: `${CANARY}-rotated`,
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
      Tags: gov('lab-team'),
    });
    // moto 5.2.1 accepts RotateSecret without a rotation Lambda (AWS requires one); it marks the
    // secret rotated now and rotation enabled, which is all the collector reads.
    await sm.send(new RotateSecretCommand({ SecretId: 'lab/hl7-password', RotationRules: { AutomaticallyAfterDays: 30 } }));
    await secret({ Name: 'vendor/sftp-token', SecretString: JSON.stringify({ token: `${CANARY}-static` }), Tags: gov('integration-team') });
    return {
      usedKeyId: used.AccessKey!.AccessKeyId!,
      unusedKeyId: unused.AccessKey!.AccessKeyId!,
      inactiveKeyId: inactive.AccessKey!.AccessKeyId!,
      customPolicyArn: pol.Policy!.Arn!,
    };
  } finally {
    iam.destroy();
    sm.destroy();
  }
}

export interface StoreSeed {
  /** Credentials of the account to seed (default: the test credentials, moto's default account). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region?: string;
  /** Prefix of the store names (S3 bucket names are global: one per account in an organization). */
  prefix?: string;
  /** Also an RDS instance and a cluster (slower in moto). */
  rds?: boolean;
}

/**
 * PHI data stores with their data-class tags (a bucket, a table, a KMS key; RDS on request), an
 * untagged bucket, and `reporting`: a role classified internal that reads the PHI bucket and
 * table (NHI-LP-008).
 */
export async function seedDataStores(endpoint: string, seed: StoreSeed = {}): Promise<{ bucket: string; table: string; keyArn: string }> {
  const { CreateBucketCommand, PutBucketTaggingCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { CreateAliasCommand, CreateKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } = await import('@aws-sdk/client-rds');
  const region = seed.region ?? REGION;
  const cfg = { region, endpoint, credentials: seed.credentials ?? TEST_CREDENTIALS };
  const p = seed.prefix ?? '';
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  const ddb = new DynamoDBClient(cfg);
  const kms = new KMSClient(cfg);
  const iam = new IAMClient(cfg);
  const phi = [
    { Key: 'data-class', Value: 'phi' },
    { Key: 'owner', Value: 'lab-team' },
  ];
  try {
    const bucket = `${p}phi-lab-results`;
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }),
    );
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: phi } }));
    await s3.send(
      new CreateBucketCommand({
        Bucket: `${p}public-assets`,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
      }),
    );
    const table = `${p}patients`;
    const t = await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        Tags: phi,
      }),
    );
    const key = await kms.send(new CreateKeyCommand({ Description: 'PHI encryption', Tags: phi.map((x) => ({ TagKey: x.Key, TagValue: x.Value })) }));
    await kms.send(new CreateAliasCommand({ AliasName: `alias/${p}phi-key`, TargetKeyId: key.KeyMetadata!.KeyId! }));
    if (seed.rds) {
      const rds = new RDSClient(cfg);
      try {
        await rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: `${p}ehr-db`,
            Engine: 'postgres',
            DBInstanceClass: 'db.t3.micro',
            AllocatedStorage: 20,
            MasterUsername: 'ehr',
            MasterUserPassword: `${CANARY}-db`,
            Tags: phi,
          }),
        );
        await rds.send(
          new CreateDBClusterCommand({
            DBClusterIdentifier: `${p}claims`,
            Engine: 'aurora-postgresql',
            MasterUsername: 'claims',
            MasterUserPassword: `${CANARY}-cluster`,
            Tags: [{ Key: 'data-class', Value: 'internal' }],
          }),
        );
      } finally {
        rds.destroy();
      }
    }
    // A reporting role classified internal that reads the PHI bucket and table: NHI-LP-008 twice.
    await iam.send(
      new CreateRoleCommand({ RoleName: 'reporting', AssumeRolePolicyDocument: trustLambda, Tags: gov('data-team', { 'data-class': 'internal' }) }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'reporting',
        PolicyName: 'read-phi',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
            { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: t.TableDescription!.TableArn! },
          ],
        }),
      }),
    );
    return { bucket, table, keyArn: key.KeyMetadata!.Arn! };
  } finally {
    s3.destroy();
    ddb.destroy();
    kms.destroy();
    iam.destroy();
  }
}
