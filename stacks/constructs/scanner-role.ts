/**
 * ScannerRole: the read-only role `nhi-guard check --live aws` and `nhi-guard drift` assume to
 * inventory an account. Actions the AWS catalog marks wildcard-only (List/Read such as
 * iam:GetAccountAuthorizationDetails, sts:GetCallerIdentity) get Resource "*"; the others are
 * scoped to the users, roles and secrets of the scanned account. It never reads secret values.
 * Trusted by one CI workflow through GitHub OIDC or by one named role (a CI runner role).
 */
import type { Construct } from 'constructs';
import { actionFacts } from './iam-catalog.js';
import type { Grant } from './grants.js';
import { GovernedRole, type GovernedRoleProps } from './governed-role.js';
import type { GithubActionsPrincipal } from './trust.js';

/** What the live collector calls. */
export const SCANNER_ACTIONS = [
  'iam:GetAccountAuthorizationDetails',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  // Console passwords (login profiles) and which users hold keys, in one account-wide report.
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:ListRoles',
  'iam:ListUsers',
  'iam:ListRoleTags',
  'iam:ListUserTags',
  'secretsmanager:ListSecrets',
  'secretsmanager:DescribeSecret',
  'sts:GetCallerIdentity',
] as const;

export interface ScannerRoleProps extends Omit<GovernedRoleProps, 'grants' | 'name'> {
  /** IAM role name (default `nhi-guard-scanner`). */
  name?: string;
  /** The account scanned (where the role lives). */
  account: string;
  /** A GitHub Actions workflow (OIDC) or one named role (ARN) that runs the scan. */
  trustedBy: { githubActions: Omit<GithubActionsPrincipal, 'kind'> } | { roleArn: string };
}

export class ScannerRole extends GovernedRole {
  constructor(scope: Construct, id: string, props: ScannerRoleProps) {
    const path = `${scope.node.path}/${id}`;
    if (!/^\d{12}$/.test(props.account ?? '')) throw new Error(`${path}: account must be the 12-digit ID of the scanned account`);
    super(scope, id, { ...props, name: props.name ?? 'nhi-guard-scanner' }, {
      principal:
        'githubActions' in props.trustedBy
          ? { kind: 'github-actions', ...props.trustedBy.githubActions }
          : { kind: 'account-principals', arns: [props.trustedBy.roleArn] },
    });
    const acct = props.account;
    const scoped: Record<string, string[]> = {
      user: [`arn:aws:iam::${acct}:user/*`],
      role: [`arn:aws:iam::${acct}:role/*`],
      Secret: [`arn:aws:secretsmanager:*:${acct}:secret:*`],
    };
    const wildcardOnly: string[] = [];
    const byResource = new Map<string, string[]>();
    for (const a of SCANNER_ACTIONS) {
      const f = actionFacts(a);
      if (!f) throw new Error(`${path}: ${a} is not in the AWS action catalog`);
      if (f.accessLevel !== 'List' && f.accessLevel !== 'Read') throw new Error(`${path}: ${a} is ${f.accessLevel}; the scanner is read-only`);
      if (f.wildcardOnly) {
        wildcardOnly.push(a);
        continue;
      }
      const type = a.startsWith('secretsmanager:') ? 'Secret' : a.includes('Role') ? 'role' : 'user';
      byResource.set(type, [...(byResource.get(type) ?? []), a]);
    }
    this.grant({ actions: wildcardOnly, resources: ['*'] });
    for (const [type, actions] of byResource) this.grant({ actions, resources: scoped[type]! });
  }

  /** The scanner stays read-only: every action added later must be List or Read. */
  override grant(g: Grant): this {
    for (const a of g.actions ?? []) {
      const level = actionFacts(a)?.accessLevel;
      if (level !== 'List' && level !== 'Read') throw new Error(`${this.node.path}: ${a} is ${level ?? 'not a known action'}; the scanner is read-only (List and Read actions only)`);
    }
    return super.grant(g);
  }

  override governanceChecks(): string[] {
    const out = super.governanceChecks();
    if (this.governance.identityKind !== 'automation') out.push(`identityKind must be "automation" for ScannerRole (got "${this.governance.identityKind}")`);
    return out;
  }
}
