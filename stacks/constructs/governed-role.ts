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
import { checkGrant, type Grant, type GrantRules } from './grants.js';
import { governanceTags, type Governance, type Governed, type TagKeys } from './governance.js';
import { trustStatement, type Condition, type Principal } from './trust.js';

export interface GovernedRoleProps {
  /** IAM role name. */
  name: string;
  governance: Governance;
  grants?: Grant[];
  tagKeys?: TagKeys;
}

export interface RoleSettings {
  principal: Principal;
  /** Conditions added to the trust statement (ExternalId, MFA). */
  extraTrustConditions?: Condition[];
  maxSessionDuration?: number;
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
    this.governance = props.governance;
    this.grantRules = settings.grantRules ?? { star: 'wildcard-only' };
    let t;
    try {
      t = trustStatement(settings.principal);
    } catch (e) {
      throw new Error(`${this.node.path}: ${(e as Error).message}`);
    }
    const condition = [...t.conditions, ...(settings.extraTrustConditions ?? [])];
    this.trustPolicy = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [{ effect: 'Allow', actions: t.actions, principals: t.principals, ...(condition.length ? { condition } : {}) }],
    });
    this.role = new IamRole(this, 'Role', {
      name: props.name,
      assumeRolePolicy: this.trustPolicy.json,
      maxSessionDuration: settings.maxSessionDuration ?? 3600,
      tags: { ...governanceTags(props.governance, props.tagKeys), ...(settings.extraTags ?? {}) },
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

  /** Allows `actions` on `resources` (ARNs), after the least-privilege checks of grants.ts. */
  grant(g: Grant): this {
    this.grantList.push(checkGrant(this.node.path, g, this.grantRules));
    return this;
  }

  /** The grants so far (copies). */
  get grants(): Grant[] {
    return this.grantList.map((g) => ({ ...g }));
  }

  /** Problems the aspect reports with this construct's path; subclasses add their kind's rules. */
  governanceChecks(): string[] {
    return this.grantList.length === 0 ? ['the identity has no grants: remove it, or grant the actions it calls'] : [];
  }
}
