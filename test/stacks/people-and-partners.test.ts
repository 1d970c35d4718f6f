/** VendorAccess, BreakGlassRole and ScannerRole: trust conditions, session limits, tags, grants. */
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { BreakGlassRole } from '../../stacks/constructs/break-glass-role.js';
import { ORG_SCANNER_ACTIONS, ScannerRole, SCANNER_ACTIONS } from '../../stacks/constructs/scanner-role.js';
import { VendorAccess, type VendorAccessProps } from '../../stacks/constructs/vendor-access.js';
import { ACCOUNT, conditionValue, gov, newStack, one, permissionsOf, synth, trustOf } from './helpers.js';

const VENDOR = '444455556666';

function vendorProps(over: Partial<VendorAccessProps> = {}): VendorAccessProps {
  return {
    name: 'pacs-vendor',
    governance: gov({ identityKind: 'vendor', expiresOn: '2027-02-15', dataClass: 'internal', ticket: 'BAA-1' }),
    vendorAccount: VENDOR,
    externalId: 'stmary-pacs-7f3c',
    grants: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::exports/support/*'] }],
    ...over,
  };
}

describe('VendorAccess', () => {
  it('trusts the vendor account only with the agreed sts:ExternalId', () => {
    const { json, problems } = synth((s) => new VendorAccess(s, 'Pacs', vendorProps()));
    expect(problems).toEqual([]);
    const t = trustOf(json);
    expect(t.actions).toEqual(['sts:AssumeRole']);
    expect(t.principals).toEqual([{ type: 'AWS', identifiers: [`arn:aws:iam::${VENDOR}:root`] }]);
    expect(conditionValue(t, 'sts:ExternalId')).toMatchObject({ test: 'StringEquals', values: ['stmary-pacs-7f3c'] });
    expect(one(json, 'resource', 'aws_iam_role').tags['identity-kind']).toBe('vendor');
  });

  it('can name specific vendor roles', () => {
    const arn = `arn:aws:iam::${VENDOR}:role/support`;
    const t = trustOf(synth((s) => new VendorAccess(s, 'Pacs', vendorProps({ vendorRoleArns: [arn] }))).json);
    expect(t.principals[0].identifiers).toEqual([arn]);
    expect(synth((s) => new VendorAccess(s, 'Pacs', vendorProps({ vendorRoleArns: [`arn:aws:iam::${ACCOUNT}:role/support`] }))).problems).toContainEqual(
      expect.stringMatching(/must be a role of account 444455556666/),
    );
  });

  it('requires an external ID', () => {
    expect(synth((s) => new VendorAccess(s, 'Pacs', vendorProps({ externalId: '' }))).problems).toContainEqual(
      expect.stringMatching(/^test\/Pacs: externalId is required/),
    );
    expect(synth((s) => new VendorAccess(s, 'Pacs', { ...vendorProps(), externalId: undefined as unknown as string })).problems).toContainEqual(
      expect.stringMatching(/externalId is required/),
    );
  });

  it('refuses Resource "*" even for wildcard-only actions, and sessions outside AWS limits or over an hour', () => {
    const s = newStack();
    const v = new VendorAccess(s, 'Pacs', vendorProps());
    v.grant({ actions: ['sts:GetCallerIdentity'], resources: ['*'] });
    expect(v.problems).toEqual([expect.stringMatching(/not allowed for this identity/)]);
    expect(synth((st) => new VendorAccess(st, 'Long', vendorProps({ name: 'long', maxSessionDuration: 43200 }))).problems).toEqual([
      'test/Long: maxSessionDuration 43200 is more than the 3600 seconds allowed for vendor access',
    ]);
    // 900 was accepted once: AWS's minimum for a role is one hour.
    for (const seconds of [900, 43201, 3600.5]) {
      expect(synth((st) => new VendorAccess(st, 'Odd', vendorProps({ name: 'odd', maxSessionDuration: seconds }))).problems).toEqual([
        `test/Odd: maxSessionDuration ${seconds} must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)`,
      ]);
    }
  });

  it('reports a non-vendor identity kind and a missing contract ticket', () => {
    const { problems } = synth((s) => new VendorAccess(s, 'Pacs', vendorProps({ governance: gov({ identityKind: 'service', expiresOn: '2027-02-15' }) })));
    expect(problems).toContain('test/Pacs: identityKind must be "vendor" for VendorAccess (got "service"), so it expires within 90 days');
    const noTicket = synth((s) => new VendorAccess(s, 'Pacs', vendorProps({ governance: gov({ identityKind: 'vendor', expiresOn: '2027-02-15' }) }))).problems;
    expect(noTicket).toEqual(['test/Pacs: ticket is missing: a vendor identity references its contract or business associate agreement']);
  });
});

describe('BreakGlassRole', () => {
  const props = {
    name: 'ed-break-glass',
    governance: gov({ identityKind: 'break-glass', expiresOn: '2027-10-31' }),
    trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:role/ed-oncall`],
    grants: [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::downtime/*'] }],
  };

  it('requires MFA, limits the session to one hour and tags alert-on-use', () => {
    const { text, json, problems } = synth((s) => new BreakGlassRole(s, 'Ed', props));
    expect(problems).toEqual([]);
    const t = trustOf(json);
    expect(t.principals).toEqual([{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:role/ed-oncall`] }]);
    expect(conditionValue(t, 'aws:MultiFactorAuthPresent')).toMatchObject({ test: 'Bool', values: ['true'] });
    expect(
      Testing.toHaveResourceWithProperties(text, 'aws_iam_role', {
        max_session_duration: 3600,
        tags: { 'alert-on-use': 'true', 'identity-kind': 'break-glass' },
      }),
    ).toBe(true);
  });

  it('refuses longer sessions, wildcards and whole accounts', () => {
    const problems = (over: Partial<typeof props> & { maxSessionDuration?: number; trustedPrincipals?: string[] }) =>
      synth((s) => new BreakGlassRole(s, 'Ed', { ...props, ...over })).problems;
    expect(problems({ maxSessionDuration: 7200 })).toEqual([
      'test/Ed: maxSessionDuration 7200 is more than the 3600 seconds allowed for break-glass access (NHI-TR-004)',
    ]);
    expect(problems({ maxSessionDuration: 900 })).toEqual([
      'test/Ed: maxSessionDuration 900 must be a whole number of seconds from 3600 to 43200 (the range AWS allows for a role)',
    ]);
    expect(problems({ trustedPrincipals: ['*'] })).toContainEqual(expect.stringMatching(/wildcard/));
    expect(problems({ trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`] })).toContainEqual(expect.stringMatching(/not a whole account/));
    expect(problems({ trustedPrincipals: [] })).toContainEqual(expect.stringMatching(/at least one/));
  });

  it('reports a wrong identity kind', () => {
    const { problems } = synth((s) => new BreakGlassRole(s, 'Ed', { ...props, governance: gov({ identityKind: 'service' }) }));
    expect(problems).toEqual(['test/Ed: identityKind must be "break-glass" for BreakGlassRole (got "service")']);
  });
});

describe('ScannerRole', () => {
  const governance = gov({ identityKind: 'automation', dataClass: 'internal', owner: 'security-engineering' });

  it('grants exactly the read-only scan actions: wildcard-only ones on "*", the rest scoped to the account', () => {
    const { json, problems } = synth(
      (s) => new ScannerRole(s, 'Scanner', { account: ACCOUNT, governance, trustedBy: { roleArn: `arn:aws:iam::${ACCOUNT}:role/ci-runner` } }),
    );
    expect(problems).toEqual([]);
    const statements = permissionsOf(json);
    expect(statements.flatMap((s) => s.actions).sort()).toEqual([...SCANNER_ACTIONS].sort());
    const star = statements.find((s) => s.resources.includes('*'))!;
    expect(star.actions.sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'batch:DescribeJobDefinitions',
      'dynamodb:ListTables',
      'ec2:DescribeInstances',
      'ec2:DescribeLaunchTemplateVersions',
      'ec2:DescribeRegions',
      'ecs:DescribeTaskDefinition',
      'ecs:ListTaskDefinitions',
      'healthlake:ListFHIRDatastores',
      'iam:GenerateCredentialReport',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetCredentialReport',
      'iam:ListRoles',
      'iam:ListUsers',
      'kms:ListAliases',
      'kms:ListKeys',
      'lambda:ListFunctions',
      's3:ListAllMyBuckets',
      'secretsmanager:ListSecrets',
      'ssm:DescribeParameters',
      'sts:GetCallerIdentity',
    ]);
    const scoped = statements.filter((s) => s !== star);
    // Bucket ARNs have no account field; every other scoped resource names the scanned account.
    for (const s of scoped) for (const r of s.resources) expect(r === 'arn:aws:s3:::*' ? `:${ACCOUNT}:` : r).toContain(`:${ACCOUNT}:`);
    expect(scoped.find((s) => s.resources.includes('arn:aws:s3:::*'))!.actions).toEqual(['s3:GetBucketTagging', 's3:GetBucketLocation']);
    expect(scoped.find((s) => s.resources.includes(`arn:aws:kms:*:${ACCOUNT}:key/*`))!.actions).toEqual([
      'kms:ListResourceTags',
      'kms:GetKeyRotationStatus',
      'kms:GetKeyPolicy',
    ]);
    expect(scoped.find((s) => s.resources.includes(`arn:aws:ssm:*:${ACCOUNT}:parameter/*`))!.actions).toEqual(['ssm:GetParameters']);
    expect(scoped.find((s) => s.resources.includes(`arn:aws:ec2:*:${ACCOUNT}:instance/*`))!.actions).toEqual(['ec2:DescribeInstanceAttribute']);
    // Never a secret value: no GetSecretValue, and no kms:Decrypt, without which a SecureString stays encrypted.
    for (const never of ['sts:AssumeRole', 'secretsmanager:GetSecretValue', 'kms:Decrypt']) expect(statements.flatMap((s) => s.actions)).not.toContain(never);
    expect(one(json, 'resource', 'aws_iam_role').name).toBe('nhi-guard-scanner');
    expect(trustOf(json).principals[0].identifiers).toEqual([`arn:aws:iam::${ACCOUNT}:role/ci-runner`]);
  });

  it('in the management account of an --org run: lists the accounts and assumes only the member scanner roles', () => {
    const { json, problems } = synth(
      (s) =>
        new ScannerRole(s, 'Scanner', {
          account: ACCOUNT,
          governance,
          trustedBy: { roleArn: `arn:aws:iam::${ACCOUNT}:role/ci-runner` },
          organization: { memberRoleName: 'nhi-guard-scanner' },
        }),
    );
    expect(problems).toEqual([]);
    const statements = permissionsOf(json);
    expect(statements.flatMap((s) => s.actions).sort()).toEqual([...SCANNER_ACTIONS, ...ORG_SCANNER_ACTIONS].sort());
    expect(statements.find((s) => s.actions.includes('sts:AssumeRole'))).toMatchObject({
      actions: ['sts:AssumeRole'],
      resources: ['arn:aws:iam::*:role/nhi-guard-scanner'],
    });
    expect(statements.find((s) => s.actions.includes('organizations:ListAccounts'))!.resources).toEqual(['*']);
  });

  it('stays read-only: later grants of Write actions are refused', () => {
    const s = newStack();
    const scanner = new ScannerRole(s, 'Scanner', { account: ACCOUNT, governance, trustedBy: { roleArn: `arn:aws:iam::${ACCOUNT}:role/ci-runner` } });
    const before = scanner.grants.length;
    scanner.grant({ actions: ['iam:DeleteAccessKey'], resources: [`arn:aws:iam::${ACCOUNT}:user/*`] });
    expect(scanner.problems).toEqual([expect.stringMatching(/^iam:DeleteAccessKey is Write; the scanner is read-only/)]);
    scanner.grant({ actions: ['iam:GetRole'], resources: [`arn:aws:iam::${ACCOUNT}:role/*`] });
    expect(scanner.problems).toHaveLength(1);
    expect(scanner.grants).toHaveLength(before + 1);
  });

  it('can be trusted by one GitHub workflow through OIDC', () => {
    const { json } = synth(
      (s) =>
        new ScannerRole(s, 'Scanner', {
          account: ACCOUNT,
          governance,
          trustedBy: { githubActions: { account: ACCOUNT, repository: 'stmarys-health/nhi-guard', ref: 'refs/heads/main' } },
        }),
    );
    expect(conditionValue(trustOf(json), 'token.actions.githubusercontent.com:sub')?.values).toEqual(['repo:stmarys-health/nhi-guard:ref:refs/heads/main']);
  });
});
