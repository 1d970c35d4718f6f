/**
 * Messages keep the IAM spelling the user wrote (action names `S3:*`, `s3:GetObject`; condition
 * keys `aws:SourceVpce`, `aws:SourceAccount`), in static-rule findings and the PHI access map's
 * routes, while matching stays case-insensitive (the rules compare the lower case the loaders
 * keep beside it). A single synth stack written by hand; drift messages: test/drift/spelling.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conditionsOf, documentOf } from '../../checks/loaders/policyDocument.js';
import { runCli } from '../support/cli.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let dir: string;

beforeAll(() => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'nhi-iam-spelling-')), 'spell');
  mkdirSync(dir);
  const stack = {
    '//': { metadata: { stackName: 'spell' } },
    resource: {
      aws_iam_role: {
        app: {
          name: 'app',
          assume_role_policy: doc([
            {
              Effect: 'Allow',
              Principal: { Service: 'ecs-tasks.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
            },
          ]),
          tags: { owner: 'team-a', purpose: 'x', 'data-class': 'phi', 'expires-on': '2027-06-01', environment: 'prod', 'identity-kind': 'service' },
        },
      },
      aws_iam_role_policy: {
        wide: {
          name: 'wide',
          role: '${aws_iam_role.app.name}',
          policy: doc([
            { Effect: 'Allow', Action: ['S3:*'], Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
            { Effect: 'Allow', Action: ['iam:PASS*'], Resource: '*' },
            {
              Effect: 'Allow',
              Action: ['DynamoDB:GetItem'],
              Resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/phi-table',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
            },
          ]),
        },
      },
      aws_dynamodb_table: { phi: { name: 'phi-table', hash_key: 'id', tags: { 'data-class': 'phi', owner: 'team-a' } } },
    },
  };
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(stack));
});

describe('IAM spelling in messages', () => {
  it('the loader keeps a condition key as written beside the lower case it compares', () => {
    expect(conditionsOf({ StringEquals: { 'aws:SourceVpce': 'v', 'sts:externalid': 'x' } })).toEqual([
      { operator: 'StringEquals', key: 'aws:sourcevpce', writtenKey: 'aws:SourceVpce', values: ['v'] },
      { operator: 'StringEquals', key: 'sts:externalid', values: ['x'] },
    ]);
    const d = documentOf({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] });
    expect(d.document!.statements[0]!.conditions[0]).toMatchObject({ key: 'aws:securetransport', writtenKey: 'aws:SecureTransport' });
  });

  it('static-rule findings name actions and condition keys as written', async () => {
    const r = await runCli(['check', '--synth', dir, '--format', 'json', '--fail-on', 'none', '--now', '2026-12-03']);
    expect(r.code, r.stderr).toBe(0);
    const messages = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.map((f) => `${f.ruleId} ${f.message}`);
    // Matched case-insensitively: S3:* is a service wildcard, iam:PASS* covers iam:PassRole.
    expect(messages).toContain(
      'NHI-LP-002 policy wide allows every s3 action (Action "S3:*") on Resource "*" (under condition aws:SourceVpce) (its write and permissions-management actions, NHI-LP-003, are part of this finding)',
    );
    expect(messages.find((m) => m.startsWith('NHI-LP-005 '))).toBe('NHI-LP-005 policy wide allows iam:PassRole (through Action "iam:PASS*") on Resource "*"');
    for (const m of messages) {
      expect(m).not.toContain('aws:sourcevpce');
      expect(m).not.toContain('"s3:*"');
    }
  });

  it('access map routes name actions and condition keys as written', async () => {
    const r = await runCli(['access', '--synth', dir, '--format', 'text', '--now', '2026-12-03']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('role app → wide #2 allows DynamoDB:GetItem if aws:PrincipalOrgID match → dynamodb phi-table');
    expect(r.stdout).not.toMatch(/dynamodb:getitem|aws:principalorgid/);
  });
});
