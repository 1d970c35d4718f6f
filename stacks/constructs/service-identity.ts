/**
 * ServiceIdentity: an IAM role for one workload, with governance tags, a trust policy for exactly
 * that workload's principal, and a grant API that produces least-privilege statements scoped to
 * resource ARNs.
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { governanceTags, type Governance, type Governed, type TagKeys } from './governance.js';

/** Who may assume the role: an AWS service principal, optionally pinned to one source account. */
export interface ServicePrincipal {
  service: string;
  /** aws:SourceAccount condition (confused-deputy protection). */
  sourceAccount?: string;
}

export interface Grant {
  actions: string[];
  resources: string[];
  /** Extra conditions: { test, variable, values }. */
  conditions?: Array<{ test: string; variable: string; values: string[] }>;
}

export interface ServiceIdentityProps {
  /** IAM role name. */
  name: string;
  governance: Governance;
  principal: ServicePrincipal;
  grants?: Grant[];
  tagKeys?: TagKeys;
}

export class ServiceIdentity extends Construct implements Governed {
  readonly governance: Governance;
  readonly role: IamRole;
  private readonly grants: Grant[] = [];

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    this.governance = props.governance;
    const condition = props.principal.sourceAccount
      ? [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.principal.sourceAccount] }]
      : undefined;
    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.principal.service] }],
          ...(condition ? { condition } : {}),
        },
      ],
    });
    this.role = new IamRole(this, 'Role', {
      name: props.name,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
      tags: governanceTags(props.governance, props.tagKeys),
    });
    for (const g of props.grants ?? []) this.grant(g);
    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      statement: Lazy.anyValue({
        produce: () =>
          this.grants.map((g) => ({
            effect: 'Allow',
            actions: g.actions,
            resources: g.resources,
            ...(g.conditions?.length ? { condition: g.conditions } : {}),
          })),
      }) as never,
    });
    new IamRolePolicy(this, 'Policy', { name: `${props.name}-permissions`, role: this.role.name, policy: permissions.json });
  }

  /** Allows `actions` on `resources` (ARNs). Wildcard resources are refused here: scope them. */
  grant(g: Grant): this {
    if (g.actions.length === 0) throw new Error(`${this.node.path}: a grant needs at least one action`);
    if (g.resources.length === 0) throw new Error(`${this.node.path}: a grant needs at least one resource ARN`);
    if (g.actions.some((a) => a === '*' || a === '*:*')) throw new Error(`${this.node.path}: Action "*" is never granted; list the actions the workload calls`);
    this.grants.push(g);
    return this;
  }
}
