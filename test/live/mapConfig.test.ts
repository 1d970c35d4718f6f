/**
 * The pure mapping of live configurations (checks/live/mapConfig.ts): which values are scanned,
 * what a fact keeps, and which launch template version an autoscaling group is judged through.
 */
import { describe, expect, it } from 'vitest';
import {
  lambdaCredentials,
  mapAutoScalingGroup,
  mapLaunchTemplateVersion,
  parameterCredentials,
  taskDefinitionCredentials,
  templateIndex,
  userDataCredentials,
} from '../../checks/live/mapConfig.js';

const ctx = { file: 'aws:123456789012/us-east-1' };
const SECRET = 'CANARY-MAPCONFIG-pw-e41b';
const LT = 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0abc';

describe('credentials in live configuration', () => {
  it('a Lambda fact keeps holder, path and kind; no value and no other variable', async () => {
    const facts = await lambdaCredentials(
      {
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        FunctionName: 'f',
        Environment: { Variables: { DB_PASSWORD: SECRET, LOG_LEVEL: 'info' } },
      },
      ctx,
    );
    expect(facts).toEqual([
      {
        id: 'arn:aws:lambda:us-east-1:123456789012:function:f#environment[0].variables.DB_PASSWORD:password-like',
        holderType: 'aws_lambda_function',
        name: 'f',
        path: 'environment[0].variables.DB_PASSWORD',
        kind: 'password-like',
        change: 'existing',
        origin: { source: 'live', file: ctx.file, arn: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
      },
    ]);
    expect(JSON.stringify(facts)).not.toContain(SECRET);
  });

  it('ECS: environment entries are scanned, secrets (valueFrom) are references', async () => {
    const facts = await taskDefinitionCredentials(
      {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/t:3',
        family: 't',
        revision: 3,
        containerDefinitions: [
          { name: 'a', environment: [{ name: 'PORT', value: '80' }] },
          {
            name: 'b',
            environment: [{ name: 'API_TOKEN', value: SECRET }],
            secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' }],
          },
        ],
      },
      ctx,
    );
    expect(facts.map((f) => `${f.name} ${f.path} ${f.kind}`)).toEqual(['t:3 container_definitions[1].environment.API_TOKEN password-like']);
  });

  it('SSM: a String value is scanned by the last name segment; a SecureString never, whatever it holds', async () => {
    const p = { ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password', Name: '/app/db-password', Value: SECRET };
    expect((await parameterCredentials({ ...p, Type: 'String' }, ctx)).map((f) => f.kind)).toEqual(['password-like']);
    expect(await parameterCredentials({ ...p, Type: 'SecureString' }, ctx)).toEqual([]);
    expect(await parameterCredentials({ ...p, Type: 'String', Value: '{{resolve:secretsmanager:app/db}}' }, ctx)).toEqual([]);
  });

  it('user data is base64: decoded and scanned as a script; text that is not base64 is not guessed at', async () => {
    const b64 = Buffer.from(`#!/bin/sh\nexport DB_PASSWORD=${SECRET}\n`).toString('base64');
    expect((await userDataCredentials(LT, 'aws_launch_template', 'lt', b64, ctx)).map((f) => f.path)).toEqual(['user_data']);
    expect(await userDataCredentials(LT, 'aws_launch_template', 'lt', `export DB_PASSWORD=${SECRET}`, ctx)).toEqual([]);
  });
});

describe('autoscaling groups through launch template versions', () => {
  const v1 = {
    LaunchTemplateId: 'lt-0abc',
    LaunchTemplateName: 'web',
    VersionNumber: 1,
    DefaultVersion: true,
    LaunchTemplateData: { IamInstanceProfile: { Name: 'p' } },
  };
  const v2 = {
    LaunchTemplateId: 'lt-0abc',
    LaunchTemplateName: 'web',
    VersionNumber: 2,
    DefaultVersion: false,
    LaunchTemplateData: { IamInstanceProfile: { Name: 'p' }, MetadataOptions: { HttpTokens: 'required' as const } },
  };
  const versions = [v1, v2].map((v) => ({ v, compute: mapLaunchTemplateVersion(v, LT, ctx) }));
  const index = templateIndex(versions);
  const group = (LaunchTemplate: object | undefined, extra: object = {}) =>
    mapAutoScalingGroup(
      {
        AutoScalingGroupARN: 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/g',
        AutoScalingGroupName: 'g',
        LaunchTemplate,
        ...extra,
      } as never,
      index,
      ctx,
    );

  it('the default version is the template ARN, a newer $Latest its own element', () => {
    expect(versions.map((x) => [x.compute.id, x.compute.name, x.compute.httpTokens])).toEqual([
      [LT, 'web', undefined],
      [`${LT}#$Latest`, 'web $Latest (version 2)', 'required'],
    ]);
  });

  it.each([
    ['$Latest', [`${LT}#$Latest`]],
    ['$Default', [LT]],
    [undefined, [LT]],
    ['2', [`${LT}#$Latest`]],
    ['1', [LT]],
  ])('version %s', (Version, expected) => {
    expect(group({ LaunchTemplateId: 'lt-0abc', ...(Version ? { Version } : {}) })?.launchTemplates).toEqual(expected);
  });

  it('by name too; an unread version, an unknown template or a launch configuration leaves it unjudged through templates', () => {
    expect(group({ LaunchTemplateName: 'web', Version: '$Latest' })?.launchTemplates).toEqual([`${LT}#$Latest`]);
    expect(group({ LaunchTemplateId: 'lt-0abc', Version: '7' })?.launchTemplates).toBeUndefined();
    expect(group({ LaunchTemplateId: 'lt-other' })?.launchTemplates).toBeUndefined();
    expect(group(undefined, { LaunchConfigurationName: 'old' })?.launchTemplates).toBeUndefined();
  });
});
