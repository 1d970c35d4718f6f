/** ServiceIdentity: principals (exact trust conditions), grants (scoped), tags. */
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { checkGrant } from '../../stacks/constructs/grants.js';
import { actionFacts } from '../../stacks/constructs/iam-catalog.js';
import { ServiceIdentity } from '../../stacks/constructs/service-identity.js';
import type { Principal } from '../../stacks/constructs/trust.js';
import { ACCOUNT, conditionValue, gov, one, permissionsOf, synth, trustOf } from './helpers.js';

const objects = ['arn:aws:s3:::stmary-results/*'];

function identity(principal: Principal, over: Partial<ConstructorParameters<typeof ServiceIdentity>[2]> = {}) {
  return synth((s) => {
    new ServiceIdentity(s, 'Engine', { name: 'engine', governance: gov(), principal, grants: [{ actions: ['s3:GetObject'], resources: objects }], ...over });
  });
}

describe('ServiceIdentity trust', () => {
  it('AWS service principal with aws:SourceAccount and aws:SourceArn', () => {
    const { json } = identity({ service: 'events.amazonaws.com', sourceAccount: ACCOUNT, sourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/nightly` });
    const t = trustOf(json);
    expect(t.principals).toEqual([{ type: 'Service', identifiers: ['events.amazonaws.com'] }]);
    expect(conditionValue(t, 'aws:SourceAccount')).toEqual({ test: 'StringEquals', values: [ACCOUNT], variable: 'aws:SourceAccount' });
    expect(conditionValue(t, 'aws:SourceArn')?.test).toBe('ArnLike');
  });

  it('ECS task: ecs-tasks.amazonaws.com pinned to the account and its ECS ARNs', () => {
    const t = trustOf(identity({ kind: 'ecs-task', account: ACCOUNT, region: 'us-east-1' }).json);
    expect(t.principals[0].identifiers).toEqual(['ecs-tasks.amazonaws.com']);
    expect(conditionValue(t, 'aws:SourceAccount')?.values).toEqual([ACCOUNT]);
    expect(conditionValue(t, 'aws:SourceArn')?.values).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT}:*`]);
  });

  it('Lambda: lambda.amazonaws.com pinned to the account', () => {
    const t = trustOf(identity({ kind: 'lambda', account: ACCOUNT }).json);
    expect(t.principals[0].identifiers).toEqual(['lambda.amazonaws.com']);
    expect(conditionValue(t, 'aws:SourceAccount')?.values).toEqual([ACCOUNT]);
  });

  it('EKS service account: federated OIDC provider, exact sub and sts audience', () => {
    const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789';
    const t = trustOf(
      identity({ kind: 'eks-service-account', account: ACCOUNT, issuer: `https://${issuer}`, namespace: 'portal', serviceAccount: 'portal-api' }).json,
    );
    expect(t.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(t.principals).toEqual([{ type: 'Federated', identifiers: [`arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`] }]);
    expect(conditionValue(t, `${issuer}:sub`)).toMatchObject({ test: 'StringEquals', values: ['system:serviceaccount:portal:portal-api'] });
    expect(conditionValue(t, `${issuer}:aud`)).toMatchObject({ test: 'StringEquals', values: ['sts.amazonaws.com'] });
  });

  it('GitHub Actions: exact sub for a branch or an environment', () => {
    const host = 'token.actions.githubusercontent.com';
    const branch = trustOf(identity({ kind: 'github-actions', account: ACCOUNT, repository: 'stmarys-health/infra', ref: 'refs/heads/main' }).json);
    expect(branch.principals[0]).toEqual({ type: 'Federated', identifiers: [`arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`] });
    expect(conditionValue(branch, `${host}:sub`)).toMatchObject({ test: 'StringEquals', values: ['repo:stmarys-health/infra:ref:refs/heads/main'] });
    expect(conditionValue(branch, `${host}:aud`)?.values).toEqual(['sts.amazonaws.com']);
    const env = trustOf(identity({ kind: 'github-actions', account: ACCOUNT, repository: 'stmarys-health/infra', environment: 'production' }).json);
    expect(conditionValue(env, `${host}:sub`)?.values).toEqual(['repo:stmarys-health/infra:environment:production']);
  });

  it.each([
    ['a wildcard repository', { repository: 'stmarys-health/*', ref: 'refs/heads/main' }, /wildcard/],
    ['a wildcard organization', { repository: '*/infra', ref: 'refs/heads/main' }, /wildcard/],
    ['a wildcard branch', { repository: 'stmarys-health/infra', ref: 'refs/heads/*' }, /wildcard/],
    ['a wildcard environment', { repository: 'stmarys-health/infra', environment: 'prod*' }, /wildcard/],
    ['neither ref nor environment', { repository: 'stmarys-health/infra' }, /exactly one of ref or environment/],
    ['both ref and environment', { repository: 'stmarys-health/infra', ref: 'refs/heads/main', environment: 'production' }, /exactly one/],
    ['a repository without organization', { repository: 'infra', ref: 'refs/heads/main' }, /ORG\/REPO/],
  ])('GitHub Actions refuses %s', (_n, p, msg) => {
    expect(identity({ kind: 'github-actions', account: ACCOUNT, ...p }).problems).toContainEqual(expect.stringMatching(msg));
  });

  it('refuses a wildcard Kubernetes service account, and people as principals', () => {
    expect(
      identity({ kind: 'eks-service-account', account: ACCOUNT, issuer: 'oidc.eks.us-east-1.amazonaws.com/id/ABC', namespace: 'portal', serviceAccount: '*' })
        .problems,
    ).toContainEqual(expect.stringMatching(/^test\/Engine: .*wildcard/));
    expect(identity({ kind: 'account-principals', arns: [`arn:aws:iam::${ACCOUNT}:role/admin`] }).problems).toContainEqual(
      expect.stringMatching(/not by people/),
    );
    expect(identity({ kind: 'lambda', account: '12345' }).problems).toContainEqual(expect.stringMatching(/12-digit/));
  });
});

describe('ServiceIdentity grants', () => {
  it('emits scoped statements and the governance tags on the role', () => {
    const { text, json } = identity({ kind: 'lambda', account: ACCOUNT }, { governance: gov({ ticket: 'CHG-1' }) });
    expect(Testing.toHaveResourceWithProperties(text, 'aws_iam_role', { name: 'engine', max_session_duration: 3600 })).toBe(true);
    expect(one(json, 'resource', 'aws_iam_role').tags).toEqual({
      owner: 'integration-platform',
      purpose: 'test identity',
      'data-class': 'phi',
      environment: 'prod',
      'expires-on': '2027-06-30',
      'identity-kind': 'service',
      ticket: 'CHG-1',
    });
    expect(permissionsOf(json)).toEqual([{ effect: 'Allow', actions: ['s3:GetObject'], resources: objects }]);
    expect(Testing.toHaveResourceWithProperties(text, 'aws_iam_role_policy', { name: 'engine-permissions' })).toBe(true);
  });

  it('includes grants added after construction', () => {
    const { json } = synth((s) => {
      const id = new ServiceIdentity(s, 'Engine', { name: 'engine', governance: gov(), principal: { kind: 'lambda', account: ACCOUNT } });
      id.grant({ actions: ['dynamodb:GetItem'], resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`] });
    });
    expect(permissionsOf(json).map((st) => st.actions)).toEqual([['dynamodb:GetItem']]);
  });

  it('refuses Action "*" and whole-service wildcards, every refused grant a problem of the construct, none granted', () => {
    const { json, problems } = synth((s) => {
      const id = new ServiceIdentity(s, 'Engine', { name: 'engine', governance: gov(), principal: { kind: 'lambda', account: ACCOUNT } });
      id.grant({ actions: ['*'], resources: objects }).grant({ actions: ['s3:*'], resources: objects });
      id.grant({ actions: [], resources: objects }).grant({ actions: ['s3:GetObject'], resources: [] });
    });
    expect(problems).toEqual([
      'test/Engine: Action "*" is never granted; list the actions the workload calls',
      'test/Engine: action "s3:*" grants a whole service; list the actions the workload calls',
      'test/Engine: a grant needs at least one action',
      'test/Engine: a grant needs at least one resource ARN',
    ]);
    expect(permissionsOf(json)).toEqual([]);
  });

  it('refuses Resource "*" unless every action is wildcard-only', () => {
    const g = (actions: string[]) => () => checkGrant('app/x', { actions, resources: ['*'] });
    expect(g(['s3:GetObject'])).toThrow(/s3:GetObject \(Read, accepts resource ARNs\)/);
    expect(g(['iam:PassRole'])).toThrow(/iam:PassRole/);
    expect(g(['s3:Put*'])).toThrow(/wildcard pattern/);
    expect(g(['sts:GetCallerIdentity', 'iam:ListRoles', 'iam:CreateRole'])).toThrow(/iam:CreateRole/);
    expect(g(['foo:NotAnAction'])).toThrow(/not in the AWS action catalog/);
    expect(g(['sts:GetCallerIdentity', 'iam:ListRoles', 'secretsmanager:ListSecrets'])).not.toThrow();
  });

  it('reads access levels and wildcard-only facts from the iam-data catalog synchronously', () => {
    expect(actionFacts('sts:GetCallerIdentity')).toEqual({ action: 'sts:GetCallerIdentity', accessLevel: 'Read', wildcardOnly: true });
    expect(actionFacts('S3:putobject')).toMatchObject({ action: 's3:PutObject', accessLevel: 'Write', wildcardOnly: false });
    expect(actionFacts('../etc:passwd')).toBeNull();
    expect(actionFacts('nosuchservice:Get')).toBeNull();
  });
});

describe('AWS limits of role options', () => {
  it('names every option outside what IAM accepts, all at once, with the construct path', () => {
    const { problems } = identity(
      { kind: 'lambda', account: ACCOUNT },
      { name: 'n'.repeat(65), path: 'vendors', maxSessionDuration: 60, governance: gov({ purpose: 'p'.repeat(257), owner: 'o' }) },
    );
    expect(problems).toEqual([
      `test/Engine: name "${'n'.repeat(65)}" is 65 characters, more than the 64 AWS allows`,
      'test/Engine: path "vendors" must be "/" or begin and end with "/" (printable ASCII, no spaces), e.g. "/vendors/"',
      'test/Engine: maxSessionDuration 60 must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)',
      'test/Engine: tag "purpose" value is 257 characters, more than the 256 AWS allows',
    ]);
  });

  it('accepts the limits themselves: a 64-character name, a nested path, 12-hour sessions, 256-character values', () => {
    const { json, problems } = identity(
      { kind: 'lambda', account: ACCOUNT },
      { name: 'n'.repeat(64), path: '/integrations/lab/', maxSessionDuration: 43200, governance: gov({ purpose: 'p'.repeat(256) }) },
    );
    expect(problems).toEqual([]);
    expect(one(json, 'resource', 'aws_iam_role')).toMatchObject({ name: 'n'.repeat(64), path: '/integrations/lab/', max_session_duration: 43200 });
  });

  it('refuses tag values with characters IAM does not take (commas, parentheses), and accepts the ones it does', () => {
    expect(identity({ kind: 'lambda', account: ACCOUNT }, { governance: gov({ purpose: 'HL7 feeds (ADT, ORU)' }) }).problems).toEqual([
      'test/Engine: tag "purpose" value "HL7 feeds (ADT, ORU)" may hold only letters, digits, spaces and _.:/=+-@ (no commas, parentheses or quotes)',
    ]);
    expect(
      identity({ kind: 'lambda', account: ACCOUNT }, { governance: gov({ purpose: 'HL7 feeds: ADT/ORU über SFTP - ticket=CHG-1 @lab +2' }) }).problems,
    ).toEqual([]);
  });

  it('refuses characters IAM does not take in a name, and reserved or over-long tag keys', () => {
    const { problems } = identity(
      { kind: 'lambda', account: ACCOUNT },
      {
        name: 'lab results',
        tagKeys: {
          owner: 'aws:owner',
          purpose: 'k'.repeat(129),
          dataClass: 'data-class',
          environment: 'environment',
          expiresOn: 'expires-on',
          identityKind: 'identity-kind',
          ticket: 'ticket',
        },
      },
    );
    expect(problems).toEqual([
      'test/Engine: name "lab results" may hold only letters, digits and +=,.@_-',
      'test/Engine: tag key "aws:owner" starts with "aws:", which AWS reserves',
      `test/Engine: tag key "${'k'.repeat(79)}…" is 129 characters; AWS allows 1 to 128`,
    ]);
  });
});
