/**
 * ScannerRole: the read-only role `nhi-guard check --live aws` and `nhi-guard drift` assume to
 * inventory an account: identities, keys, secret metadata, the names and tags of its data stores,
 * and the configurations that may hold credentials in plain text (function environments, task
 * definitions, String parameters, user data). Actions the AWS catalog marks wildcard-only
 * (List/Read such as iam:GetAccountAuthorizationDetails, sts:GetCallerIdentity) get Resource "*";
 * the others are scoped to the users, roles, secrets, stores, parameters and instances of the
 * scanned account. It never reads secret values, SecureString parameters or the content of a store.
 * Trusted by one CI workflow through GitHub OIDC or by one named role (a CI runner role).
 */
import type { Construct } from 'constructs';
import { actionFacts } from './iam-catalog.js';
import type { Grant } from './grants.js';
import { GovernedRole, type GovernedRoleProps } from './governed-role.js';
import { reportProblem } from './problems.js';
import type { GithubActionsPrincipal } from './trust.js';

/** What the live collector calls in an account, with the resource type each scoped action acts on. */
const ACTIONS = {
  'iam:GetAccountAuthorizationDetails': '*',
  'iam:ListAccessKeys': 'user',
  'iam:GetAccessKeyLastUsed': 'user',
  // Console passwords (login profiles) and which users hold keys, in one account-wide report.
  'iam:GenerateCredentialReport': '*',
  'iam:GetCredentialReport': '*',
  'iam:ListRoles': '*',
  'iam:ListUsers': '*',
  'iam:ListRoleTags': 'role',
  'iam:ListUserTags': 'user',
  'secretsmanager:ListSecrets': '*',
  'secretsmanager:DescribeSecret': 'secret',
  'sts:GetCallerIdentity': '*',
  // --all-regions: the regions enabled in the account.
  'ec2:DescribeRegions': '*',
  // Data stores and their data-class tags (NHI-LP-008 on live state).
  's3:ListAllMyBuckets': '*',
  's3:GetBucketTagging': 'bucket',
  // The region of each bucket: a per-region run reads the buckets of its regions only.
  's3:GetBucketLocation': 'bucket',
  'dynamodb:ListTables': '*',
  'dynamodb:ListTagsOfResource': 'table',
  'rds:DescribeDBInstances': 'db',
  'rds:DescribeDBClusters': 'cluster',
  'healthlake:ListFHIRDatastores': '*',
  'healthlake:ListTagsForResource': 'datastore',
  'kms:ListKeys': '*',
  'kms:ListAliases': '*',
  'kms:ListResourceTags': 'key',
  // PHI keys: automatic rotation and an own key policy (NHI-ROT-009); the policy is compared, not kept.
  'kms:GetKeyRotationStatus': 'key',
  'kms:GetKeyPolicy': 'key',
  // Configurations scanned for credentials in plain text (NHI-ROT-008) and IMDS settings
  // (NHI-TR-007): function environments, task definitions, Batch job definitions, String parameters (never a
  // SecureString: no kms:Decrypt), instances with their user data, launch templates, autoscaling groups.
  'lambda:ListFunctions': '*',
  'ecs:ListTaskDefinitions': '*',
  'ecs:DescribeTaskDefinition': '*',
  'ssm:DescribeParameters': '*',
  'ssm:GetParameters': 'parameter',
  'ec2:DescribeInstances': '*',
  'ec2:DescribeInstanceAttribute': 'instance',
  'ec2:DescribeLaunchTemplateVersions': '*',
  'autoscaling:DescribeAutoScalingGroups': '*',
  // Batch job definitions' container environments (NHI-ROT-008); a list-only action.
  'batch:DescribeJobDefinitions': '*',
} as const;

export const SCANNER_ACTIONS = Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>;

/**
 * What an organization run (`--org`) calls besides: the account list, and the assumption of the
 * member accounts' scanner roles. Granted only with `organization` (in the management or the
 * delegated administrator account); sts:AssumeRole is the one non-read action, and only on roles
 * of the given name.
 */
export const ORG_SCANNER_ACTIONS = ['organizations:ListAccounts', 'sts:AssumeRole'] as const;

