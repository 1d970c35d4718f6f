/**
 * Seeds a moto account with the configurations NHI-ROT-008 and NHI-TR-007 read live, and the
 * identities and keys that prove NHI-LP-009, NHI-ROT-009 and the NotAction/NotResource cases live:
 * each violation with its compliant look-alike, through the real AWS SDK v3 clients. Every
 * credential planted is a canary (CONFIG_CANARIES) that no output may contain.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { BatchClient, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { REGION, TEST_CREDENTIALS } from './account.js';

const ACCOUNT = '123456789012';

/** The planted credentials: a password, an access key id, a GitHub token, user data passwords and keys. */
export const CONFIG_CANARIES = {
  lambdaPassword: 'CANARY-LIVE-ROT008-pw-5e1d',
  lambdaKeyId: 'AKIAZ7CANARYLIVE0008',
  taskPassword: 'CANARY-LIVE-ROT008-task-93c0',
  jobPassword: 'CANARY-LIVE-ROT008-batch-4d2e',
  parameterToken: 'ghp_CANARYlive0rot008tokenAbCdEfGhIjKlMn',
  secureString: 'CANARY-LIVE-ROT008-securestring-1b7f',
  instancePassword: 'CANARY-LIVE-ROT008-ud-77aa',
  templateKeyId: 'AKIAZ7CANARYLIVE0LT8',
} as const;

