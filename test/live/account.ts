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
  Object.entries({ owner, purpose: 'lab results exchange', 'data-class': 'phi', environment: 'prod', 'identity-kind': 'service', 'expires-on': '2027-03-01', ...extra }).map(([Key, Value]) => ({ Key, Value }));

const trustLambda = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

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
    await iam.send(new CreateRoleCommand({ RoleName: 'legacy-admin', AssumeRolePolicyDocument: trustLambda, Tags: gov('platform-team'), MaxSessionDuration: 7200 }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'legacy-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    // A scoped service role: customer managed + inline policy with a policy variable and spaces.
    const pol = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'lab-results-read',
        Path: '/nhi/',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read results', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::lab-results/*' }] }),
      }),
    );
    await iam.send(new CreateRoleCommand({ RoleName: 'lab-results', Path: '/service/', AssumeRolePolicyDocument: trustLambda, Tags: gov('lab-team') }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-results', PolicyArn: pol.Policy!.Arn! }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'lab-results',
        PolicyName: 'own-prefix',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lab-results', Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } } }] }),
      }),
    );
    // A service-linked role (path kept so drift can exempt it).
    await iam.send(new CreateRoleCommand({ RoleName: 'AWSServiceRoleForSupport', Path: '/aws-service-role/support.amazonaws.com/', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    // A group with a policy, a vendor user in it with keys (one used, one never used, one inactive in another user).
    await iam.send(new CreateGroupCommand({ GroupName: 'vendors' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'vendors', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    await iam.send(new CreateUserCommand({ UserName: 'vendor-sftp', Tags: gov('integration-team', { 'identity-kind': 'vendor' }) }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'vendors', UserName: 'vendor-sftp' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'vendor-sftp', PolicyName: 'drop-box', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::vendor-drop/*' }] }) }));
    const used = await iam.send(new CreateAccessKeyCommand({ UserName: 'vendor-sftp' }));
    const unused = await iam.send(new CreateAccessKeyCommand({ UserName: 'vendor-sftp' }));
    // Use one key: moto records the last use of the key that signs a request.
    const sts = new STSClient({ region: REGION, endpoint, credentials: { accessKeyId: used.AccessKey!.AccessKeyId!, secretAccessKey: used.AccessKey!.SecretAccessKey! } });
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
    await secret({ Name: 'lab/hl7-password', SecretString: `${CANARY}-rotated`, KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555', Tags: gov('lab-team') });
    // moto 5.2.1 accepts RotateSecret without a rotation Lambda (AWS requires one); it marks the
    // secret rotated now and rotation enabled, which is all the collector reads.
    await sm.send(new RotateSecretCommand({ SecretId: 'lab/hl7-password', RotationRules: { AutomaticallyAfterDays: 30 } }));
    await secret({ Name: 'vendor/sftp-token', SecretString: JSON.stringify({ token: `${CANARY}-static` }), Tags: gov('integration-team') });
    return { usedKeyId: used.AccessKey!.AccessKeyId!, unusedKeyId: unused.AccessKey!.AccessKeyId!, inactiveKeyId: inactive.AccessKey!.AccessKeyId!, customPolicyArn: pol.Policy!.Arn! };
  } finally {
    iam.destroy();
    sm.destroy();
  }
}
