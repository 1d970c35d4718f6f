/**
 * The IAM role shared by every identity construct: governance tags, one trust statement for one
 * principal, and an inline policy built from checked grants (statements are produced at synth time,
 * so grants added after construction are included).
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { pathProblems, roleNameProblems, sessionProblems, tagProblems } from './aws-limits.js';
import { checkGrant, type Grant, type GrantRules } from './grants.js';
import { governanceTags, type Governance, type Governed, type TagKeys } from './governance.js';
import { problemsOf, reportProblem, reportProblems } from './problems.js';
import { trustStatement, type Condition, type Principal, type TrustStatement } from './trust.js';
import { recordSourceLocation } from './source-location.js';

export interface GovernedRoleProps {
  /** IAM role name (at most 64 characters of letters, digits and +=,.@_-). */
  name: string;
  /** IAM path, e.g. `/vendors/` (default `/`). */
  path?: string;
  governance: Governance;
  grants?: Grant[];
  tagKeys?: TagKeys;
}

export interface RoleSettings {
  principal: Principal;
  /** Conditions added to the trust statement (ExternalId, MFA). */
  extraTrustConditions?: Condition[];
  maxSessionDuration?: number;
  /** A tighter limit than AWS's 43200 seconds for this kind of role, and why. */
  sessionLimit?: { max: number; why: string };
  extraTags?: Record<string, string>;
  grantRules?: GrantRules;
}

export abstract class GovernedRole extends Construct implements Governed {
  readonly governance: Governance;
  readonly role: IamRole;
  readonly trustPolicy: DataAwsIamPolicyDocument;
  private readonly grantList: Grant[] = [];
  private readonly grantRules: GrantRules;

  protected constructor(scope: Construct, id: string, props: GovernedRoleProps, settings: RoleSettings) {
    super(scope, id);
    recordSourceLocation(this);
    this.governance = props.governance;
    this.grantRules = settings.grantRules ?? { star: 'wildcard-only' };
    let t: TrustStatement;
    try {
      t = trustStatement(settings.principal);
    } catch (e) {
      reportProblem(this, (e as Error).message);
      t = { actions: ['sts:AssumeRole'], principals: [], conditions: [] };
    }
    const condition = [...t.conditions, ...(settings.extraTrustConditions ?? [])];
    this.trustPolicy = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [{ effect: 'Allow', actions: t.actions, principals: t.principals, ...(condition.length ? { condition } : {}) }],
    });
    const maxSessionDuration = settings.maxSessionDuration ?? 3600;
    const tags = { ...governanceTags(props.governance, props.tagKeys), ...(settings.extraTags ?? {}) };
    // Every limit is checked (problems are collected, not thrown): synth names them all at once.
    reportProblems(this, [
      ...roleNameProblems(props.name),
      ...(props.path !== undefined ? pathProblems(props.path) : []),
      ...sessionLimitProblems(maxSessionDuration, settings.sessionLimit),
      ...tagProblems(tags),
    ]);
    this.role = new IamRole(this, 'Role', {
      name: props.name,
      ...(props.path !== undefined ? { path: props.path } : {}),
      assumeRolePolicy: this.trustPolicy.json,
      maxSessionDuration,
      tags,
    });
    for (const g of props.grants ?? []) this.grant(g);
    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      statement: Lazy.anyValue({
        produce: () =>
          this.grantList.map((g) => ({
            effect: 'Allow',
            actions: g.actions,
            resources: g.resources,
            ...(g.conditions?.length ? { condition: g.conditions } : {}),
          })),
      }) as never,
    });
    new IamRolePolicy(this, 'Policy', { name: `${props.name}-permissions`, role: this.role.name, policy: permissions.json });
  }

  /**
   * Allows `actions` on `resources` (ARNs), after the least-privilege checks of grants.ts; a grant
   * that fails them is left out and recorded as a problem of this construct (synth fails on it).
   */
  grant(g: Grant): this {
    try {
      this.grantList.push(checkGrant(this.node.path, g, this.grantRules));
    } catch (e) {
      reportProblem(this, (e as Error).message.replace(`${this.node.path}: `, ''));
    }
    return this;
  }

  /** Problems recorded while this role was built (options outside AWS limits, refused grants). */
  get problems(): string[] {
    return problemsOf(this);
  }

  /** The grants so far (copies). */
  get grants(): Grant[] {
    return this.grantList.map((g) => ({ ...g }));
  }

  /** Problems the aspect reports with this construct's path; subclasses add their kind's rules. */
  governanceChecks(): string[] {
    // A role whose every grant was refused has those problems already; "no grants" would add nothing.
    if (this.grantList.length === 0 && problemsOf(this).length === 0) return ['the identity has no grants: remove it, or grant the actions it calls'];
    return [];
  }
}

/** AWS's range for a role's sessions first, then the tighter limit of the construct's kind. */
function sessionLimitProblems(seconds: number, limit: RoleSettings['sessionLimit']): string[] {
  const aws = sessionProblems(seconds);
  if (aws.length > 0 || !limit || seconds <= limit.max) return aws;
  return [`maxSessionDuration ${seconds} is more than the ${limit.max} seconds allowed ${limit.why}`];
}