const trust = (service: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const governed = (owner: string, dataClass = 'internal') =>
  Object.entries({
    owner,
    purpose: 'lab results exchange',
    'data-class': dataClass,
    environment: 'prod',
    'identity-kind': 'service',
    'expires-on': '2027-03-01',
  }).map(([Key, Value]) => ({ Key, Value }));

/** The roles of the IAM cases (inline policy per role), as in test/fixtures/tf/rules/policies.tf. */
export const IAM_CASES: Record<string, object[]> = {
  'lp009-bad': [{ Effect: 'Allow', Action: ['s3:GetObject', 'secretsmanager:GetSecretValue'], Resource: '*' }],
  'lp009-good': [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::deid-exports/*' },
    { Effect: 'Allow', Action: ['kms:DescribeKey', 'dynamodb:DescribeTable'], Resource: '*' },
  ],
  // Allow + NotAction on "*": every action of every other service (LP-002, LP-003, LP-006, LP-009).
  'lp002-notaction-bad': [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }],
  // The same NotAction on one queue: LP-007 only.
  'lp007-bad': [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:lab-orders` }],
  // NotAction that leaves iam:PassRole: LP-005 (lp002-notaction-bad, which excludes iam:*, is its look-alike).
  'lp005-notaction-bad': [{ Effect: 'Allow', NotAction: ['s3:*', 'dynamodb:*'], Resource: '*' }],
  'lp003-notresource-bad': [{ Effect: 'Allow', Action: ['s3:PutObject'], NotResource: ['arn:aws:s3:::phi-results/*'] }],
  'lp003-notresource-good': [{ Effect: 'Allow', Action: ['s3:CreateBucket'], NotResource: ['arn:aws:s3:::*'] }],
  'lp006-passrole-bad': [
    { Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*' },
    { Effect: 'Allow', Action: ['lambda:CreateFunction'], Resource: '*' },
  ],
  'lp006-passrole-good': [
    { Effect: 'Allow', Action: ['iam:PassRole'], Resource: `arn:aws:iam::${ACCOUNT}:role/lab-batch-task` },
    { Effect: 'Allow', Action: ['lambda:CreateFunction'], Resource: '*' },
  ],
};

export interface SeededConfigurations {
  instances: { bad: string; good: string; noProfile: string; imdsOff: string };
  templates: { bad: string; good: string; mixed: string };
  keys: { bad: string; good: string };
}

function ids(r: { Instances?: Array<{ InstanceId?: string }> }): string {
  const id = r.Instances?.[0]?.InstanceId;
  if (!id) throw new Error('RunInstances returned no instance');
  return id;
}

export async function seedConfigurations(endpoint: string): Promise<SeededConfigurations> {
  const cfg = { region: REGION, endpoint, credentials: TEST_CREDENTIALS };
  const iam = new IAMClient(cfg);
  const lambda = new LambdaClient(cfg);
  const ecs = new ECSClient(cfg);
  const ssm = new SSMClient(cfg);
  const ec2 = new EC2Client(cfg);
  const asg = new AutoScalingClient(cfg);
  const kms = new KMSClient(cfg);
  const batch = new BatchClient(cfg);
  try {
    for (const [name, statements] of Object.entries(IAM_CASES)) {
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust('lambda.amazonaws.com'), Tags: governed('lab-team') }));
      await iam.send(
        new PutRolePolicyCommand({ RoleName: name, PolicyName: 'policy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }),
      );
    }

    // NHI-ROT-008: Lambda environments. The look-alike holds a reference, a switch and a number.
    const exec = await iam.send(
      new CreateRoleCommand({ RoleName: 'lab-ingest-exec', AssumeRolePolicyDocument: trust('lambda.amazonaws.com'), Tags: governed('lab-team') }),
    );
    const fn = (FunctionName: string, Variables: Record<string, string>) =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName,
          Runtime: 'nodejs20.x',
          Role: exec.Role!.Arn!,
          Handler: 'index.handler',
          Code: { ZipFile: Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64') },
          Environment: { Variables },
        }),
      );
    await fn('rot008-bad', { DB_PASSWORD: CONFIG_CANARIES.lambdaPassword, UPSTREAM_KEY_ID: CONFIG_CANARIES.lambdaKeyId, LOG_LEVEL: 'info' });
    await fn('rot008-good', {
      DB_PASSWORD_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:lab/db`,
      TOKEN_ENABLED: 'true',
      API_KEY_LENGTH: '32',
      LOG_LEVEL: 'debug',
    });

    // ECS task definitions: a literal password in environment; the look-alike uses secrets (valueFrom).
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'rot008-bad',
        containerDefinitions: [
          {
            name: 'hl7',
            image: 'hl7:1',
            memory: 256,
            environment: [
              { name: 'HL7_PASSWORD', value: CONFIG_CANARIES.taskPassword },
              { name: 'PORT', value: '2575' },
            ],
          },
        ],
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'rot008-good',
        containerDefinitions: [
          {
            name: 'hl7',
            image: 'hl7:1',
            memory: 256,
            environment: [{ name: 'HL7_PASSWORD_SECRET', value: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:lab/hl7` }],
            secrets: [{ name: 'HL7_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:lab/hl7` }],
          },
        ],
      }),
    );

    // Batch job definitions: a literal password in the container environment; the look-alike
    // names the secret's ARN and takes the value through secrets (valueFrom).
    const job = (jobDefinitionName: string, containerProperties: Record<string, unknown>) =>
      batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName,
          type: 'container',
          containerProperties: { image: 'lab-export:1', vcpus: 1, memory: 512, command: ['run'], ...containerProperties },
        }),
      );
    await job('rot008-batch-bad', {
      environment: [
        { name: 'LAB_DB_PASSWORD', value: CONFIG_CANARIES.jobPassword },
        { name: 'BATCH_SIZE', value: '500' },
      ],
    });
    await job('rot008-batch-good', {
      environment: [{ name: 'LAB_DB_PASSWORD_SECRET', value: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:lab/db` }],
      secrets: [{ name: 'LAB_DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:lab/db` }],
    });

    // SSM: a String holding a token; look-alikes: a String pointing at a secret, a SecureString.
    await ssm.send(new PutParameterCommand({ Name: '/lab/rot008-bad/github-token', Type: 'String', Value: CONFIG_CANARIES.parameterToken }));
    await ssm.send(new PutParameterCommand({ Name: '/lab/rot008-good/db-password', Type: 'String', Value: '{{resolve:secretsmanager:lab/db}}' }));
    await ssm.send(new PutParameterCommand({ Name: '/lab/rot008-good/hl7-password', Type: 'SecureString', Value: CONFIG_CANARIES.secureString }));

    // NHI-TR-007 and user data: an instance profile for the compute cases.
    await iam.send(new CreateRoleCommand({ RoleName: 'lab-app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com'), Tags: governed('lab-team') }));
    const profile = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'lab-app' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'lab-app', RoleName: 'lab-app' }));
    const run = async (name: string, extra: Partial<RunInstancesCommandInput>) =>
      ids(
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            InstanceType: 't3.micro',
            MinCount: 1,
            MaxCount: 1,
            TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
            ...extra,
          }),
        ),
      );
    const instances = {
      bad: await run('tr007-bad', {
        IamInstanceProfile: { Arn: profile.InstanceProfile!.Arn! },
        MetadataOptions: { HttpTokens: 'optional' },
        UserData: b64(`#!/bin/bash\nexport HL7_PASSWORD=${CONFIG_CANARIES.instancePassword}\n`),
      }),
      good: await run('tr007-good', {
        IamInstanceProfile: { Arn: profile.InstanceProfile!.Arn! },
        MetadataOptions: { HttpTokens: 'required' },
        UserData: b64('#!/bin/bash\nexport HL7_PASSWORD_PARAM=/lab/hl7-password\n'),
      }),
      noProfile: await run('tr007-no-profile', { MetadataOptions: { HttpTokens: 'optional' } }),
      // A profile, tokens optional, but no metadata service at all: nothing to expose.
      imdsOff: await run('tr007-imds-off', {
        IamInstanceProfile: { Arn: profile.InstanceProfile!.Arn! },
        MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
      }),
    };

    // Launch templates: no http_tokens with a key in user data; required; and one whose default
    // version (1) is exposed while its $Latest (2) requires tokens.
    const template = async (name: string, data: object) =>
      (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: data }))).LaunchTemplate!.LaunchTemplateId!;
    const templates = {
      bad: await template('tr007-bad', {
        ImageId: 'ami-12c6146b',
        IamInstanceProfile: { Name: 'lab-app' },
        UserData: b64(`#!/bin/bash\naws configure set aws_access_key_id ${CONFIG_CANARIES.templateKeyId}\n`),
      }),
      good: await template('tr007-good', {
        ImageId: 'ami-12c6146b',
        IamInstanceProfile: { Name: 'lab-app' },
        MetadataOptions: { HttpTokens: 'required' },
        UserData: b64('#!/bin/bash\necho start\n'),
      }),
      mixed: await template('tr007-mixed', { ImageId: 'ami-12c6146b', IamInstanceProfile: { Name: 'lab-app' }, MetadataOptions: { HttpTokens: 'optional' } }),
    };
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templates.mixed,
        LaunchTemplateData: { ImageId: 'ami-12c6146b', IamInstanceProfile: { Name: 'lab-app' }, MetadataOptions: { HttpTokens: 'required' } },
      }),
    );
    const group = (AutoScalingGroupName: string, LaunchTemplateId: string, Version: string) =>
      asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName,
          LaunchTemplate: { LaunchTemplateId, Version },
          MinSize: 0,
          MaxSize: 0,
          DesiredCapacity: 0,
          AvailabilityZones: [`${REGION}a`],
        }),
      );
    await group('tr007-bad', templates.bad, '$Default');
    await group('tr007-good', templates.good, '$Latest');
    // The mixed template: $Latest requires tokens (compliant), $Default does not (a violation).
    await group('tr007-mixed-latest', templates.mixed, '$Latest');
    await group('tr007-mixed-default', templates.mixed, '$Default');

    // NHI-ROT-009: a phi key without rotation and with the default policy; the look-alike rotates and has its own policy.
    const bad = await kms.send(new CreateKeyCommand({ Description: 'phi key, defaults', Tags: [{ TagKey: 'data-class', TagValue: 'phi' }] }));
    const own = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyAdministration',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/lab-app` },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation'],
          Resource: '*',
        },
        {
          Sid: 'Use',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/lab-app` },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
        },
      ],
    });
    const good = await kms.send(
      new CreateKeyCommand({
        Description: 'phi key, governed',
        Policy: own,
        BypassPolicyLockoutSafetyCheck: true,
        Tags: [{ TagKey: 'data-class', TagValue: 'phi' }],
      }),
    );
    await kms.send(new EnableKeyRotationCommand({ KeyId: good.KeyMetadata!.KeyId! }));
    return { instances, templates, keys: { bad: bad.KeyMetadata!.Arn!, good: good.KeyMetadata!.Arn! } };
  } finally {
    for (const c of [iam, lambda, ecs, ssm, ec2, asg, kms, batch]) c.destroy();
  }
}