export interface ScannerRoleProps extends Omit<GovernedRoleProps, 'grants' | 'name'> {
  /** IAM role name (default `nhi-guard-scanner`). */
  name?: string;
  /** The account scanned (where the role lives). */
  account: string;
  /** A GitHub Actions workflow (OIDC) or one named role (ARN) that runs the scan. */
  trustedBy: { githubActions: Omit<GithubActionsPrincipal, 'kind'> } | { roleArn: string };
  /** Management (or delegated administrator) account of an `--org` run: list the accounts and assume this role name in each. */
  organization?: { memberRoleName: string };
}

export class ScannerRole extends GovernedRole {
  constructor(scope: Construct, id: string, props: ScannerRoleProps) {
    const path = `${scope.node.path}/${id}`;
    super(
      scope,
      id,
      { ...props, name: props.name ?? 'nhi-guard-scanner' },
      {
        principal:
          'githubActions' in props.trustedBy
            ? { kind: 'github-actions', ...props.trustedBy.githubActions }
            : { kind: 'account-principals', arns: [props.trustedBy.roleArn] },
      },
    );
    if (!/^\d{12}$/.test(props.account ?? '')) reportProblem(this, 'account must be the 12-digit ID of the scanned account');
    const acct = props.account;
    const scoped: Record<string, string[]> = {
      user: [`arn:aws:iam::${acct}:user/*`],
      role: [`arn:aws:iam::${acct}:role/*`],
      secret: [`arn:aws:secretsmanager:*:${acct}:secret:*`],
      // Bucket ARNs carry no account: every bucket name; S3 answers only for the account's own.
      bucket: ['arn:aws:s3:::*'],
      table: [`arn:aws:dynamodb:*:${acct}:table/*`],
      db: [`arn:aws:rds:*:${acct}:db:*`],
      cluster: [`arn:aws:rds:*:${acct}:cluster:*`],
      datastore: [`arn:aws:healthlake:*:${acct}:datastore/fhir/*`],
      key: [`arn:aws:kms:*:${acct}:key/*`],
      parameter: [`arn:aws:ssm:*:${acct}:parameter/*`],
      instance: [`arn:aws:ec2:*:${acct}:instance/*`],
    };
    const wildcardOnly: string[] = [];
    const byResource = new Map<string, string[]>();
    for (const a of SCANNER_ACTIONS) {
      const f = actionFacts(a);
      if (!f) throw new Error(`${path}: ${a} is not in the AWS action catalog`);
      if (f.accessLevel !== 'List' && f.accessLevel !== 'Read') throw new Error(`${path}: ${a} is ${f.accessLevel}; the scanner is read-only`);
      const type = ACTIONS[a];
      if (f.wildcardOnly !== (type === '*')) throw new Error(`${path}: ${a} is ${f.wildcardOnly ? '' : 'not '}wildcard-only in the AWS catalog`);
      if (type === '*') wildcardOnly.push(a);
      else byResource.set(type, [...(byResource.get(type) ?? []), a]);
    }
    if (props.organization) wildcardOnly.push('organizations:ListAccounts');
    this.grant({ actions: wildcardOnly, resources: ['*'] });
    for (const [type, actions] of byResource) this.grant({ actions, resources: scoped[type]! });
    if (props.organization) {
      const name = props.organization.memberRoleName;
      if (!/^[\w+=,.@-]{1,64}$/.test(name)) reportProblem(this, `organization.memberRoleName ${JSON.stringify(name)} is not an IAM role name`);
      // The one action that is not a read: assuming the read-only scanner role of the member accounts.
      super.grant({ actions: ['sts:AssumeRole'], resources: [`arn:aws:iam::*:role/${name}`] });
    }
  }

  /** The scanner stays read-only: every action added later must be List or Read. */
  override grant(g: Grant): this {
    const refused = (g.actions ?? []).flatMap((a) => {
      const level = actionFacts(a)?.accessLevel;
      return level === 'List' || level === 'Read' ? [] : [`${a} is ${level ?? 'not a known action'}; the scanner is read-only (List and Read actions only)`];
    });
    if (refused.length > 0) {
      for (const r of refused) reportProblem(this, r);
      return this;
    }
    return super.grant(g);
  }

  override governanceChecks(): string[] {
    const out = super.governanceChecks();
    if (this.governance.identityKind !== 'automation') out.push(`identityKind must be "automation" for ScannerRole (got "${this.governance.identityKind}")`);
    return out;
  }
}
